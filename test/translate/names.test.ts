// Metric names: docs/translation-rules.md R7-R15 (otlptranslator v1.0.0 MetricNamer, as pinned by
// Prometheus 3.14.0). Test names in quotes are the cases of metric_namer_test.go: TestMetricNamer_Build.
import { describe, expect, it } from 'vitest';
import type { TranslationOptions, TranslationStrategy } from '../../src/translate/options.js';
import { dropSummary, expectRejected, lines, metadataOf, seriesNames, translate } from './golden.js';
import { DELTA, type Kind, SVC, T0_MS, gauge, metricOf, point, request, resourceWith, sum, summary, summaryPoint, svc } from './otlp-builders.js';

/** The family name: `__name__` of a gauge/sum/exponential series (one series for these kinds). */
function nameOf(kind: Kind, name: string, unit: string, options: TranslationOptions = {}): string {
  const names = seriesNames(svc(metricOf(kind, name, unit)), options);
  expect(names).toHaveLength(1);
  return names[0];
}

const DEFAULT: TranslationStrategy = 'UnderscoreEscapingWithSuffixes';
const NO_SUFFIXES: TranslationStrategy = 'UnderscoreEscapingWithoutSuffixes';
const UTF8: TranslationStrategy = 'NoUTF8EscapingWithSuffixes';
const NO_TRANSLATION: TranslationStrategy = 'NoTranslation';

describe('R7 translation strategies', () => {
  it.each([
    [DEFAULT, 'http_requests_bytes_total'],
    [NO_SUFFIXES, 'http_requests'],
    [UTF8, 'http.requests_bytes_total'],
    [NO_TRANSLATION, 'http.requests'],
  ] as const)('derived: counter http.requests, unit By, %s -> %s', (translationStrategy, expected) => {
    expect(nameOf('counter', 'http.requests', 'By', { translationStrategy })).toBe(expected);
  });

  it.each([
    [DEFAULT, 'http_server_duration_seconds'],
    [NO_SUFFIXES, 'http_server_duration'],
    [UTF8, 'http.server.duration_seconds'],
    [NO_TRANSLATION, 'http.server.duration'],
  ] as const)('derived: the strategy applies to every type (histogram http.server.duration, s, %s)', (translationStrategy, family) => {
    expect(seriesNames(svc(metricOf('histogram', 'http.server.duration', 's')), { translationStrategy })).toEqual([
      `${family}_sum`,
      `${family}_count`,
      `${family}_bucket`,
    ]);
  });
});

describe('R8 which type the namer sees', () => {
  it.each([
    ['gauge', 'x_ratio'],
    ['counter', 'x_total'],
    ['updown', 'x'],
    ['exponential', 'x'],
  ] as const)('derived: %s with unit "1" -> %s (_ratio only for OTel Gauge, _total only for monotonic sums)', (kind, expected) => {
    expect(nameOf(kind, 'x', '1')).toBe(expected);
  });

  it('derived: histogram and summary with unit "1" get neither _ratio nor _total', () => {
    expect(seriesNames(svc(metricOf('histogram', 'x', '1')))).toEqual(['x_sum', 'x_count', 'x_bucket']);
    expect(seriesNames(svc(metricOf('summary', 'x', '1')))).toEqual(['x_sum', 'x_count']);
  });

  it('TestFromMetrics / "Add metric suffixes with delta temporality": OUR behaviour, the delta sum is dropped', () => {
    // Intentional difference (5): Prometheus, with otlp-native-delta-ingestion, would name it
    // monotonic_sum_1_unit_total with metadata type unknown; we have no delta ingestion and drop it.
    const result = translate(svc(sum('monotonic.sum-1', [point({ double: 1 })], { unit: 'unit', temporality: DELTA })));
    expect(result.lines).toEqual([]);
    expect(dropSummary(result)).toEqual({ metrics: 1, points: { delta_temporality: 1 }, reasons: ['delta_temporality monotonic.sum-1'] });
  });
});

