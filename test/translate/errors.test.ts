// What happens to untranslatable metrics: docs/translation-rules.md R51 (granularity) and R52 (error strings).
//
// Intentional difference (2): Prometheus 3.14.0 rolls back the whole request (HTTP 500) on any such error.
// We drop the metric (the WHOLE metric, never just its remaining points), count it in
// builder.stats.dropped, and translate the rest; with onInvalidMetric 'reject' the add() throws a
// TranslationError and the builder is left exactly as it was.
import { describe, expect, it } from 'vitest';
import { V2WriteRequestBuilder } from '../../src/builder/builder.js';
import { TranslationError } from '../../src/translate/translate.js';
import { dropSummary, expectRejected, jsonText, lines, translate } from './golden.js';
import {
  SVC,
  T0,
  T0_MS,
  emptyMetric,
  exemplar,
  exponentialHistogram,
  exponentialPoint,
  gauge,
  point,
  request,
  resource,
  resourceWith,
  sum,
  svc,
} from './otlp-builders.js';

const T = `@${T0_MS}`;
const ok = () => gauge('ok', [point({ double: 1 })]);
const second = T0 + 1_000_000_000n;

describe('R51 what an error does', () => {
  it('default (drop): the bad metric is dropped and counted, every other metric is translated', () => {
    const result = translate(svc(ok(), sum('bad', [point({ double: 1 }), point({ double: 2, time: second })], { temporality: 0 }), gauge('ok2', [point({ double: 2 })])));
    expect(result.lines).toEqual([`{__name__="ok", job="svc"} ${T} 1 st=0`, `{__name__="ok2", job="svc"} ${T} 2 st=0`]);
    expect(dropSummary(result)).toEqual({ metrics: 1, points: { invalid_temporality: 2 }, reasons: ['invalid_temporality bad'] });
  });

  it('reject: add() throws TranslationError and the builder (holding an earlier request) is unchanged', () => {
    const error = expectRejected(svc(ok(), sum('bad', [point({ double: 1 })], { temporality: 0 })), {}, svc(gauge('before', [point({ double: 1 })])));
    expect(error).toBeInstanceOf(TranslationError);
    expect(error.code).toBe('invalid_temporality');
    expect(error.metricName).toBe('bad');
  });

  it('reject: after a rejected add() the builder keeps working', () => {
    for (const engine of ['wasm', 'js'] as const) {
      const builder = new V2WriteRequestBuilder({ engine, onInvalidMetric: 'reject' });
      builder.add(jsonText(svc(gauge('a', [point({ double: 1 })]))));
      expect(() => builder.add(jsonText(svc(gauge('a', [point({ double: 9, time: second })]), emptyMetric('bad'))))).toThrow(TranslationError);
      builder.add(jsonText(svc(gauge('a', [point({ double: 2, time: second })]))));
      const series = builder.build().timeseries;
      expect(series).toHaveLength(1);
      expect(series[0].samples.map((s) => [s.timestamp, s.value])).toEqual([
        [T0_MS, 1],
        [T0_MS + 1000, 2],
      ]);
      expect(builder.stats.dropped.metrics).toBe(0);
    }
  });

  it('promoted resource attribute name invalid: the whole ResourceMetrics (incl. target_info) is skipped', () => {
    const otlp = request(resourceWith({ ...SVC, __: 'x', 'host.name': 'h' }, gauge('a', [point({ double: 1 })])), resourceWith({ 'service.name': 'b' }, ok()));
    const result = translate(otlp, { promoteResourceAttributes: ['__'] });
    expect(result.lines).toEqual([`{__name__="ok", job="b"} ${T} 1 st=0`]);
    expect(dropSummary(result).reasons).toEqual(['invalid_label_name a']);
    expect(expectRejected(otlp, { promoteResourceAttributes: ['__'] }).code).toBe('invalid_label_name');
  });

  it('invalid temporality / Empty type / name error / empty data points: that metric only', () => {
    const result = translate(
      svc(
        sum('t', [point({ double: 1 })], { temporality: 0 }),
        emptyMetric('e'),
        gauge('@#$%', [point({ double: 1 })]),
        gauge('z', []),
        ok(),
      ),
    );
    expect(result.lines).toEqual([`{__name__="ok", job="svc"} ${T} 1 st=0`]);
    expect(dropSummary(result)).toEqual({
      metrics: 4,
      points: { invalid_temporality: 1, invalid_metric_name: 1 },
      reasons: ['invalid_temporality t', 'unsupported_metric_type e', 'invalid_metric_name @#$%', 'no_data_points z'],
    });
  });

  it.each([
    ['a data-point attribute name invalid (2nd point)', gauge('m', [point({ double: 1 }), point({ double: 2, time: second, attributes: { '..': 'x' } })]), 'invalid_label_name'],
    [
      'a data-point attribute name invalid (2nd point, 2nd key, after the same 1st key)',
      gauge('m', [point({ double: 1, attributes: { a: '1', b: '2' } }), point({ double: 2, time: second, attributes: { a: '1', '..': 'x' } })]),
      'invalid_label_name',
    ],
    ['an exemplar without value (2nd point)', sum('m', [point({ double: 1 }), point({ double: 2, time: second, exemplars: [exemplar({ time: T0 })] })]), 'invalid_exemplar'],
    [
      'exponential scale < -4 (2nd point)',
      exponentialHistogram('m', [exponentialPoint({ scale: 0, count: 1 }), exponentialPoint({ scale: -5, count: 1, time: second })]),
      'invalid_scale',
    ],
  ])('%s: OUR behaviour, the whole metric is dropped (Prometheus keeps the earlier points)', (_title, metric, reason) => {
    const result = translate(svc(metric, ok()));
    expect(result.lines).toEqual([`{__name__="ok", job="svc"} ${T} 1 st=0`]);
    expect(dropSummary(result)).toEqual({ metrics: 1, points: { [reason]: 2 }, reasons: [`${reason} m`] });
    expect(expectRejected(svc(metric)).code).toBe(reason);
  });

  it('target_info label name invalid: only that resource\'s target_info is skipped', () => {
    const otlp = request(resource({ ...SVC, '..': 'x' }, [{ metrics: [ok()] }]));
    const result = translate(otlp);
    expect(result.lines).toEqual([`{__name__="ok", job="svc"} ${T} 1 st=0`]);
    expect(dropSummary(result)).toEqual({ metrics: 1, points: {}, reasons: ['invalid_label_name target_info'] });
    expect(expectRejected(otlp).code).toBe('invalid_label_name');
  });

  it('derived: the drop counters accumulate across add() calls and reset() clears them', () => {
    for (const engine of ['wasm', 'js'] as const) {
      const builder = new V2WriteRequestBuilder({ engine });
      builder.add(jsonText(svc(emptyMetric('a'))));
      builder.add(jsonText(svc(gauge('b', []))));
      expect(builder.stats.dropped.metrics).toBe(2);
      builder.reset();
      expect(builder.stats.dropped.metrics).toBe(0);
    }
  });
});

