// Explicit-bucket histograms: docs/translation-rules.md R36 (classic series, helper.go
// addHistogramDataPoints) and R37 (native histograms with custom buckets, histograms.go
// addCustomBucketsHistogramDataPoints). Bucket exemplars (R47) are in exemplars.test.ts.
import { describe, expect, it } from 'vitest';
import { dropSummary, lines, metadataOf, translate } from './golden.js';
import { DELTA, T0_MS, exemplar, histogram, histogramPoint, svc, T0 } from './otlp-builders.js';

const T = `@${T0_MS}`;
const NHCB = { convertHistogramsToNHCB: true };

describe('R36 classic (explicit-bucket) histogram', () => {
  const histogram1 = () =>
    svc(histogram('histogram-1', [histogramPoint({ count: 15, sum: 155, bounds: [0.124, 1.123], counts: [3, 11, 0], attributes: { 'series-name-1': 'value-1' } })]));

  it('TestFromMetrics / "successful/convertHistogramsToNHCB=false"', () => {
    const result = translate(histogram1());
    const l = 'job="svc", series_name_1="value-1"';
    expect(result.lines).toEqual([
      `{__name__="histogram_1_sum", ${l}} ${T} 155 st=0`,
      `{__name__="histogram_1_count", ${l}} ${T} 15 st=0`,
      `{__name__="histogram_1_bucket", ${l.replace(', ', ', le="0.124", ')}} ${T} 3 st=0`,
      `{__name__="histogram_1_bucket", ${l.replace(', ', ', le="1.123", ')}} ${T} 14 st=0`,
      `{__name__="histogram_1_bucket", ${l.replace(', ', ', le="+Inf", ')}} ${T} 15 st=0`,
    ]);
    for (const name of ['histogram_1_sum', 'histogram_1_count', 'histogram_1_bucket']) expect(metadataOf(result, name)).toBe('HISTOGRAM "" ""');
  });

  it('TestPrometheusConverter_AddHistogramDataPoints / "histogram without start time": no sum, no bounds -> _count 0 and +Inf 0', () => {
    expect(lines(svc(histogram('test_hist', [histogramPoint({ count: 0 })])))).toEqual([
      `{__name__="test_hist_count", job="svc"} ${T} 0 st=0`,
      `{__name__="test_hist_bucket", job="svc", le="+Inf"} ${T} 0 st=0`,
    ]);
  });

  it('default strategy: http.server.duration (s), bounds [0.005, 0.1, 1], counts [2,3,0,1]', () => {
    const otlp = svc(
      histogram(
        'http.server.duration',
        [
          histogramPoint({
            count: 6,
            sum: 1.25,
            bounds: [0.005, 0.1, 1],
            counts: [2, 3, 0, 1],
            attributes: { method: 'GET' },
            time: 1_700_000_000_123_456_789n,
            start: 1_699_999_990_000_000_000n,
          }),
        ],
        { unit: 's', description: 'dur' },
      ),
    );
    const result = translate(otlp);
    const tail = '@1700000000123';
    const st = 'st=1699999990000';
    expect(result.lines).toEqual([
      `{__name__="http_server_duration_seconds_sum", job="svc", method="GET"} ${tail} 1.25 ${st}`,
      `{__name__="http_server_duration_seconds_count", job="svc", method="GET"} ${tail} 6 ${st}`,
      `{__name__="http_server_duration_seconds_bucket", job="svc", le="0.005", method="GET"} ${tail} 2 ${st}`,
      `{__name__="http_server_duration_seconds_bucket", job="svc", le="0.1", method="GET"} ${tail} 5 ${st}`,
      `{__name__="http_server_duration_seconds_bucket", job="svc", le="1", method="GET"} ${tail} 5 ${st}`,
      `{__name__="http_server_duration_seconds_bucket", job="svc", le="+Inf", method="GET"} ${tail} 6 ${st}`,
    ]);
    expect(metadataOf(result, 'http_server_duration_seconds_bucket')).toBe('HISTOGRAM "dur" "seconds"');
    expect(metadataOf(result, 'http_server_duration_seconds_sum')).toBe('HISTOGRAM "dur" "seconds"');
  });

  it('bounds [1e-7, 1e6, 1e21] -> le 0.0000001, 1000000, 1000000000000000000000 (never exponent notation)', () => {
    expect(lines(svc(histogram('h', [histogramPoint({ count: 4, bounds: [1e-7, 1e6, 1e21], counts: [1, 1, 1, 1] })])))).toEqual([
      `{__name__="h_count", job="svc"} ${T} 4 st=0`,
      `{__name__="h_bucket", job="svc", le="0.0000001"} ${T} 1 st=0`,
      `{__name__="h_bucket", job="svc", le="1000000"} ${T} 2 st=0`,
      `{__name__="h_bucket", job="svc", le="1000000000000000000000"} ${T} 3 st=0`,
      `{__name__="h_bucket", job="svc", le="+Inf"} ${T} 4 st=0`,
    ]);
  });

  it('bounds [1,2,3], counts [1,1] (short), count 5 -> le 1: 1, le 2: 2, +Inf 5, no le 3', () => {
    expect(lines(svc(histogram('h', [histogramPoint({ count: 5, bounds: [1, 2, 3], counts: [1, 1] })])))).toEqual([
      `{__name__="h_count", job="svc"} ${T} 5 st=0`,
      `{__name__="h_bucket", job="svc", le="1"} ${T} 1 st=0`,
      `{__name__="h_bucket", job="svc", le="2"} ${T} 2 st=0`,
      `{__name__="h_bucket", job="svc", le="+Inf"} ${T} 5 st=0`,
    ]);
  });

  it('derived: +Inf is the count, not the sum of the buckets; an explicit sum of 0 still gives _sum', () => {
    expect(lines(svc(histogram('h', [histogramPoint({ count: 100, sum: 0, bounds: [1], counts: [1, 1] })])))).toEqual([
      `{__name__="h_sum", job="svc"} ${T} 0 st=0`,
      `{__name__="h_count", job="svc"} ${T} 100 st=0`,
      `{__name__="h_bucket", job="svc", le="1"} ${T} 1 st=0`,
      `{__name__="h_bucket", job="svc", le="+Inf"} ${T} 100 st=0`,
    ]);
  });

  it('derived: le formatting of -Inf, -0, NaN and 1.5e-10', () => {
    expect(lines(svc(histogram('h', [histogramPoint({ count: 5, bounds: [Number.NEGATIVE_INFINITY, -0, 1.5e-10, Number.NaN], counts: [1, 1, 1, 1, 1] })])))).toEqual([
      `{__name__="h_count", job="svc"} ${T} 5 st=0`,
      `{__name__="h_bucket", job="svc", le="-Inf"} ${T} 1 st=0`,
      `{__name__="h_bucket", job="svc", le="-0"} ${T} 2 st=0`,
      `{__name__="h_bucket", job="svc", le="0.00000000015"} ${T} 3 st=0`,
      `{__name__="h_bucket", job="svc", le="NaN"} ${T} 4 st=0`,
      `{__name__="h_bucket", job="svc", le="+Inf"} ${T} 5 st=0`,
    ]);
  });

  it('derived: bounds 0 and -0 make le="0" and le="-0", in points of one metric and in two metrics', () => {
    const zero = histogramPoint({ count: 1, bounds: [0], counts: [1, 0] });
    const negativeZero = histogramPoint({ count: 2, bounds: [-0], counts: [2, 0] });
    expect(lines(svc(histogram('h', [zero, negativeZero]), histogram('g', [negativeZero]), histogram('f', [zero])))).toEqual(
      expect.arrayContaining([
        `{__name__="h_bucket", job="svc", le="0"} ${T} 1 st=0`,
        `{__name__="h_bucket", job="svc", le="-0"} ${T} 2 st=0`,
        `{__name__="g_bucket", job="svc", le="-0"} ${T} 2 st=0`,
        `{__name__="f_bucket", job="svc", le="0"} ${T} 1 st=0`,
      ]),
    );
  });

  it('derived: an explicit bound of +Inf: OUR behaviour, one le="+Inf" series keeping the count (last), counted as duplicate', () => {
    // Intentional difference (1): Prometheus appends le="+Inf" twice (the cumulative 2, then the count 7).
    const result = translate(svc(histogram('h', [histogramPoint({ count: 7, bounds: [1, Number.POSITIVE_INFINITY], counts: [1, 1, 5] })])));
    expect(result.lines).toEqual([
      `{__name__="h_count", job="svc"} ${T} 7 st=0`,
      `{__name__="h_bucket", job="svc", le="1"} ${T} 1 st=0`,
      `{__name__="h_bucket", job="svc", le="+Inf"} ${T} 7 st=0`,
    ]);
    expect(result.dropped.points.duplicate_timestamp).toBe(1);
  });

  it('derived: delta histograms are dropped (delta_temporality)', () => {
    const result = translate(svc(histogram('h', [histogramPoint({ count: 1 })], { temporality: DELTA })));
    expect(result.lines).toEqual([]);
    expect(dropSummary(result).points).toEqual({ delta_temporality: 1 });
  });
});