describe('R9 unit -> suffixes (buildUnitSuffixes)', () => {
  // "metric with days unit" ... "metric with percent unit": every mainMap entry.
  it.each([
    ['d', 'days'],
    ['h', 'hours'],
    ['min', 'minutes'],
    ['s', 'seconds'],
    ['ms', 'milliseconds'],
    ['us', 'microseconds'],
    ['ns', 'nanoseconds'],
    ['By', 'bytes'],
    ['KiBy', 'kibibytes'],
    ['MiBy', 'mebibytes'],
    ['GiBy', 'gibibytes'],
    ['TiBy', 'tibibytes'],
    ['KBy', 'kilobytes'],
    ['MBy', 'megabytes'],
    ['GBy', 'gigabytes'],
    ['TBy', 'terabytes'],
    ['m', 'meters'],
    ['V', 'volts'],
    ['A', 'amperes'],
    ['J', 'joules'],
    ['W', 'watts'],
    ['g', 'grams'],
    ['Cel', 'celsius'],
    ['Hz', 'hertz'],
    ['%', 'percent'],
  ])('TestMetricNamer_Build mainMap: gauge metric, unit %s -> metric_%s', (unit, word) => {
    expect(nameOf('gauge', 'metric', unit)).toBe(`metric_${word}`);
  });

  it('mainMap "1" -> "" (a gauge then gets only _ratio)', () => {
    expect(nameOf('updown', 'metric', '1')).toBe('metric');
    expect(nameOf('gauge', 'metric', '1')).toBe('metric_ratio');
  });

  it.each([
    ['1/s', 'metric_per_second'],
    ['1/m', 'metric_per_minute'],
    ['1/h', 'metric_per_hour'],
    ['1/d', 'metric_per_day'],
    ['1/w', 'metric_per_week'],
    ['1/mo', 'metric_per_month'],
    ['1/y', 'metric_per_year'],
  ])('TestMetricNamer_Build perMap: gauge metric, unit %s -> %s', (unit, expected) => {
    expect(nameOf('gauge', 'metric', unit)).toBe(expected);
  });

  it.each([
    ['S', 'metric_S'],
    ['Ms', 'metric_Ms'],
    ['KB', 'metric_KB'],
    ['kBy', 'metric_kBy'],
    ['°C', 'metric_C'],
    ['µs', 'metric_s'],
  ])('derived: lookups are exact and case-sensitive: unit %s -> %s', (unit, expected) => {
    expect(nameOf('gauge', 'metric', unit)).toBe(expected);
  });
});

describe('R10 cleanUpUnit', () => {
  it('derived: unit "blocks." keeps its trailing _ in the name; metadata unit blocks', () => {
    const result = translate(svc(metricOf('gauge', 'disk', 'blocks.')));
    expect(result.lines).toEqual([`{__name__="disk_blocks_", job="svc"} @${T0_MS} 1 st=0`]);
    expect(metadataOf(result, 'disk_blocks_')).toBe('GAUGE "" "blocks"');
  });

  it('derived: runs collapse and one leading _ is removed: unit "__a__b__" -> name m_a_b_, metadata unit a_b', () => {
    const result = translate(svc(metricOf('gauge', 'm', '__a__b__')));
    expect(seriesNames(svc(metricOf('gauge', 'm', '__a__b__')))).toEqual(['m_a_b_']);
    expect(metadataOf(result, 'm_a_b_')).toBe('GAUGE "" "a_b"');
  });

  it('"metric with multiple underscores normalized"', () => {
    expect(nameOf('gauge', 'metric__with__multiple__underscores', 'unit__multiple__underscores')).toBe(
      'metric_with_multiple_underscores_unit_multiple_underscores',
    );
  });
});

