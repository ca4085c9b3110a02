// Exponential histograms -> integer native histograms: docs/translation-rules.md R38 (schema), R39
// (fields), R40 (convertBucketsLayout, including the downscale quirk of Prometheus 3.14.0).
// Sources: histograms_test.go TestExponentialToNativeHistogram, TestConvertBucketsLayout,
// TestPrometheusConverter_addExponentialHistogramDataPoints; metrics_to_prw_test.go TestTemporality.
import { describe, expect, it } from 'vitest';
import { dropSummary, expectRejected, lines, metadataOf, translate } from './golden.js';
import { DELTA, T0, T0_MS, type ExponentialPointSpec, exemplar, exponentialHistogram, exponentialPoint, svc } from './otlp-builders.js';

const T = `@${T0_MS}`;
const one = (spec: ExponentialPointSpec) => lines(svc(exponentialHistogram('e', [exponentialPoint(spec)])));
const h = (fields: string, at = T, st = 'st=0') => `{__name__="e", job="svc"} ${at} H{${fields}} ${st}`;

describe('R38 exponential histogram schema', () => {
  it('TestExponentialToNativeHistogram / "invalid negative scale": -10 -> dropped (invalid_scale)', () => {
    const result = translate(svc(exponentialHistogram('e', [exponentialPoint({ scale: -10, count: 1 })])));
    expect(result.lines).toEqual([]);
    expect(dropSummary(result)).toEqual({ metrics: 1, points: { invalid_scale: 1 }, reasons: ['invalid_scale e'] });
    expect(result.dropped.recent[0].detail).toContain('cannot convert exponential to native histogram. Scale must be >= -4, was -10');
  });

  it('derived: a bad scale on the 2nd point: OUR behaviour, the whole metric is dropped (Prometheus keeps the 1st point)', () => {
    // Intentional difference (2).
    const otlp = svc(exponentialHistogram('e', [exponentialPoint({ scale: 0, count: 1 }), exponentialPoint({ scale: -5, count: 1, time: T0 + 1_000_000n })]));
    const result = translate(otlp);
    expect(result.lines).toEqual([]);
    expect(dropSummary(result).points).toEqual({ invalid_scale: 2 });
    expect(expectRejected(otlp).code).toBe('invalid_scale');
  });

  it.each([
    [-4, -4],
    [0, 0],
    [8, 8],
    [9, 8],
    [20, 8],
  ])('derived: scale %s -> schema %s', (scale, schema) => {
    expect(one({ scale, count: 0 })).toEqual([h(`schema ${schema}, zt 1e-128, zc 0, count 0, sum 0, pos=[] Δ[], neg=[] Δ[], hint UNKNOWN, cv []`)]);
  });

  it('"no downscaling at scale 8": pos off 1 [1,1,1], neg off 2 [1,1,1]', () => {
    expect(one({ scale: 8, count: 6, sum: 1, positive: { offset: 1, counts: [1, 1, 1] }, negative: { offset: 2, counts: [1, 1, 1] } })).toEqual([
      h('schema 8, zt 1e-128, zc 0, count 6, sum 1, pos=[(2,3)] Δ[1,0,0], neg=[(3,3)] Δ[1,0,0], hint UNKNOWN, cv []'),
    ]);
  });

  it('"downsample if scale is more than 8": scale 9, same buckets -> schema 8', () => {
    expect(one({ scale: 9, count: 6, sum: 1, positive: { offset: 1, counts: [1, 1, 1] }, negative: { offset: 2, counts: [1, 1, 1] } })).toEqual([
      h('schema 8, zt 1e-128, zc 0, count 6, sum 1, pos=[(1,2)] Δ[1,1], neg=[(2,2)] Δ[2,-1], hint UNKNOWN, cv []'),
    ]);
  });
});

