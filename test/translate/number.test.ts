// Gauges, sums, timestamps, temporality and staleness: docs/translation-rules.md R2, R5, R32-R35, R43,
// R44 (Prometheus number_data_points.go, metrics_to_prw.go FromMetrics, helper.go convertTimeStamp).
import { describe, expect, it } from 'vitest';
import type { TranslationOptions } from '../../src/translate/options.js';
import { STALE_NAN_BITS, decodeRw2 } from '../support/proto.js';
import { STALE_COUNT_INT, dropSummary, expectRejected, lines, metadataOf, translate } from './golden.js';
import {
  CUMULATIVE,
  DELTA,
  SVC,
  T0,
  T0_MS,
  emptyMetric,
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
  summary,
  summaryPoint,
  svc,
} from './otlp-builders.js';

const T = `@${T0_MS}`;
const NO_SUFFIXES: TranslationOptions = { translationStrategy: 'UnderscoreEscapingWithoutSuffixes' };
/** TestTemporality's metrics: attr test_label=test_value at 100 s, no resource attributes. */
const at100s = (value: number) => point({ double: value, time: 100_000_000_000n, attributes: { test_label: 'test_value' } });
const bare = (...metrics: object[]) => request(resourceWith({}, ...metrics));

describe('R2 timestamps', () => {
  it.each([
    [0n, 0],
    [1_000_000n, 1],
    [1_000_000_000n, 1000],
    [1_999_999n, 1],
  ])('helper_test.go Test_convertTimeStamp: %s ns -> %s ms', (ns, ms) => {
    expect(lines(svc(gauge('g', [point({ double: 1, time: ns })])))).toEqual([`{__name__="g", job="svc"} @${ms} 1 st=0`]);
  });

  it('gauge at 1_700_000_000_123_999_999 with start 1_699_999_990_000_500_000 -> @1700000000123 st=1699999990000', () => {
    const otlp = svc(gauge('g', [point({ double: 3, time: 1_700_000_000_123_999_999n, start: 1_699_999_990_000_500_000n })]));
    expect(lines(otlp)).toEqual(['{__name__="g", job="svc"} @1700000000123 3 st=1699999990000']);
  });

  it('TestPrometheusConverter_addSumNumberDataPoints / "monotonic cumulative sum with no start time ...": st=0', () => {
    expect(lines(svc(sum('s', [point({ double: 1 })])))).toEqual([`{__name__="s_total", job="svc"} ${T} 1 st=0`]);
  });

  it('derived: the uint64 is reinterpreted as int64 and divided truncating toward zero (2^64 - 1_500_000 ns -> -1 ms)', () => {
    const otlp = svc(gauge('g', [point({ double: 1, time: 2n ** 64n - 1_500_000n, start: 2n ** 64n - 2_000_000n })]));
    expect(lines(otlp)).toEqual(['{__name__="g", job="svc"} @-1 1 st=-2']);
  });
});

describe('R5 values of number points', () => {
  it.each<[string, object, string]>([
    ['gauge int 42', point({ int: 42 }), '42'],
    ['a gauge point with no value set', point({}), '0'],
    ['int 9007199254740993', point({ int: 9007199254740993n }), '9007199254740992'],
    ['derived: negative int64', point({ int: -9223372036854775808n }), '-9223372036854776000'],
    ['derived: double +Inf', point({ double: Number.POSITIVE_INFINITY }), 'Infinity'],
    ['derived: double -Inf', point({ double: Number.NEGATIVE_INFINITY }), '-Infinity'],
    ['derived: double NaN (the quiet NaN, not the stale marker)', point({ double: Number.NaN }), 'NaN(7ff8000000000000)'],
    ['derived: double 0.1', point({ double: 0.1 }), '0.1'],
  ])('%s', (_title, p, value) => {
    expect(lines(svc(gauge('g', [p])))).toEqual([`{__name__="g", job="svc"} ${T} ${value} st=0`]);
  });
});