describe('R11 escaping + suffixes (normalizeName)', () => {
  it.each([
    ['"counter metric with total suffix"', 'requests', 'counter', '', '', 'requests_total'],
    ['"gauge with unit 1 gets ratio suffix"', 'cpu_usage', 'gauge', '1', '', 'cpu_usage_ratio'],
    ['"counter with unit 1 does not get ratio suffix"', 'items', 'counter', '1', '', 'items_total'],
    ['"metric with per unit"', 'requests', 'gauge', '1/s', '', 'requests_per_second'],
    ['"metric with complex per unit"', 'throughput', 'gauge', 'By/s', '', 'throughput_bytes_per_second'],
    ['"metric with unit containing braces is ignored"', 'custom_metric', 'gauge', '{custom}', '', 'custom_metric'],
    ['"metric with per unit containing braces is ignored"', 'custom_metric', 'gauge', 'By/{custom}', '', 'custom_metric_bytes'],
    ['"metric name already contains unit suffix"', 'response_time_seconds', 'gauge', 's', '', 'response_time_seconds'],
    ['"metric with namespace and suffixes"', 'requests', 'counter', '1/s', 'app', 'app_requests_per_second_total'],
    ['"metric starting with digit with namespace and suffixes"', '123_requests', 'counter', '', 'app', 'app_123_requests_total'],
    [
      '"metric with multiple underscores normalized"',
      'metric__with__multiple__underscores',
      'gauge',
      'unit__multiple__underscores',
      '',
      'metric_with_multiple_underscores_unit_multiple_underscores',
    ],
    ['"metric with special chars in unit"', 'custom_metric', 'gauge', 'unit@with#special/chars', '', 'custom_metric_unit_with_special_per_chars'],
    ['"metric with whitespace in unit"', 'metric', 'gauge', ' By / s ', '', 'metric_bytes_per_second'],
    ['"metric with empty per unit"', 'metric', 'gauge', 'By/', '', 'metric_bytes'],
    ['"metric with only slash in unit"', 'metric', 'gauge', '/', '', 'metric'],
    ['derived', '__foo__bar__', 'gauge', '', '', 'foo_bar'],
    ['derived', '2xx.responses', 'counter', '', '', '_2xx_responses_total'],
    ['derived', 'latency_ms', 'gauge', 'ms', '', 'latency_ms_milliseconds'],
    ['derived', 'seconds_duration', 'gauge', 's', '', 'seconds_duration'],
    ['derived', 'bytes_per_second', 'gauge', 'By/s', '', 'bytes_per_second_per_second'],
    ['derived', 'total.requests', 'counter', '', '', 'requests_total'],
    ['derived', 'total', 'counter', '', '', 'total'],
    ['derived', 'requests_total', 'updown', '', '', 'requests_total'],
    ['derived', 'ratio.of.cpu', 'gauge', '1', '', 'of_cpu_ratio'],
    ['derived', 'queue.size', 'updown', '1', '', 'queue_size'],
    ['derived', 'disk', 'gauge', 'blocks.', '', 'disk_blocks_'],
    ['derived', 'x', 'gauge', 'm/m', '', 'x_meters_per_minute'],
    ['derived', 'x', 'gauge', 'a/b/c', '', 'x_a_per_b_c'],
    ['derived', 'x', 'gauge', '{req}/s', '', 'x_per_second'],
    ['derived', 'temp', 'gauge', '°C', '', 'temp_C'],
    ['derived', 'x', 'counter', 'By', '', 'x_bytes_total'],
    ['derived (R59: namespace unsanitized, digit fix on the joined name)', 'x', 'gauge', '', '1ns', '_1ns_x'],
    ['derived (R59: namespace prepended unsanitized)', 'x', 'gauge', '', 'my.ns', 'my.ns_x'],
  ] as const)('%s: %s (%s, unit %j, namespace %j) -> %s', (_source, name, kind, unit, namespace, expected) => {
    expect(nameOf(kind, name, unit, { namespace })).toBe(expected);
  });

  it('derived: histogram http.server.duration, s -> http_server_duration_seconds_bucket/_sum/_count', () => {
    expect(seriesNames(svc(metricOf('histogram', 'http.server.duration', 's')))).toEqual([
      'http_server_duration_seconds_sum',
      'http_server_duration_seconds_count',
      'http_server_duration_seconds_bucket',
    ]);
  });
});

describe('R12 escaping without suffixes', () => {
  it.each([
    ['"metric with special characters replaced"', 'metric@with#special$chars', 'gauge', '', 'metric_with_special_chars'],
    ['"metric starting with digit gets underscore prefix"', '123metric', 'gauge', '', '_123metric'],
    ['"metric with multiple consecutive special chars"', 'metric@@##$$name', 'gauge', '', 'metric_name'],
    ['"namespace with special characters"', 'metric', 'gauge', 'test@namespace!!??', 'test_namespace_metric'],
    ['"metric with only underscores (escaped)"', '___', 'gauge', '', '___'],
    ['R59 "metric with namespace without suffixes"', 'simple_metric', 'gauge', 'test_namespace', 'test_namespace_simple_metric'],
    ['derived', 'a__b..c', 'gauge', '', 'a__b_c'],
    ['derived', '.x.', 'gauge', '', 'x'],
    ['derived', '_x_', 'gauge', '', '_x_'],
    ['derived: no unit, _total or _ratio suffix', 'requests', 'counter', '', 'requests'],
    ['derived: no _ratio (unit 1)', 'cpu', 'gauge', '', 'cpu'],
    ['derived: no leading-digit fix with a namespace', 'x', 'gauge', '1ns', '1ns_x'],
  ] as const)('%s: %s (%s, namespace %j) -> %s', (_source, name, kind, namespace, expected) => {
    expect(nameOf(kind, name, name === 'cpu' ? '1' : '', { translationStrategy: NO_SUFFIXES, namespace })).toBe(expected);
  });

  it('derived: units are ignored (gauge x, unit s -> x)', () => {
    expect(nameOf('gauge', 'x', 's', { translationStrategy: NO_SUFFIXES })).toBe('x');
  });

  it('derived: histogram http.server.duration (s) -> http_server_duration_bucket / _sum / _count', () => {
    expect(seriesNames(svc(metricOf('histogram', 'http.server.duration', 's')), { translationStrategy: NO_SUFFIXES })).toEqual([
      'http_server_duration_sum',
      'http_server_duration_count',
      'http_server_duration_bucket',
    ]);
  });
});