describe('R39 exponential histogram fields', () => {
  it('TestExponentialToNativeHistogram / "convert exp. to native histogram"', () => {
    const result = translate(
      svc(
        exponentialHistogram('e', [
          exponentialPoint({
            scale: 1,
            zeroCount: 1,
            count: 4,
            sum: 10.1,
            positive: { offset: 1, counts: [1, 1] },
            negative: { offset: 1, counts: [1, 1] },
            start: 100_000_000n,
            time: 500_000_000n,
          }),
        ]),
      ),
    );
    expect(result.lines).toEqual([h('schema 1, zt 1e-128, zc 1, count 4, sum 10.1, pos=[(2,2)] Δ[1,0], neg=[(2,2)] Δ[1,0], hint UNKNOWN, cv []', '@500', 'st=100')]);
    expect(metadataOf(result, 'e')).toBe('HISTOGRAM "" ""');
  });

  it('"convert exp. to native histogram with no sum" -> sum 0', () => {
    expect(one({ scale: 1, zeroCount: 1, count: 4, positive: { offset: 1, counts: [1, 1] }, negative: { offset: 1, counts: [1, 1] } })).toEqual([
      h('schema 1, zt 1e-128, zc 1, count 4, sum 0, pos=[(2,2)] Δ[1,0], neg=[(2,2)] Δ[1,0], hint UNKNOWN, cv []'),
    ]);
  });

  it('derived: the OTLP zero_threshold is ignored (always 1e-128); zero_count is not changed by downscaling; min/max ignored', () => {
    const p = exponentialPoint({ scale: 10, zeroCount: 7, zeroThreshold: 0.5, count: 8, sum: 2, positive: { offset: 0, counts: [1] } });
    const withMinMax = { ...p, min: -1, max: 9 };
    expect(lines(svc(exponentialHistogram('e', [withMinMax])))).toEqual([
      h('schema 8, zt 1e-128, zc 7, count 8, sum 2, pos=[(1,1)] Δ[1], neg=[] Δ[], hint UNKNOWN, cv []'),
    ]);
  });

  it('TestTemporality / "delta histogram when allowed": OUR behaviour, dropped; the cumulative one -> hint UNKNOWN, meta histogram', () => {
    // Intentional difference (5): Prometheus with delta ingestion writes hint GAUGE and metadata unknown.
    const otlp = svc(
      exponentialHistogram('test_histogram_1', [exponentialPoint({ scale: 0, count: 1, sum: 5 })]),
      exponentialHistogram('test_histogram_2', [exponentialPoint({ scale: 0, count: 1, sum: 5 })], { temporality: DELTA }),
    );
    const result = translate(otlp);
    expect(result.lines).toEqual([
      `{__name__="test_histogram_1", job="svc"} ${T} H{schema 0, zt 1e-128, zc 0, count 1, sum 5, pos=[] Δ[], neg=[] Δ[], hint UNKNOWN, cv []} st=0`,
    ]);
    expect(metadataOf(result, 'test_histogram_1')).toBe('HISTOGRAM "" ""');
    expect(dropSummary(result).points).toEqual({ delta_temporality: 1 });
  });

  it('TestPrometheusConverter_addExponentialHistogramDataPoints / "histogram data points with same labels ...": OUR behaviour, one TimeSeries', () => {
    // Intentional difference (1): the two points share a label set, so they are one TimeSeries with two
    // histograms in time order (Prometheus appends two units). Exemplars of both points are on it.
    const otlp = svc(
      exponentialHistogram('e', [
        exponentialPoint({ scale: 1, count: 7, positive: { offset: -1, counts: [4, 2] }, exemplars: [exemplar({ value: 1 })] }),
        exponentialPoint({ scale: 1, count: 8, positive: { offset: -1, counts: [4, 2, 1] }, exemplars: [exemplar({ value: 2 })], time: T0 + 1_000_000_000n }),
      ]),
    );
    const result = translate(otlp);
    expect(result.series).toHaveLength(1);
    expect(result.lines).toEqual([
      h('schema 1, zt 1e-128, zc 0, count 7, sum 0, pos=[(0,2)] Δ[4,-2], neg=[] Δ[], hint UNKNOWN, cv []'),
      h('schema 1, zt 1e-128, zc 0, count 8, sum 0, pos=[(0,3)] Δ[4,-2,-1], neg=[] Δ[], hint UNKNOWN, cv []', `@${T0_MS + 1000}`),
    ]);
    expect(result.exemplars).toEqual(['{__name__="e", job="svc"} <- {} 1 @0', '{__name__="e", job="svc"} <- {} 2 @0']);
  });

  it('derived: two points with the same labels AND timestamp: OUR behaviour, the last is kept and counted', () => {
    const otlp = svc(
      exponentialHistogram('e', [
        exponentialPoint({ scale: 1, count: 7, positive: { offset: -1, counts: [4, 2] } }),
        exponentialPoint({ scale: 1, count: 8, positive: { offset: -1, counts: [4, 2, 1] } }),
      ]),
    );
    const result = translate(otlp);
    expect(result.lines).toEqual([h('schema 1, zt 1e-128, zc 0, count 8, sum 0, pos=[(0,3)] Δ[4,-2,-1], neg=[] Δ[], hint UNKNOWN, cv []')]);
    expect(result.dropped.points.duplicate_timestamp).toBe(1);
  });

  it('derived: zero count with a non-zero sum is a warning only', () => {
    expect(one({ scale: 0, count: 0, sum: 155 })).toEqual([h('schema 0, zt 1e-128, zc 0, count 0, sum 155, pos=[] Δ[], neg=[] Δ[], hint UNKNOWN, cv []')]);
  });
});

