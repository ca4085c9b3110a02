// Metadata and __type__/__unit__: docs/translation-rules.md R48 (type), R49 (help, unit), R50
// (feature type-and-unit-labels). Sources: otlp_to_openmetrics_metadata.go, TestTemporality,
// TestMetricNamer_Build wantUnitName, helper_test.go.
import { describe, expect, it } from 'vitest';
import type { TranslationOptions } from '../../src/translate/options.js';
import { MetricType } from '../../src/rw/types.js';
import { lines, metadataLines, metadataOf, translate } from './golden.js';
import { DELTA, SVC, T0_MS, gauge, metricOf, histogram, histogramPoint, point, request, resourceWith, sum, summary, summaryPoint, svc } from './otlp-builders.js';

const T = `@${T0_MS}`;

describe('R48 metadata type', () => {
  it.each([
    ['Gauge', metricOf('gauge', 'm'), {}, 'm', 'GAUGE'],
    ['Sum monotonic cumulative', metricOf('counter', 'm'), {}, 'm_total', 'COUNTER'],
    ['Sum non-monotonic cumulative', metricOf('updown', 'm'), {}, 'm', 'GAUGE'],
    ['Histogram cumulative (classic)', metricOf('histogram', 'm'), {}, 'm_bucket', 'HISTOGRAM'],
    ['Histogram cumulative (NHCB)', metricOf('histogram', 'm'), { convertHistogramsToNHCB: true }, 'm', 'HISTOGRAM'],
    ['ExponentialHistogram cumulative', metricOf('exponential', 'm'), {}, 'm', 'HISTOGRAM'],
    ['Summary', metricOf('summary', 'm'), {}, 'm_sum', 'SUMMARY'],
  ] as const)('%s -> %s', (_otlp, metric, options: TranslationOptions, name, type) => {
    expect(metadataOf(translate(svc(metric), options), name).split(' ')[0]).toBe(type);
  });

  it('the enum values are RW2 Metadata.MetricType', () => {
    const result = translate(svc(metricOf('counter', 'c'), metricOf('gauge', 'g'), metricOf('histogram', 'h'), metricOf('summary', 's')));
    expect([...new Set(result.builder.build().timeseries.map((ts) => ts.metadata.type))]).toEqual([
      MetricType.COUNTER,
      MetricType.GAUGE,
      MetricType.HISTOGRAM,
      MetricType.SUMMARY,
    ]);
    expect([MetricType.COUNTER, MetricType.GAUGE, MetricType.HISTOGRAM, MetricType.SUMMARY]).toEqual([1, 2, 3, 5]);
  });

  it('Sum / Histogram / ExponentialHistogram delta -> unknown in Prometheus: OUR behaviour, dropped (no delta ingestion)', () => {
    const result = translate(
      svc(
        sum('d', [point({ double: 1 })], { temporality: DELTA }),
        histogram('h', [histogramPoint({ count: 1 })], { temporality: DELTA }),
      ),
    );
    expect(result.lines).toEqual([]);
    expect(result.dropped.points.delta_temporality).toBe(2);
  });

  it('TestFromMetrics / "target_info\'s samples ...": target_info meta {Type: gauge, Help: "Target metadata"}', () => {
    const result = translate(request(resourceWith({ ...SVC, 'host.name': 'h' }, gauge('g', [point({ double: 1 })]))));
    expect(metadataOf(result, 'target_info')).toBe('GAUGE "Target metadata" ""');
  });

  it('every series of a metric carries the metric metadata (classic histogram and summary)', () => {
    const result = translate(
      svc(
        histogram('h', [histogramPoint({ count: 2, sum: 1, bounds: [1], counts: [1, 1] })], { unit: 's', description: 'H' }),
        summary('s', [summaryPoint({ count: 1, sum: 1, quantiles: [[0.5, 1]] })], { unit: 'By', description: 'S' }),
      ),
    );
    expect(metadataLines(result)).toEqual([
      '{__name__="h_seconds_sum", job="svc"} HISTOGRAM "H" "seconds"',
      '{__name__="h_seconds_count", job="svc"} HISTOGRAM "H" "seconds"',
      '{__name__="h_seconds_bucket", job="svc", le="1"} HISTOGRAM "H" "seconds"',
      '{__name__="h_seconds_bucket", job="svc", le="+Inf"} HISTOGRAM "H" "seconds"',
      '{__name__="s_bytes_sum", job="svc"} SUMMARY "S" "bytes"',
      '{__name__="s_bytes_count", job="svc"} SUMMARY "S" "bytes"',
      '{__name__="s_bytes", job="svc", quantile="0.5"} SUMMARY "S" "bytes"',
    ]);
  });
});