describe('R52 error strings (the Prometheus text is in the TranslationError message and the drop detail)', () => {
  it.each([
    ['1', 'invalid temporality and type combination for metric "x"', sum('x', [point({ double: 1 })], { temporality: 0 }), {}],
    ['2', 'could not get aggregation temporality for x as it has unsupported metric type Empty', emptyMetric('x'), {}],
    ['3', 'empty data points. x is dropped', gauge('x', []), {}],
    ['4', 'normalization for metric "@#$%" resulted in empty name', gauge('@#$%', [point({ double: 1 })]), {}],
    ['5', 'normalization for metric "@_#_$_%" resulted in invalid name "_____"', gauge('@_#_$_%', [point({ double: 1 })]), { translationStrategy: 'UnderscoreEscapingWithoutSuffixes' as const }],
    ['6', 'label name is empty', gauge('x', [point({ double: 1, attributes: { '': 'v' } })]), {}],
    ['7', 'normalization for label name ".." resulted in invalid name "__"', gauge('x', [point({ double: 1, attributes: { '..': 'v' } })]), {}],
    ['9', 'cannot convert exponential to native histogram. Scale must be >= -4, was -10', exponentialHistogram('x', [exponentialPoint({ scale: -10, count: 1 })]), {}],
    ['10', 'unsupported exemplar value type: Empty', sum('x', [point({ double: 1, exemplars: [exemplar({})] })]), {}],
  ])('R52.%s: %s', (_n, message, metric, options) => {
    const result = translate(svc(metric), options);
    expect(result.dropped.recent.map((r) => r.detail).join('\n')).toContain(message);
    expect(expectRejected(svc(metric), options).message).toContain(message);
  });

  it('R52.8: label name "__" contains only underscores (UTF-8 strategy, promoted)', () => {
    const otlp = request(resourceWith({ ...SVC, __: 'x' }, gauge('x', [point({ double: 1 })])));
    const options = { translationStrategy: 'NoUTF8EscapingWithSuffixes' as const, promoteResourceAttributes: ['__'] };
    expect(translate(otlp, options).dropped.recent.map((r) => r.detail).join('\n')).toContain('label name "__" contains only underscores');
    expect(expectRejected(otlp, options).message).toContain('label name "__" contains only underscores');
  });

  it('the TranslationError code is the drop reason', () => {
    expect(lines(svc(ok()))).toHaveLength(1);
    expect(expectRejected(svc(emptyMetric('x'))).code).toBe('unsupported_metric_type');
  });
});