describe('R40 bucket layout (convertBucketsLayout)', () => {
  // Each vector goes through both the positive and the negative buckets of one point, at scale 8 + scaleDown.
  const layout = (counts: number[], offset: number, scaleDown: number): string => {
    const total = counts.reduce((a, b) => a + b, 0);
    const [line] = one({ scale: 8 + scaleDown, count: 2 * total, positive: { offset, counts }, negative: { offset, counts } });
    const pos = /pos=(\S+ Δ\[[^\]]*\])/.exec(line)?.[1];
    const neg = /neg=(\S+ Δ\[[^\]]*\])/.exec(line)?.[1];
    expect(neg, 'negative buckets use the same layout').toBe(pos);
    return pos ?? '';
  };

  it.each([
    ['"zero offset"', [4, 3, 2, 1], 0, 0, '[(1,4)] Δ[4,-1,-1,-1]'],
    ['"zero offset"', [4, 3, 2, 1], 0, 1, '[(1,2)] Δ[7,-4]'],
    ['"zero offset"', [4, 3, 2, 1], 0, 2, '[(1,1)] Δ[10]'],
    ['"offset 1"', [4, 3, 2, 1], 1, 0, '[(2,4)] Δ[4,-1,-1,-1]'],
    ['"offset 1"', [4, 3, 2, 1], 1, 1, '[(1,3)] Δ[4,1,-4]'],
    ['"offset 1"', [4, 3, 2, 1], 1, 2, '[(1,2)] Δ[9,-8]'],
    ['"positive offset"', [4, 2, 0, 2, ...Array(12).fill(0), 1], 4, 0, '[(5,4),(12,1)] Δ[4,-2,-2,2,-1]'],
    ['"positive offset"', [4, 2, 0, 2, ...Array(12).fill(0), 1], 4, 1, '[(3,2),(6,1)] Δ[6,-4,-1]'],
    ['"positive offset"', [4, 2, 0, 2, ...Array(12).fill(0), 1], 4, 2, '[(2,1),(3,1)] Δ[8,-7]'],
    ['"scaledown merges spans"', [4, 2, 0, 2, ...Array(8).fill(0), 1], 4, 2, '[(2,4)] Δ[8,-8,0,1]'],
    ['"negative offset"', [3, 1, 0, 0, 0, 1], -2, 0, '[(-1,2),(3,1)] Δ[3,-2,0]'],
    ['"negative offset"', [3, 1, 0, 0, 0, 1], -2, 1, '[(0,3)] Δ[4,-4,1]'],
    ['"negative offset"', [3, 1, 0, 0, 0, 1], -2, 2, '[(0,2)] Δ[4,-3]'],
    ['"buckets with gaps of size 1"', [3, 1, 0, 1, 0, 1], -2, 0, '[(-1,6)] Δ[3,-2,-1,1,-1,1]'],
    ['"buckets with gaps of size 2"', [3, 0, 0, 1, 0, 0, 1], -2, 0, '[(-1,7)] Δ[3,-3,0,1,-1,0,1]'],
    ['"zero buckets"', [], 0, 0, '[] Δ[]'],
    ['derived: an empty first span', [0, 0, 0, 0, 5], 0, 0, '[(1,0),(4,1)] Δ[5]'],
    ['derived', [0, 0, 5], 0, 0, '[(1,3)] Δ[0,0,5]'],
    ['derived', [0, 0], 0, 0, '[(1,2)] Δ[0,0]'],
    ['derived', [0, 0, 0, 0, 0], 0, 0, '[(1,0),(4,1)] Δ[0]'],
    ['derived', [1, 0, 0, 0], 0, 0, '[(1,4)] Δ[1,-1,0,0]'],
    ['derived', [1, 0, 0, 0, 0, 0], 0, 0, '[(1,1),(4,1)] Δ[1,-1]'],
    ['derived', [1, 0, 0, 0, 1], 0, 0, '[(1,1),(3,1)] Δ[1,0]'],
    ['derived', [2, 0, 0, 0, 3], -5, 0, '[(-4,1),(3,1)] Δ[2,1]'],
    ['derived', [1, 2, 3, 4], -3, 2, '[(0,2)] Δ[6,-2]'],
    ['derived', [1, 1, 1, 1, 1, 1, 1, 1], 3, 2, '[(1,3)] Δ[1,3,-1]'],
    ['derived: the downscale quirk of 3.14.0', [0, 0, 3, 5], 0, 1, '[(1,2)] Δ[3,2]'],
  ])('TestConvertBucketsLayout %s: %j offset %s scaleDown %s -> %s', (_title, counts, offset, scaleDown, expected) => {
    expect(layout(counts as number[], offset as number, scaleDown as number)).toBe(expected);
  });

  it('derived quirk vector as a whole point: scale 9, positive off 0 [0,0,3,5], count 8 -> schema 8, pos=[(1,2)] Δ[3,2]', () => {
    expect(one({ scale: 9, count: 8, positive: { offset: 0, counts: [0, 0, 3, 5] } })).toEqual([
      h('schema 8, zt 1e-128, zc 0, count 8, sum 0, pos=[(1,2)] Δ[3,2], neg=[] Δ[], hint UNKNOWN, cv []'),
    ]);
  });
});
