/**
 * MetricContext.pointSet takes a fast path (src/translate/point-label-sets.ts: context labels merged once
 * per resource/scope/metric, names ranked once) and falls back to the Map-based SeriesLabelBuilder path
 * only where attribute names collide after sanitizing. Property: for random resources, scopes, external
 * labels, options and point attributes (some shared frozen objects, as the decoder's), both paths give
 * the same label set (same id in the table).
 */

import { describe, expect, it } from 'vitest';
import { SeriesTable } from '../../src/builder/series-table.js';
import type { KeyValue } from '../../src/otlp/model.js';
import { MetricType } from '../../src/rw/types.js';
import { MetricContext } from '../../src/translate/context.js';
import { LabelNameCache } from '../../src/translate/label-name.js';
import { resourceLabels, scopeLabels } from '../../src/translate/labels.js';
import { InvalidNameError } from '../../src/translate/metric-name.js';
import { type TranslationStrategy, allowsUtf8, resolveTranslationOptions } from '../../src/translate/options.js';

const KEYS = ['a', 'a.b', 'a_b', 'a-b', 'b', 'job', 'instance', '__name__', 'otel_scope_name', 'otel_scope_version', 'otel_scope_x', '__type__', '__unit__', 'host', 'k8s.pod', 'k8s_pod', 'é', '😀x', 'z', 'service.name', '1a', '_x', 'le', 'ext', 'ext.a'];
const VALUES = ['', 'v', 'w', '1', 'x y'];
const STRATEGIES: TranslationStrategy[] = ['UnderscoreEscapingWithSuffixes', 'NoTranslation', 'NoUTF8EscapingWithSuffixes', 'UnderscoreEscapingWithoutSuffixes'];

/** A seeded LCG: the same cases on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

describe('point label sets: fast path = general path', () => {
  it('agree on 3000 random contexts x 15 points', () => {
    const rnd = random(12345);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
    const value = (): KeyValue['value'] =>
      rnd() < 0.2 ? { kind: 'int', value: BigInt(Math.floor(rnd() * 5)) } : rnd() < 0.1 ? { kind: 'bool', value: rnd() < 0.5 } : { kind: 'string', value: pick(VALUES) };
    const fresh = (): KeyValue => ({ key: pick(KEYS), value: value() }) as KeyValue;
    // The decoder hands out one frozen object per distinct attribute bytes, which pointSet remembers
    // by identity: half the point attributes come from such a pool, kept across contexts.
    const shared: KeyValue[] = Array.from({ length: 12 }, () => Object.freeze(fresh()));
    const attributes = (count: number): KeyValue[] => Array.from({ length: count }, () => (rnd() < 0.5 ? pick(shared) : fresh()));
    let compared = 0;
    for (let round = 0; round < 3000; round++) {
      const externalLabels: Record<string, string> = Object.create(null);
      for (let i = 0; i < Math.floor(rnd() * 3); i++) externalLabels[pick(['ext', 'ext_a', 'job', 'a', 'host', 'z', 'otel_scope_version'])] = pick(VALUES);
      const options = resolveTranslationOptions({
        translationStrategy: pick(STRATEGIES),
        ...(rnd() < 0.3 ? { promoteAllResourceAttributes: true, ignoreResourceAttributes: ['b'] } : { promoteResourceAttributes: rnd() < 0.5 ? ['a', 'host', 'job', 'k8s.pod', 'ext', 'é'] : [] }),
        promoteScopeMetadata: rnd() < 0.5,
        typeAndUnitLabels: rnd() < 0.5,
        externalLabels,
        labelNameUnderscoreSanitization: rnd() < 0.5,
        labelNamePreserveMultipleUnderscores: rnd() < 0.5,
      });
      const names = new LabelNameCache({
        utf8Allowed: allowsUtf8(options.translationStrategy),
        underscoreSanitization: options.labelNameUnderscoreSanitization,
        preserveMultipleUnderscores: options.labelNamePreserveMultipleUnderscores,
      });
      const table = new SeriesTable();
      const context = new MetricContext(table, options, names);
      try {
        context.resource = resourceLabels({ attributes: attributes(Math.floor(rnd() * 5)), droppedAttributesCount: 0 } as never, options, names);
        const scopeAttributes = attributes(Math.floor(rnd() * 3)).map((attribute) => ({ ...attribute, key: pick(['name', 'x', 'version']) }));
        context.scope = scopeLabels({ name: pick(['', 's']), version: pick(['', '1']), attributes: scopeAttributes } as never, pick(['', 'u']), options, names);
      } catch (error) {
        if (error instanceof InvalidNameError) continue;
        throw error;
      }
      for (let m = 0; m < 3; m++) {
        context.forMetric('m', pick([MetricType.GAUGE, MetricType.COUNTER, MetricType.HISTOGRAM]), '', pick(['', 's', 'By']));
        for (let p = 0; p < 5; p++) {
          const point = attributes(Math.floor(rnd() * 6));
          try {
            for (const attribute of point) if (attribute.key !== '__name__') names.dataPoint(attribute.key);
          } catch (error) {
            if (error instanceof InvalidNameError) continue;
            throw error;
          }
          const fast = context.pointSet(point);
          const general = (context as unknown as { generalPointSet(a: KeyValue[]): number }).generalPointSet(point);
          if (fast !== general) expect({ fast: labelsOf(table, fast), general: labelsOf(table, general) }).toEqual({ fast: 'same', general: 'same' });
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(20_000);
  }, 60_000);
});

function labelsOf(table: SeriesTable, set: number): string {
  const pairs = Array.from(table.sets.pool.subarray(table.sets.start[set], table.sets.start[set + 1]));
  return pairs.map((id) => table.strings.strings[id]).join(' ');
}
