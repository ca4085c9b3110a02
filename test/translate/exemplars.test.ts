// Exemplars: docs/translation-rules.md R45 (which series carry them), R46 (getPromExemplars), R47
// (classic histogram bucket assignment, Prometheus >= 3.7 helper.go addHistogramDataPoints).
import { describe, expect, it } from 'vitest';
import { dropSummary, expectRejected, translate } from './golden.js';
import {
  SPAN_ID,
  SVC,
  T0,
  T0_MS,
  TRACE_ID,
  type ExemplarSpec,
  exemplar,
  exponentialHistogram,
  exponentialPoint,
  gauge,
  histogram,
  histogramPoint,
  point,
  request,
  resourceWith,
  sum,
  svc,
} from './otlp-builders.js';

const ex = (value: number) => exemplar({ value, time: T0 });

describe('R45 which series carry exemplars', () => {
  it('derived: sums (monotonic or not) carry all exemplars in input order; gauges none', () => {
    const exemplars = [ex(3), ex(1), ex(2)];
    const result = translate(
      svc(
        sum('c', [point({ double: 1, exemplars })]),
        sum('u', [point({ double: 1, exemplars })], { monotonic: false }),
        gauge('g', [point({ double: 1, exemplars })]),
      ),
    );
    expect(result.exemplars).toEqual([
      `{__name__="c_total", job="svc"} <- {} 3 @${T0_MS}`,
      `{__name__="c_total", job="svc"} <- {} 1 @${T0_MS}`,
      `{__name__="c_total", job="svc"} <- {} 2 @${T0_MS}`,
      `{__name__="u", job="svc"} <- {} 3 @${T0_MS}`,
      `{__name__="u", job="svc"} <- {} 1 @${T0_MS}`,
      `{__name__="u", job="svc"} <- {} 2 @${T0_MS}`,
    ]);
  });

  it('derived: classic histogram: only on _bucket series; exponential: all on the sample; target_info: none', () => {
    const otlp = request(
      resourceWith(
        { ...SVC, 'host.name': 'h' },
        histogram('h', [histogramPoint({ count: 2, sum: 3, bounds: [1], counts: [1, 1], exemplars: [ex(0.5), ex(7)] })]),
        exponentialHistogram('e', [exponentialPoint({ scale: 0, count: 1, exemplars: [ex(7), ex(0.5)] })]),
      ),
    );
    expect(translate(otlp).exemplars).toEqual([
      `{__name__="h_bucket", job="svc", le="1"} <- {} 0.5 @${T0_MS}`,
      `{__name__="h_bucket", job="svc", le="+Inf"} <- {} 7 @${T0_MS}`,
      `{__name__="e", job="svc"} <- {} 7 @${T0_MS}`,
      `{__name__="e", job="svc"} <- {} 0.5 @${T0_MS}`,
    ]);
  });
});