describe('R32 temporality gate', () => {
  it('TestTemporality / "delta rejected when not allowed": OUR behaviour, dropped with reason delta_temporality', () => {
    // Intentional differences (2) and (5): Prometheus fails the request; we have no delta ingestion and drop it.
    const otlp = bare(sum('test_metric_1', [at100s(5)], { temporality: CUMULATIVE }), sum('test_metric_2', [at100s(5)], { temporality: DELTA }));
    const result = translate(otlp, NO_SUFFIXES);
    expect(result.lines).toEqual(['{__name__="test_metric_1", test_label="test_value"} @100000 5 st=0']);
    expect(dropSummary(result)).toEqual({ metrics: 1, points: { delta_temporality: 1 }, reasons: ['delta_temporality test_metric_2'] });
  });

  it('TestTemporality / "unspecified temporality not allowed": invalid_temporality', () => {
    const otlp = bare(sum('test_metric_1', [at100s(5)]), sum('test_metric_2', [at100s(5)], { temporality: 0 }));
    const result = translate(otlp, NO_SUFFIXES);
    expect(result.lines).toEqual(['{__name__="test_metric_1", test_label="test_value"} @100000 5 st=0']);
    expect(dropSummary(result)).toEqual({ metrics: 1, points: { invalid_temporality: 1 }, reasons: ['invalid_temporality test_metric_2'] });
  });

  it.each([
    ['"delta histogram when not allowed" (exponential)', false, exponentialHistogram('test_histogram_2', [exponentialPoint({ scale: 0, count: 1, sum: 5, time: 100_000_000_000n })], { temporality: DELTA })],
    ['"delta histogram with buckets when not allowed" (NHCB)', true, histogram('test_histogram_2', [histogramPoint({ count: 20, sum: 30, bounds: [1, 2], counts: [10, 10, 0], time: 100_000_000_000n })], { temporality: DELTA })],
    ['"delta histogram with buckets and convertToNHCB=false when not allowed"', false, histogram('test_histogram_2', [histogramPoint({ count: 20, sum: 30, bounds: [1, 2], counts: [10, 10, 0], time: 100_000_000_000n })], { temporality: DELTA })],
  ])('TestTemporality / %s: dropped, the other metric still converted', (_title, convertHistogramsToNHCB, deltaMetric) => {
    const otlp = bare(gauge('test_gauge_1', [at100s(5)]), deltaMetric);
    const result = translate(otlp, { ...NO_SUFFIXES, convertHistogramsToNHCB });
    expect(result.lines).toEqual(['{__name__="test_gauge_1", test_label="test_value"} @100000 5 st=0']);
    expect(dropSummary(result)).toEqual({ metrics: 1, points: { delta_temporality: 1 }, reasons: ['delta_temporality test_histogram_2'] });
  });

  it('derived: unspecified temporality on histograms and exponential histograms -> invalid_temporality', () => {
    const otlp = svc(
      histogram('h', [histogramPoint({ count: 1 })], { temporality: 0 }),
      exponentialHistogram('e', [exponentialPoint({ scale: 0, count: 1 })], { temporality: 0 }),
    );
    const result = translate(otlp);
    expect(result.lines).toEqual([]);
    expect(dropSummary(result)).toEqual({ metrics: 2, points: { invalid_temporality: 2 }, reasons: ['invalid_temporality h', 'invalid_temporality e'] });
  });

  it('TestTemporality / "empty metric type errors": unsupported_metric_type, the other metric still converted', () => {
    const result = translate(bare(gauge('test_gauge_1', [at100s(5)]), emptyMetric('test_empty')), NO_SUFFIXES);
    expect(result.lines).toEqual(['{__name__="test_gauge_1", test_label="test_value"} @100000 5 st=0']);
    expect(dropSummary(result)).toEqual({ metrics: 1, points: {}, reasons: ['unsupported_metric_type test_empty'] });
  });

  it('derived: delta is rejected with onInvalidMetric reject', () => {
    const error = expectRejected(svc(sum('d', [point({ double: 1 })], { temporality: DELTA })));
    expect(error.code).toBe('delta_temporality');
  });
});

