/**
 * A series' labels are its label set's with `__name__` and the extra label (`le`, `quantile`) put in
 * place, each replacing a label of the same name (series-table.ts mergeLabels). Property: for random
 * sets (which may hold `__name__`, `le` or `quantile` themselves, from attributes or external labels)
 * and random series, labelIds equals a plain reference (a Map, then a UTF-8 sort), and two series with
 * equal labels are one series. The table finds most series through their set's chain and the rest
 * through its index (series-table.ts): the second property takes the chains past their length limit,
 * switches to the index part-way (a set with `le`) and rolls an add back.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeriesTable } from '../../src/builder/series-table.js';
import { compareUtf8 } from '../../src/rw/label-order.js';
import { MetricType } from '../../src/rw/types.js';
import { NO_LABEL } from '../../src/translate/sink.js';

const NAMES = ['__name__', '__type__', 'A', 'a', 'instance', 'job', 'le', 'quantile', 'z', '~', 'é', '😀'];
const VALUES = ['1', '2', 'x', '+Inf'];
const metadata = { type: MetricType.GAUGE, family: 'm', help: '', unit: '' };

const labelSet = fc.uniqueArray(fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...VALUES)), { selector: ([name]) => name, maxLength: 8 });
const series = fc.record({
  set: fc.nat(),
  name: fc.constantFrom('m', 'm_bucket', 'm_sum'),
  // 'A' sorts before __name__: the extra label then goes in first.
  extra: fc.option(fc.tuple(fc.constantFrom('le', 'quantile', 'A'), fc.constantFrom(...VALUES)), { nil: undefined }),
});

function reference(set: Array<[string, string]>, name: string, extra: [string, string] | undefined): string[] {
  const labels = new Map(set);
  labels.set('__name__', name);
  if (extra !== undefined) labels.set(extra[0], extra[1]);
  return [...labels.keys()].sort(compareUtf8).flatMap((key) => [key, labels.get(key) as string]);
}

/** Every series' labels as text (JSON of the flat name/value list), distinct and sorted. */
function labelTexts(table: SeriesTable): string[] {
  const actual = new Set<string>();
  let out: Int32Array = new Int32Array(4);
  for (let i = 0; i < table.size; i++) {
    out = table.labelIds(i, out);
    actual.add(JSON.stringify(Array.from(out.subarray(0, 2 * table.labelCount(i)), (id) => table.strings.strings[id])));
  }
  return [...actual].sort();
}

describe('series labels', () => {
  it('are the set with __name__ and the extra label in place; equal labels are one series', () => {
    fc.assert(
      fc.property(fc.array(labelSet, { minLength: 1, maxLength: 5 }), fc.array(series, { minLength: 1, maxLength: 30 }), (sets, list) => {
        const table = new SeriesTable();
        const setIds = sets.map((set) => table.labelSet([...set].sort((a, b) => compareUtf8(a[0], b[0])).flat()));
        const expected = new Map<string, number>();
        for (const s of list) {
          const set = sets[s.set % sets.length];
          const extraName = s.extra === undefined ? NO_LABEL : table.stringId(s.extra[0]);
          const extraValue = s.extra === undefined ? 0 : table.stringId(s.extra[1]);
          table.sample(setIds[s.set % sets.length], table.stringId(s.name), extraName, extraValue, metadata, 1, 1, 0, false, undefined);
          expected.set(JSON.stringify(reference(set, s.name, s.extra)), 0);
        }
        expect(table.size).toBe(expected.size);
        expect(labelTexts(table)).toEqual([...expected.keys()].sort());
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('are one series per distinct labels through long chains, a switch to the index and a rollback', () => {
    const PLAIN = ['a', 'b', 'job', 'z'];
    const plainSet = fc.uniqueArray(fc.tuple(fc.constantFrom(...PLAIN), fc.constantFrom(...VALUES)), { selector: ([name]) => name, maxLength: 3 });
    const point = fc.record({
      set: fc.nat(),
      // 48 metric names: one set's chain passes 32 series.
      name: fc.integer({ min: 0, max: 47 }).map((i) => `m${i}`),
      extra: fc.option(fc.tuple(fc.constantFrom('le', 'quantile'), fc.constantFrom(...VALUES)), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(plainSet, { minLength: 1, maxLength: 3 }),
        fc.array(point, { minLength: 120, maxLength: 300 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.option(fc.nat(), { nil: undefined }),
        (sets, list, leSetAt, rollbackAt) => {
          const table = new SeriesTable();
          const sorted = (set: Array<[string, string]>) => [...set].sort((a, b) => compareUtf8(a[0], b[0]));
          const allSets = [...sets, [['le', '1']] as Array<[string, string]>];
          const expected = new Map<string, number>();
          const add = (s: (typeof list)[number], i: number): string => {
            // From leSetAt on, every other point uses the set with a `le` label.
            const pick = leSetAt !== undefined && i >= leSetAt % list.length && i % 2 === 0 ? allSets.length - 1 : s.set % sets.length;
            const set = allSets[pick];
            const extraName = s.extra === undefined ? NO_LABEL : table.stringId(s.extra[0]);
            const extraValue = s.extra === undefined ? 0 : table.stringId(s.extra[1]);
            table.sample(table.labelSet(sorted(set).flat()), table.stringId(s.name), extraName, extraValue, metadata, 1, 1, 0, false, undefined);
            return JSON.stringify(reference(set, s.name, s.extra));
          };
          const cut = rollbackAt === undefined ? list.length : rollbackAt % list.length;
          list.slice(0, cut).forEach((s, i) => expected.set(add(s, i), 0));
          if (rollbackAt !== undefined) {
            // An add that fails half-way: everything it added goes, and what came before still merges.
            table.begin();
            list.slice(cut).forEach((s, i) => add(s, cut + i));
            table.rollback();
            expect(table.size).toBe(expected.size);
            list.slice(cut).forEach((s, i) => expected.set(add(s, cut + i), 0));
          }
          // Everything again: no new series.
          list.forEach((s, i) => add(s, i));
          expect(table.size).toBe(expected.size);
          expect(labelTexts(table)).toEqual([...expected.keys()].sort());
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});