describe('R46 exemplar conversion', () => {
  const one = (spec: ExemplarSpec) => translate(svc(sum('c', [point({ double: 1, exemplars: [exemplar(spec)] })]))).exemplars;

  it('TestGetPromExemplars "Exemplars with int value": 42 -> 42.0', () => {
    expect(one({ value: { int: 42 }, time: T0 })).toEqual([`{__name__="c_total", job="svc"} <- {} 42 @${T0_MS}`]);
  });

  it('TestGetPromExemplars "Exemplars with double value": 69.42', () => {
    expect(one({ value: 69.42, time: T0 })).toEqual([`{__name__="c_total", job="svc"} <- {} 69.42 @${T0_MS}`]);
  });

  it('TestGetPromExemplars "Exemplars with unsupported value type": OUR behaviour, the metric is dropped (invalid_exemplar)', () => {
    // Intentional difference (2): Prometheus errors (skipping that point and the rest of the metric) and fails the request.
    const otlp = svc(sum('c', [point({ double: 1 }), point({ double: 2, time: T0 + 1_000_000n, exemplars: [exemplar({ time: T0 })] })]), gauge('ok', [point({ double: 1 })]));
    const result = translate(otlp);
    expect(result.lines).toEqual([`{__name__="ok", job="svc"} @${T0_MS} 1 st=0`]);
    expect(dropSummary(result)).toEqual({ metrics: 1, points: { invalid_exemplar: 2 }, reasons: ['invalid_exemplar c'] });
    expect(expectRejected(otlp).code).toBe('invalid_exemplar');
  });

  it('sum point with exemplar {2.5, trace_id, span_id, user.id=u1}', () => {
    expect(one({ value: 2.5, time: 1_700_000_000_500_000_000n, traceId: TRACE_ID, spanId: SPAN_ID, filtered: { 'user.id': 'u1' } })).toEqual([
      '{__name__="c_total", job="svc"} <- {span_id="0102030405060708", trace_id="000102030405060708090a0b0c0d0e0f", user.id="u1"} 2.5 @1700000000500',
    ]);
  });

  it('filtered {k = 65-char string}: 40+23+1+65 = 129 > 128 -> only span_id, trace_id', () => {
    expect(one({ value: 1, time: T0, traceId: TRACE_ID, spanId: SPAN_ID, filtered: { k: 'x'.repeat(65) } })).toEqual([
      `{__name__="c_total", job="svc"} <- {span_id="${SPAN_ID}", trace_id="${TRACE_ID}"} 1 @${T0_MS}`,
    ]);
  });

  it('filtered {k = 64-char string}: 128 -> k kept', () => {
    expect(one({ value: 1, time: T0, traceId: TRACE_ID, spanId: SPAN_ID, filtered: { k: 'x'.repeat(64) } })).toEqual([
      `{__name__="c_total", job="svc"} <- {k="${'x'.repeat(64)}", span_id="${SPAN_ID}", trace_id="${TRACE_ID}"} 1 @${T0_MS}`,
    ]);
  });

  it('derived: runes, not bytes: 64 × "é" and 64 × U+1F600 are 128 runes -> kept', () => {
    for (const char of ['é', '\u{1F600}']) {
      expect(one({ value: 1, time: T0, traceId: TRACE_ID, spanId: SPAN_ID, filtered: { k: char.repeat(64) } })).toEqual([
        `{__name__="c_total", job="svc"} <- {k="${char.repeat(64)}", span_id="${SPAN_ID}", trace_id="${TRACE_ID}"} 1 @${T0_MS}`,
      ]);
    }
  });

  it('derived: without trace/span ids the limit counts only the attributes (127 + 1 = 128 kept, 129 dropped)', () => {
    expect(one({ value: 1, time: T0, filtered: { k: 'x'.repeat(127) } })).toEqual([`{__name__="c_total", job="svc"} <- {k="${'x'.repeat(127)}"} 1 @${T0_MS}`]);
    expect(one({ value: 1, time: T0, filtered: { k: 'x'.repeat(128) } })).toEqual([`{__name__="c_total", job="svc"} <- {} 1 @${T0_MS}`]);
  });

  it('"sum with exemplars and without scope promotion": {Value: 2} with no trace/span and no time -> no labels, ts 0', () => {
    expect(one({ value: 2 })).toEqual(['{__name__="c_total", job="svc"} <- {} 2 @0']);
  });

  it('derived: all-zero trace/span ids are not labels; raw unsanitized keys; labels sorted byte-wise', () => {
    expect(one({ value: 1, time: T0, traceId: '0'.repeat(32), spanId: '0'.repeat(16), filtered: { 'z.z': '1', A: '2', _b: '3' } })).toEqual([
      `{__name__="c_total", job="svc"} <- {A="2", _b="3", z.z="1"} 1 @${T0_MS}`,
    ]);
  });

  it('derived: exemplar time is floor(ns / 1e6)', () => {
    expect(one({ value: 1, time: 1_700_000_000_500_999_999n })).toEqual(['{__name__="c_total", job="svc"} <- {} 1 @1700000000500']);
  });

  it('derived: OUR behaviour, empty values and repeated names are dropped from exemplar labels', () => {
    // Intentional difference (4): Prometheus keeps `k=""` and a second trace_id; RW2 forbids both.
    expect(one({ value: 1, time: T0, traceId: TRACE_ID, filtered: [['k', ''], ['trace_id', 'x'], ['m', 'v']] })).toEqual([
      `{__name__="c_total", job="svc"} <- {m="v", trace_id="${TRACE_ID}"} 1 @${T0_MS}`,
    ]);
  });

  it('derived: attribute values are rendered with AsString (R6)', () => {
    expect(one({ value: 1, time: T0, filtered: { i: 5, d: { double: 1 }, b: true, a: ['x', 1] } })).toEqual([
      `{__name__="c_total", job="svc"} <- {a="[\\"x\\",1]", b="true", d="1", i="5"} 1 @${T0_MS}`,
    ]);
  });
});

describe('R47 classic histogram bucket assignment', () => {
  const buckets = (values: number[]) =>
    translate(svc(histogram('h', [histogramPoint({ count: 3, bounds: [5, 20], counts: [1, 1, 1], exemplars: values.map(ex) })]))).series.map(
      (s) => `${s.labels.find(([n]) => n === 'le')?.[1] ?? s.labels[0][1]}: [${s.exemplars.map((e) => e.split(' ').at(-2)).join(',')}]`,
    );

  it.each([
    [[1, 10], ['h_count: []', '5: [1]', '20: [10]', '+Inf: []']],
    [[10, 1], ['h_count: []', '5: []', '20: [10,1]', '+Inf: []']],
    [[25], ['h_count: []', '5: []', '20: []', '+Inf: [25]']],
    [[5], ['h_count: []', '5: [5]', '20: []', '+Inf: []']],
    [[Number.NaN, 30], ['h_count: []', '5: [NaN]', '20: []', '+Inf: [30]']],
    [[30, 1], ['h_count: []', '5: []', '20: []', '+Inf: [30,1]']],
  ])('bounds [5,20], exemplars %j (input order, not sorted)', (values, expected) => {
    expect(buckets(values)).toEqual(expected);
  });

  it('helper_test.go TestAddHistogramDataPoints_ExemplarLeakAcrossDataPoints: bound 100, exemplar 200 -> +Inf only; the next point gets none', () => {
    const otlp = svc(
      histogram('h', [
        histogramPoint({ count: 1, sum: 200, bounds: [100], counts: [0, 1], exemplars: [ex(200)], attributes: { p: '1' } }),
        histogramPoint({ count: 1, sum: 50, bounds: [100], counts: [1, 0], attributes: { p: '2' } }),
      ]),
    );
    expect(translate(otlp).exemplars).toEqual([`{__name__="h_bucket", job="svc", le="+Inf", p="1"} <- {} 200 @${T0_MS}`]);
  });
});
