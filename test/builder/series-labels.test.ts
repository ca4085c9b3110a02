/**
 * A series' labels are its label set's with `__name__` and the extra label (`le`, `quantile`) put in
 * place, each replacing a label of the same name (series-table.ts mergeLabels). Property: for random
 * sets (which may hold `__name__`, `le` or `quantile` themselves, from attributes or external labels)
 * and random series, labelIds equals a plain reference (a Map, then a UTF-8 sort), and two series with
 * equal labels are one series. The table finds most series through their set's chain and the rest
 * through its index (series-table.ts): the second property takes the chains past their length limit,
 * switches to the index part-way (a set with `le`) and rolls an add back. The third: a run of samples
 * (sampleRun, a histogram point's buckets) leaves the table exactly as its samples one by one do,
 * limits included.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeriesTable } from '../../src/builder/series-table.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
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

  it('take a run of samples as they take its samples one by one, limits and all', () => {
    const op = fc.record({
      set: fc.nat(),
      name: fc.integer({ min: 0, max: 11 }).map((i) => `m${i}`),
      // `A` is no bucket label: the run then goes through series() per sample (and indexes everything).
      extraName: fc.constantFrom('le', 'le', 'quantile', 'A'),
      // Repeated values within a run are one series; up to 40 values take a chain past its limit.
      values: fc.array(fc.constantFrom('1', '2', '2.5', '+Inf', 'x', 'a-long-value'), { minLength: 0, maxLength: 40 }),
      asRun: fc.boolean(),
    });
    const limits = fc.record({
      maxSeries: fc.integer({ min: 1, max: 400 }),
      maxLabelsPerSeries: fc.integer({ min: 2, max: 6 }),
      maxLabelValueBytes: fc.integer({ min: 5, max: 20 }),
    });
    const sets = fc.array(fc.uniqueArray(fc.tuple(fc.constantFrom('__name__', 'a', 'job', 'le', 'quantile', 'z'), fc.constantFrom('1', 'x')), { selector: ([name]) => name, maxLength: 4 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(sets, fc.array(op, { minLength: 1, maxLength: 40 }), limits, (labelSets, ops, limit) => {
        const tables = [new SeriesTable({ ...DEFAULT_LIMITS, ...limit }), new SeriesTable({ ...DEFAULT_LIMITS, ...limit })];
        const outcomes: string[][] = [[], []];
        tables.forEach((table, t) => {
          const setIds = labelSets.map((set) => table.labelSet([...set].sort((a, b) => compareUtf8(a[0], b[0])).flat()));
          for (const [i, o] of ops.entries()) {
            const set = setIds[o.set % setIds.length];
            const name = table.stringId(o.name);
            const extraName = table.stringId(o.extraName);
            const extraValues = Int32Array.from(o.values, (value) => table.stringId(value));
            const values = Float64Array.from(o.values, (_, v) => 10 * i + v);
            const meta = { ...metadata, help: `op ${i % 3}` };
            try {
              if (t === 0 && o.asRun) table.sampleRun(set, name, extraName, extraValues, values, values.length, meta, i, 0, i % 5 === 0);
              else for (let v = 0; v < values.length; v++) table.sample(set, name, extraName, extraValues[v], meta, i, values[v], 0, i % 5 === 0, undefined);
              outcomes[t].push('ok');
            } catch (error) {
              outcomes[t].push(String(error));
            }
          }
        });
        const [run, single] = tables;
        expect(outcomes[0]).toEqual(outcomes[1]);
        expect(run.size).toBe(single.size);
        const seriesOf = (table: SeriesTable) => Array.from({ length: table.size }, (_, s) => [table.labelIds(s, new Int32Array(0)).subarray(0, 2 * table.labelCount(s)).join(), table.metadataOf[s].help]);
        expect(seriesOf(run)).toEqual(seriesOf(single));
        expect(run.records.subarray(0, 8 * run.size)).toEqual(single.records.subarray(0, 8 * single.size));
        const rows = (table: SeriesTable) => Array.from({ length: table.samples.length }, (_, r) => [table.samples.series[r], table.samples.timestamp[r], table.samples.value[r], table.samples.stale[r]]);
        expect(rows(run)).toEqual(rows(single));
      }),
      { numRuns: 400, seed: 13 },
    );
  });
});