describe('R33 gauge', () => {
  it('TestTemporality / "gauge does not have temporality"', () => {
    const result = translate(bare(gauge('test_gauge_1', [at100s(5)])), NO_SUFFIXES);
    expect(result.lines).toEqual(['{__name__="test_gauge_1", test_label="test_value"} @100000 5 st=0']);
    expect(metadataOf(result, 'test_gauge_1')).toBe('GAUGE "" ""');
  });

  it('TestPrometheusConverter_addGaugeNumberDataPoints / "gauge with scope promotion"', () => {
    const otlp = request({
      resource: { attributes: [] },
      scopeMetrics: [{ scope: { name: 'scope-name', version: 'v1' }, schemaUrl: 'url', metrics: [gauge('test', [point({ double: 1, start: T0 })])] }],
    });
    expect(lines(otlp, { promoteScopeMetadata: true })).toEqual([
      `{__name__="test", otel_scope_name="scope-name", otel_scope_schema_url="url", otel_scope_version="v1"} ${T} 1 st=${T0_MS}`,
    ]);
  });

  it('gauge cpu.utilization, unit 1, description "CPU", double 0.25, with an exemplar: no exemplar, meta gauge/"CPU"/""', () => {
    const result = translate(svc(gauge('cpu.utilization', [point({ double: 0.25, exemplars: [exemplar({ value: 1, time: T0 })] })], { unit: '1', description: 'CPU' })));
    expect(result.lines).toEqual([`{__name__="cpu_utilization_ratio", job="svc"} ${T} 0.25 st=0`]);
    expect(result.exemplars).toEqual([]);
    expect(metadataOf(result, 'cpu_utilization_ratio')).toBe('GAUGE "CPU" ""');
  });
});

describe('R34 sum', () => {
  it('TestTemporality / "all cumulative when delta not allowed": counter', () => {
    const result = translate(bare(sum('test_metric_1', [at100s(5)]), sum('test_metric_2', [at100s(5)])), NO_SUFFIXES);
    expect(result.lines).toEqual([
      '{__name__="test_metric_1", test_label="test_value"} @100000 5 st=0',
      '{__name__="test_metric_2", test_label="test_value"} @100000 5 st=0',
    ]);
    expect(metadataOf(result, 'test_metric_1')).toBe('COUNTER "" ""');
  });

  it('TestTemporality / "mixed temporality when delta allowed": OUR behaviour, the delta sum is dropped, the cumulative one is a counter', () => {
    // Intentional difference (5): no delta ingestion, so the delta sum never gets metadata type unknown.
    const result = translate(bare(sum('test_metric_1', [at100s(5)], { temporality: DELTA }), sum('test_metric_2', [at100s(5)])), NO_SUFFIXES);
    expect(result.lines).toEqual(['{__name__="test_metric_2", test_label="test_value"} @100000 5 st=0']);
    expect(metadataOf(result, 'test_metric_2')).toBe('COUNTER "" ""');
  });

  it('monotonic cumulative http.requests, unit {request}, int 1027, start T0-60s', () => {
    const result = translate(svc(sum('http.requests', [point({ int: 1027, start: T0 - 60_000_000_000n })], { unit: '{request}' })));
    expect(result.lines).toEqual(['{__name__="http_requests_total", job="svc"} @1700000000000 1027 st=1699999940000']);
    expect(metadataOf(result, 'http_requests_total')).toBe('COUNTER "" ""');
  });

  it('non-monotonic queue.length, unit {item}, int 3 -> gauge', () => {
    const result = translate(svc(sum('queue.length', [point({ int: 3 })], { unit: '{item}', monotonic: false })));
    expect(result.lines).toEqual([`{__name__="queue_length", job="svc"} ${T} 3 st=0`]);
    expect(metadataOf(result, 'queue_length')).toBe('GAUGE "" ""');
  });

  it('derived: several points of one series come out in time order in one TimeSeries', () => {
    const otlp = svc(sum('c', [point({ double: 2, time: T0 + 1_000_000_000n }), point({ double: 1 })]));
    const result = translate(otlp);
    expect(result.lines).toEqual([`{__name__="c_total", job="svc"} ${T} 1 st=0`, `{__name__="c_total", job="svc"} @${T0_MS + 1000} 2 st=0`]);
    expect(result.series).toHaveLength(1);
  });
});