describe('R13 series names per type', () => {
  it('NoTranslation summary rpc.latency -> rpc.latency_sum, rpc.latency_count, rpc.latency{quantile}', () => {
    const otlp = svc(summary('rpc.latency', [summaryPoint({ count: 2, sum: 3, quantiles: [[0.5, 1]] })]));
    expect(lines(otlp, { translationStrategy: NO_TRANSLATION })).toEqual([
      `{__name__="rpc.latency_sum", job="svc"} @${T0_MS} 3 st=0`,
      `{__name__="rpc.latency_count", job="svc"} @${T0_MS} 2 st=0`,
      `{__name__="rpc.latency", job="svc", quantile="0.5"} @${T0_MS} 1 st=0`,
    ]);
  });

  it('derived: a name like x_sum still gets x_sum_sum (suffixes are never sanitized or deduplicated)', () => {
    expect(seriesNames(svc(metricOf('histogram', 'x_sum', '')))).toEqual(['x_sum_sum', 'x_sum_count', 'x_sum_bucket']);
    expect(seriesNames(svc(metricOf('histogram', 'x.y', '')), { translationStrategy: NO_TRANSLATION })).toEqual(['x.y_sum', 'x.y_count', 'x.y_bucket']);
  });

  it('derived: exponential histogram and NHCB: the family name, no suffix', () => {
    expect(seriesNames(svc(metricOf('exponential', 'lat', 's')))).toEqual(['lat_seconds']);
    expect(seriesNames(svc(metricOf('histogram', 'lat', 's')), { convertHistogramsToNHCB: true })).toEqual(['lat_seconds']);
  });

  it('derived (R59): target_info is namespace_target_info when a namespace is set', () => {
    const otlp = request(resourceWith({ ...SVC, 'host.name': 'h' }, gauge('g', [point({ double: 1 })])));
    expect(seriesNames(otlp, { namespace: 'ns' })).toEqual(['ns_g', 'ns_target_info']);
    expect(seriesNames(otlp)).toEqual(['g', 'target_info']);
  });
});

describe('R14 name errors (escaping strategies)', () => {
  it.each([
    ['"empty metric name without suffixes"', '', NO_SUFFIXES],
    ['"metric name with only special characters"', '@#$%', DEFAULT],
    ['"metric name with only special characters"', '@#$%', NO_SUFFIXES],
    ['"metric name with only special characters" (second case: invalid name "_____")', '@_#_$_%', NO_SUFFIXES],
    ['derived: ___ with suffixes -> empty name', '___', DEFAULT],
    ['derived: ... -> empty name', '...', DEFAULT],
    ['derived: ... -> empty name', '...', NO_SUFFIXES],
    ['derived: empty name with suffixes', '', DEFAULT],
  ] as const)('%s: %j under %s is dropped (invalid_metric_name); the other metric is kept', (_source, name, translationStrategy) => {
    // Intentional difference (2): Prometheus fails the request; we drop the metric and count it.
    const result = translate(svc(gauge(name, [point({ double: 1 })]), gauge('ok', [point({ double: 2 })])), { translationStrategy });
    expect(result.lines).toEqual([`{__name__="ok", job="svc"} @${T0_MS} 2 st=0`]);
    expect(dropSummary(result)).toEqual({ metrics: 1, points: { invalid_metric_name: 1 }, reasons: [`invalid_metric_name ${name}`] });
  });

  it('"metric name with only special characters": onInvalidMetric reject throws and leaves the builder unchanged', () => {
    const error = expectRejected(svc(gauge('@#$%', [point({ double: 1 })])), {}, svc(gauge('before', [point({ double: 1 })])));
    expect(error.code).toBe('invalid_metric_name');
    expect(error.metricName).toBe('@#$%');
  });

  it('"metric with only underscores (escaped)": a result equal to the input is accepted (___ without suffixes)', () => {
    expect(nameOf('gauge', '___', '', { translationStrategy: NO_SUFFIXES })).toBe('___');
  });
});