describe('R49 help and unit', () => {
  it.each([
    ['ms', 'milliseconds'],
    ['By', 'bytes'],
    ['1/s', 'per_second'],
    ['By/s', 'bytes_per_second'],
    ['custom_unit', 'custom_unit'],
    ['By/{custom}', 'bytes'],
    ['unit__multiple__underscores', 'unit_multiple_underscores'],
    ['unit@with#special/chars', 'unit_with_special_per_chars'],
    [' By / s ', 'bytes_per_second'],
    ['By/', 'bytes'],
    ['1', ''],
    ['{request}', ''],
    ['%', 'percent'],
    ['°C', 'C'],
    ['blocks.', 'blocks'],
    ['/', ''],
    ['m/m', 'meters_per_minute'],
  ])('TestMetricNamer_Build wantUnitName (and derived): unit %j -> %j under every strategy', (unit, expected) => {
    for (const translationStrategy of ['UnderscoreEscapingWithSuffixes', 'UnderscoreEscapingWithoutSuffixes', 'NoUTF8EscapingWithSuffixes', 'NoTranslation'] as const) {
      const result = translate(svc(metricOf('updown', 'x', unit)), { translationStrategy });
      expect(result.series[0].unit, translationStrategy).toBe(expected);
    }
  });

  it('derived: help is the description, unchanged', () => {
    const description = 'Höhe "in" metres\nsecond line';
    expect(translate(svc(metricOf('gauge', 'x', '', description))).series[0].help).toBe(description);
  });
});

describe('R50 __type__ / __unit__ (type-and-unit-labels)', () => {
  const ON: TranslationOptions = { typeAndUnitLabels: true };

  it('gauge mem unit By -> {__name__="mem_bytes", __type__="gauge", __unit__="bytes", job="svc"}', () => {
    expect(lines(svc(gauge('mem', [point({ double: 1 })], { unit: 'By' })), ON)).toEqual([
      `{__name__="mem_bytes", __type__="gauge", __unit__="bytes", job="svc"} ${T} 1 st=0`,
    ]);
  });

  it('counter http.requests unit {request} -> __type__="counter", no __unit__', () => {
    expect(lines(svc(sum('http.requests', [point({ double: 1 })], { unit: '{request}' })), ON)).toEqual([
      `{__name__="http_requests_total", __type__="counter", job="svc"} ${T} 1 st=0`,
    ]);
  });

  it('non-monotonic delta sum x unit s: OUR behaviour, dropped; a cumulative one -> __type__="gauge", __unit__="seconds"', () => {
    // Prometheus with delta ingestion: {__name__="x_seconds", __unit__="seconds", job="svc"} (no __type__, unknown).
    expect(lines(svc(sum('x', [point({ double: 1 })], { unit: 's', monotonic: false, temporality: DELTA })), ON)).toEqual([]);
    expect(lines(svc(sum('x', [point({ double: 1 })], { unit: 's', monotonic: false })), ON)).toEqual([
      `{__name__="x_seconds", __type__="gauge", __unit__="seconds", job="svc"} ${T} 1 st=0`,
    ]);
  });

  it('derived: classic histogram series all get __type__="histogram"; summary series __type__="summary"', () => {
    const result = translate(
      svc(
        histogram('h', [histogramPoint({ count: 1, sum: 1, bounds: [1], counts: [1, 0] })], { unit: 's' }),
        summary('s', [summaryPoint({ count: 1, sum: 1, quantiles: [[0.5, 1]] })]),
      ),
      ON,
    );
    expect(result.series.map((s) => s.text)).toEqual([
      '{__name__="h_seconds_sum", __type__="histogram", __unit__="seconds", job="svc"}',
      '{__name__="h_seconds_count", __type__="histogram", __unit__="seconds", job="svc"}',
      '{__name__="h_seconds_bucket", __type__="histogram", __unit__="seconds", job="svc", le="1"}',
      '{__name__="h_seconds_bucket", __type__="histogram", __unit__="seconds", job="svc", le="+Inf"}',
      '{__name__="s_sum", __type__="summary", job="svc"}',
      '{__name__="s_count", __type__="summary", job="svc"}',
      '{__name__="s", __type__="summary", job="svc", quantile="0.5"}',
    ]);
  });

  it('derived: UTF-8 strategy: __unit__ is the metadata unit (°C -> C), the name keeps °C', () => {
    expect(lines(svc(gauge('temp', [point({ double: 1 })], { unit: '°C' })), { ...ON, translationStrategy: 'NoUTF8EscapingWithSuffixes' })).toEqual([
      `{__name__="temp_°C", __type__="gauge", __unit__="C", job="svc"} ${T} 1 st=0`,
    ]);
  });

  it('helper_test.go "__type__ and __unit__ attributes are overwritten by metadata"; target_info gets neither', () => {
    const otlp = request(resourceWith({ ...SVC, 'host.name': 'h' }, gauge('mem', [point({ double: 1, attributes: { __type__: 'x', __unit__: 'y' } })], { unit: 'By' })));
    expect(lines(otlp, ON)).toEqual([
      `{__name__="mem_bytes", __type__="gauge", __unit__="bytes", job="svc"} ${T} 1 st=0`,
      `{__name__="target_info", host_name="h", job="svc"} ${T} 1 st=0`,
    ]);
  });
});