describe('R35 empty data points', () => {
  it.each([
    ['gauge', gauge('m', [])],
    ['sum', sum('m', [])],
    ['histogram', histogram('m', [])],
    ['exponential histogram', exponentialHistogram('m', [])],
    ['summary', summary('m', [])],
  ])('%s with 0 points: dropped (no_data_points), the other metric converted', (_kind, metric) => {
    const result = translate(svc(metric, gauge('ok', [point({ double: 1 })])));
    expect(result.lines).toEqual([`{__name__="ok", job="svc"} ${T} 1 st=0`]);
    expect(dropSummary(result)).toEqual({ metrics: 1, points: {}, reasons: ['no_data_points m'] });
  });

  it('onInvalidMetric reject: throws, builder unchanged', () => {
    expect(expectRejected(svc(gauge('m', [])), {}, svc(gauge('before', [point({ double: 1 })]))).code).toBe('no_data_points');
  });
});

describe('R43 start timestamp on every type', () => {
  const start = T0 - 10_000_000_000n;
  const st = `st=${T0_MS - 10_000}`;

  it('derived: gauge, sum, classic histogram (sum/count/buckets), summary, exponential and NHCB all carry st; target_info 0', () => {
    const otlp = request(
      resourceWith(
        { ...SVC, 'host.name': 'h' },
        gauge('g', [point({ double: 1, start })]),
        sum('c', [point({ double: 1, start })]),
        histogram('h', [histogramPoint({ count: 1, sum: 1, bounds: [1], counts: [1, 0], start })]),
        summary('s', [summaryPoint({ count: 1, sum: 1, quantiles: [[0.5, 1]], start })]),
        exponentialHistogram('e', [exponentialPoint({ scale: 0, count: 1, sum: 1, positive: { offset: 0, counts: [1] }, start })]),
      ),
    );
    const result = translate(otlp);
    const withSt = result.lines.filter((l) => l.endsWith(st)).map((l) => l.split(' ')[0]);
    expect(withSt).toEqual([
      '{__name__="g",',
      '{__name__="c_total",',
      '{__name__="h_sum",',
      '{__name__="h_count",',
      '{__name__="h_bucket",',
      '{__name__="h_bucket",',
      '{__name__="s_sum",',
      '{__name__="s_count",',
      '{__name__="s",',
      '{__name__="e",',
    ]);
    expect(result.lines.at(-1)).toBe(`{__name__="target_info", host_name="h", job="svc"} ${T} 1 st=0`);
    expect(lines(svc(histogram('n', [histogramPoint({ count: 1, sum: 1, bounds: [1], counts: [1, 0], start })])), { convertHistogramsToNHCB: true })[0]).toMatch(
      new RegExp(`${st}$`),
    );
  });

  it('TestPrometheusConverter_AddSummaryDataPoints / "summary with start time ...": ST = ts on _sum and _count', () => {
    expect(lines(svc(summary('test_summary', [summaryPoint({ count: 0, sum: 0, start: T0 })])))).toEqual([
      `{__name__="test_summary_sum", job="svc"} ${T} 0 st=${T0_MS}`,
      `{__name__="test_summary_count", job="svc"} ${T} 0 st=${T0_MS}`,
    ]);
  });

  it('TestPrometheusConverter_AddHistogramDataPoints / "histogram with start time ..."', () => {
    expect(lines(svc(histogram('test_hist', [histogramPoint({ count: 0, start: T0 })])))).toEqual([
      `{__name__="test_hist_count", job="svc"} ${T} 0 st=${T0_MS}`,
      `{__name__="test_hist_bucket", job="svc", le="+Inf"} ${T} 0 st=${T0_MS}`,
    ]);
  });
});