describe('R15 UTF-8 strategies (buildMetricName)', () => {
  it.each([
    ['"metric name already contains total suffix with UTF8Allowed"', 'requests_total', 'counter', '', '', 'requests_total'],
    ['"metric name already contains ratio suffix with UTF8Allowed"', 'cpu_usage_ratio', 'gauge', '1', '', 'cpu_usage_ratio'],
    ['"metric name already contains unit suffix with UTF8Allowed"', 'response_time_seconds', 'gauge', 's', '', 'response_time_seconds'],
    ['"metric name already contains type and unit suffix with UTF8Allowed"', 'cpu_seconds_total', 'counter', 's', '', 'cpu_seconds_total'],
    ['"reproduction case for opentelemetry-collector metrics"', 'otelcol_process_cpu_seconds', 'counter', 's', '', 'otelcol_process_cpu_seconds_total'],
    ['"utf8 counter metric with total suffix"', 'requêsts', 'counter', '', '', 'requêsts_total'],
    ['"utf8 metric with per unit"', 'requêsts', 'gauge', '1/s', '', 'requêsts_per_second'],
    ['"metric name with only special characters"', '@#$%', 'counter', '', '', '@#$%_total'],
    ['"namespace with special characters"', 'metric', 'counter', '', 'test@namespace', 'test@namespace_metric_total'],
    ['derived from "utf8 metric with namespace and suffixes"', 'requêsts', 'counter', '', 'ñamespace', 'ñamespace_requêsts_total'],
    ['derived', 'subtotal', 'counter', '', '', 'su_total'],
    ['derived', 'total', 'counter', '', '', 'total_total'],
    ['derived', 'http.requests.total', 'counter', '', '', 'http.requests_total'],
    ['derived', 'cpu.ratio', 'gauge', '1', '', 'cpu_ratio'],
    ['derived', 'foo_milliseconds', 'gauge', 's', '', 'foo_milliseconds'],
    ['derived', 'seconds_duration', 'gauge', 's', '', 'seconds_duration_seconds'],
    ['derived', 'rate_per_second', 'gauge', 'By/s', '', 'rate_bytes_per_second'],
    ['derived', 'x.rate', 'counter', '1/s', '', 'x.rate_per_second_total'],
    ['derived', 'temp', 'gauge', '°C', '', 'temp_°C'],
    ['derived: an empty name gets only its suffix', '', 'gauge', 's', '', '_seconds'],
  ] as const)('%s: NoUTF8EscapingWithSuffixes %j (%s, unit %j, namespace %j) -> %s', (_source, name, kind, unit, namespace, expected) => {
    expect(nameOf(kind, name, unit, { translationStrategy: UTF8, namespace })).toBe(expected);
  });

  it('derived: temp (°C) keeps °C in the name but the metadata unit is C (R49)', () => {
    const result = translate(svc(metricOf('gauge', 'temp', '°C')), { translationStrategy: UTF8 });
    expect(metadataOf(result, 'temp_°C')).toBe('GAUGE "" "C"');
  });

  it('derived: histogram http.server.duration (s) -> http.server.duration_seconds_bucket etc.', () => {
    expect(seriesNames(svc(metricOf('histogram', 'http.server.duration', 's')), { translationStrategy: UTF8 })).toEqual([
      'http.server.duration_seconds_sum',
      'http.server.duration_seconds_count',
      'http.server.duration_seconds_bucket',
    ]);
  });

  it.each([
    ['"http.request.duration/OTel-style"', 'http.request.duration', 'gauge', 's', 'http.request.duration'],
    ['"http.requests/OTel-style"', 'http.requests', 'counter', '', 'http.requests'],
    ['derived: unit 1 gauge, no _ratio', 'cpu', 'gauge', '1', 'cpu'],
  ] as const)('%s: NoTranslation %j (%s, unit %j) -> %s', (_source, name, kind, unit, expected) => {
    expect(nameOf(kind, name, unit, { translationStrategy: NO_TRANSLATION })).toBe(expected);
  });

  it.each([UTF8, NO_TRANSLATION])('derived: an empty metric name under %s is dropped as invalid (OUR behaviour)', (translationStrategy) => {
    // Intentional difference (3): Prometheus stores a series without __name__; RW2 needs a name.
    const result = translate(svc(gauge('', [point({ double: 1 })]), gauge('ok', [point({ double: 2 })])), { translationStrategy });
    expect(result.lines).toEqual([`{__name__="ok", job="svc"} @${T0_MS} 2 st=0`]);
    expect(dropSummary(result)).toEqual({ metrics: 1, points: { invalid_metric_name: 1 }, reasons: ['invalid_metric_name '] });
  });
});