describe('R37 native histogram with custom buckets (convertHistogramsToNHCB)', () => {
  const nhcb = (counts: number[], extra: { sum?: number; count?: number } = {}) => {
    const bounds = counts.slice(1).map((_, i) => i + 1);
    const count = extra.count ?? counts.reduce((a, b) => a + b, 0);
    return lines(svc(histogram('h', [histogramPoint({ count, sum: extra.sum ?? 1, bounds, counts })])), NHCB)[0];
  };
  const body = (count: number, pos: string, cv: number[], sum = 1) =>
    `{__name__="h", job="svc"} ${T} H{schema -53, zt 0, zc 0, count ${count}, sum ${sum}, pos=${pos}, neg=[] Δ[], hint UNKNOWN, cv [${cv.join(',')}]} st=0`;

  it('TestFromMetrics / "successful/convertHistogramsToNHCB=true"', () => {
    const otlp = svc(histogram('histogram-1', [histogramPoint({ count: 15, sum: 155, bounds: [0.124, 1.123], counts: [3, 11, 0], attributes: { 'series-name-1': 'value-1' } })]));
    const result = translate(otlp, NHCB);
    expect(result.lines).toEqual([
      `{__name__="histogram_1", job="svc", series_name_1="value-1"} ${T} H{schema -53, zt 0, zc 0, count 15, sum 155, pos=[(0,3)] Δ[3,8,-11], neg=[] Δ[], hint UNKNOWN, cv [0.124,1.123]} st=0`,
    ]);
    expect(metadataOf(result, 'histogram_1')).toBe('HISTOGRAM "" ""');
  });

  it('TestTemporality / "delta histogram with buckets when allowed": OUR behaviour, dropped (no delta ingestion)', () => {
    const result = translate(svc(histogram('h', [histogramPoint({ count: 20, sum: 30, bounds: [1, 2], counts: [10, 10, 0] })], { temporality: DELTA })), NHCB);
    expect(result.lines).toEqual([]);
    expect(dropSummary(result).points).toEqual({ delta_temporality: 1 });
  });

  it.each([
    ['"leading empty buckets"', [0, 0, 1, 1, 2, 3], '[(2,4)] Δ[1,0,1,1]'],
    ['"trailing empty buckets"', [0, 0, 1, 1, 2, 3, 0, 0], '[(2,6)] Δ[1,0,1,1,-3,0]'],
    ['"bucket gap of 2"', [1, 2, 0, 0, 2], '[(0,5)] Δ[1,1,-2,0,2]'],
    ['"bucket gap > 2"', [1, 2, 0, 0, 0, 2, 4, 4], '[(0,2),(3,3)] Δ[1,1,0,2,0]'],
    ['"multiple bucket gaps"', [0, 0, 1, 2, 0, 0, 0, 2, 4, 4, 0, 0], '[(2,2),(3,5)] Δ[1,1,0,2,0,-4,0]'],
    ['derived: all bucket counts 0', [0, 0, 0], '[] Δ[]'],
    ['derived: a trailing zero after 3 zeros ends up in its own span', [1, 0, 0, 0, 0], '[(0,1),(3,1)] Δ[1,-1]'],
  ])('TestConvertExplicitHistogramBucketsToNHCBLayout %s: %j -> %s', (_title, counts, pos) => {
    const bounds = counts.slice(1).map((_, i) => i + 1);
    expect(nhcb(counts)).toBe(body(counts.reduce((a, b) => a + b, 0), pos, bounds));
  });

  it('derived: no buckets at all -> no spans and no deltas', () => {
    expect(lines(svc(histogram('h', [histogramPoint({ count: 0, sum: 0 })])), NHCB)).toEqual([body(0, '[] Δ[]', [], 0)]);
  });

  it('TestHistogramToCustomBucketsHistogram / "convert hist to custom buckets hist with no sum" -> sum 0', () => {
    expect(lines(svc(histogram('h', [histogramPoint({ count: 2, bounds: [1], counts: [1, 1] })])), NHCB)).toEqual([body(2, '[(0,2)] Δ[1,0]', [1], 0)]);
  });

  it('derived: custom_values are all the bounds, even when bucket_counts is short', () => {
    expect(lines(svc(histogram('h', [histogramPoint({ count: 5, sum: 1, bounds: [1, 2, 3], counts: [5] })])), NHCB)).toEqual([body(5, '[(0,1)] Δ[5]', [1, 2, 3])]);
  });

  it('derived: every exemplar of the point goes on the one sample, in input order', () => {
    const exemplars = [exemplar({ value: 30, time: T0 }), exemplar({ value: 0.5, time: T0 })];
    const result = translate(svc(histogram('h', [histogramPoint({ count: 2, sum: 1, bounds: [1], counts: [1, 1], exemplars })])), NHCB);
    expect(result.exemplars).toEqual([`{__name__="h", job="svc"} <- {} 30 @${T0_MS}`, `{__name__="h", job="svc"} <- {} 0.5 @${T0_MS}`]);
  });

  it('derived: zero count with a non-zero sum is only a warning (the histogram is still written)', () => {
    expect(lines(svc(histogram('h', [histogramPoint({ count: 0, sum: 155 })])), NHCB)).toEqual([body(0, '[] Δ[]', [], 155)]);
  });
});