describe('R44 NoRecordedValue flag', () => {
  it('gauge g flags=1, value 7 -> STALE (wire bits 7ff0000000000002)', () => {
    const result = translate(svc(gauge('g', [point({ double: 7, flags: 1 })])));
    expect(result.lines).toEqual([`{__name__="g", job="svc"} ${T} STALE st=0`]);
    const built = result.builder.build().timeseries[0].samples[0];
    expect(built.stale).toBe(true);
    expect(decodeRw2(result.builder.encode()).timeseries[0].samples[0].valueBits).toBe(STALE_NAN_BITS);
  });

  it('derived: flags with other bits set still count (flags=3), a sum keeps its exemplars', () => {
    const result = translate(svc(sum('c', [point({ double: 7, flags: 3, exemplars: [exemplar({ value: 1, time: T0 })] })])));
    expect(result.lines).toEqual([`{__name__="c_total", job="svc"} ${T} STALE st=0`]);
    expect(result.exemplars).toEqual([`{__name__="c_total", job="svc"} <- {} 1 @${T0_MS}`]);
  });

  it('classic histogram flags=1, sum 3, count 2, bounds [1], counts [1,1] -> every series STALE', () => {
    expect(lines(svc(histogram('h', [histogramPoint({ count: 2, sum: 3, bounds: [1], counts: [1, 1], flags: 1 })])))).toEqual([
      `{__name__="h_sum", job="svc"} ${T} STALE st=0`,
      `{__name__="h_count", job="svc"} ${T} STALE st=0`,
      `{__name__="h_bucket", job="svc", le="1"} ${T} STALE st=0`,
      `{__name__="h_bucket", job="svc", le="+Inf"} ${T} STALE st=0`,
    ]);
  });

  it('derived: summary flags=1 -> _sum, _count and quantiles STALE', () => {
    expect(lines(svc(summary('s', [summaryPoint({ count: 2, sum: 3, quantiles: [[0.5, 1]], flags: 1 })])))).toEqual([
      `{__name__="s_sum", job="svc"} ${T} STALE st=0`,
      `{__name__="s_count", job="svc"} ${T} STALE st=0`,
      `{__name__="s", job="svc", quantile="0.5"} ${T} STALE st=0`,
    ]);
  });

  it('exponential flags=1, scale 0, count 3, sum 4, pos off 0 [3] -> count_int 9218868437227405314, sum STALE', () => {
    const result = translate(svc(exponentialHistogram('e', [exponentialPoint({ scale: 0, count: 3, sum: 4, positive: { offset: 0, counts: [3] }, flags: 1 })])));
    expect(result.lines).toEqual([
      `{__name__="e", job="svc"} ${T} H{schema 0, zt 1e-128, zc 0, count 9218868437227405314, sum STALE, pos=[(1,1)] Δ[3], neg=[] Δ[], hint UNKNOWN, cv []} st=0`,
    ]);
    expect(result.builder.build().timeseries[0].histograms[0].stale).toBe(true);
    expect(decodeRw2(result.builder.encode(), { longs: String }).timeseries[0].histograms[0].countInt).toBe(STALE_COUNT_INT);
  });

  it('derived: NHCB flags=1 -> count_int 9218868437227405314, sum STALE, buckets unchanged', () => {
    const otlp = svc(histogram('h', [histogramPoint({ count: 2, sum: 3, bounds: [1], counts: [1, 1], flags: 1 })]));
    expect(lines(otlp, { convertHistogramsToNHCB: true })).toEqual([
      `{__name__="h", job="svc"} ${T} H{schema -53, zt 0, zc 0, count 9218868437227405314, sum STALE, pos=[(0,2)] Δ[1,0], neg=[] Δ[], hint UNKNOWN, cv [1]} st=0`,
    ]);
  });

  it('derived: target_info is unaffected by stale points', () => {
    expect(lines(request(resourceWith({ ...SVC, 'host.name': 'h' }, gauge('g', [point({ double: 1, flags: 1 })]))))).toEqual([
      `{__name__="g", job="svc"} ${T} STALE st=0`,
      `{__name__="target_info", host_name="h", job="svc"} ${T} 1 st=0`,
    ]);
  });
});
