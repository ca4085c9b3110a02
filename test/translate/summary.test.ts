// Summaries: docs/translation-rules.md R41 (Prometheus helper.go addSummaryDataPoints).
import { describe, expect, it } from 'vitest';
import { lines, metadataOf, translate } from './golden.js';
import { T0, T0_MS, request, resourceWith, summary, summaryPoint, svc } from './otlp-builders.js';

const T = `@${T0_MS}`;

describe('R41 summary', () => {
  it('TestTemporality / "summary does not have temporality"', () => {
    const otlp = request(
      resourceWith({}, summary('test_summary_1', [summaryPoint({ count: 9, sum: 18, quantiles: [[0.5, 2]], time: 100_000_000_000n, attributes: { test_label: 'test_value' } })])),
    );
    const result = translate(otlp, { translationStrategy: 'UnderscoreEscapingWithoutSuffixes' });
    expect(result.lines).toEqual([
      '{__name__="test_summary_1_sum", test_label="test_value"} @100000 18 st=0',
      '{__name__="test_summary_1_count", test_label="test_value"} @100000 9 st=0',
      '{__name__="test_summary_1", quantile="0.5", test_label="test_value"} @100000 2 st=0',
    ]);
    for (const name of ['test_summary_1_sum', 'test_summary_1_count', 'test_summary_1']) expect(metadataOf(result, name)).toBe('SUMMARY "" ""');
  });

  it('TestPrometheusConverter_AddSummaryDataPoints / "summary without start time and without scope promotion and some quantiles"', () => {
    expect(lines(svc(summary('test_summary', [summaryPoint({ count: 50, sum: 100, quantiles: [[0.5, 30], [0.9, 40]] })])))).toEqual([
      `{__name__="test_summary_sum", job="svc"} ${T} 100 st=0`,
      `{__name__="test_summary_count", job="svc"} ${T} 50 st=0`,
      `{__name__="test_summary", job="svc", quantile="0.5"} ${T} 30 st=0`,
      `{__name__="test_summary", job="svc", quantile="0.9"} ${T} 40 st=0`,
    ]);
  });

  it('"summary with start time ..." with no quantiles -> only _sum 0 and _count 0', () => {
    expect(lines(svc(summary('test_summary', [summaryPoint({ count: 0, sum: 0, start: T0 })])))).toEqual([
      `{__name__="test_summary_sum", job="svc"} ${T} 0 st=${T0_MS}`,
      `{__name__="test_summary_count", job="svc"} ${T} 0 st=${T0_MS}`,
    ]);
  });

  it('quantiles 0, 0.99, 1, 1e-7 -> quantile "0", "0.99", "1", "0.0000001"', () => {
    const result = translate(svc(summary('s', [summaryPoint({ count: 4, sum: 10, quantiles: [[0, 1], [0.99, 2], [1, 3], [1e-7, 4]] })])));
    expect(result.lines.slice(2)).toEqual([
      `{__name__="s", job="svc", quantile="0"} ${T} 1 st=0`,
      `{__name__="s", job="svc", quantile="0.99"} ${T} 2 st=0`,
      `{__name__="s", job="svc", quantile="1"} ${T} 3 st=0`,
      `{__name__="s", job="svc", quantile="0.0000001"} ${T} 4 st=0`,
    ]);
  });

  it('derived: _sum is always emitted (a summary has no has-sum check); quantiles in input order', () => {
    const p = summaryPoint({ count: 3, sum: 0, quantiles: [[0.9, 5], [0.1, 1]] }) as Record<string, unknown>;
    delete p.sum;
    const result = translate(svc(summary('s', [p])));
    expect(result.lines).toEqual([
      `{__name__="s_sum", job="svc"} ${T} 0 st=0`,
      `{__name__="s_count", job="svc"} ${T} 3 st=0`,
      `{__name__="s", job="svc", quantile="0.9"} ${T} 5 st=0`,
      `{__name__="s", job="svc", quantile="0.1"} ${T} 1 st=0`,
    ]);
  });

  it('derived: unit and suffixes: summary rpc.duration (ms) -> rpc_duration_milliseconds{_sum,_count,}', () => {
    const result = translate(svc(summary('rpc.duration', [summaryPoint({ count: 1, sum: 2, quantiles: [[0.5, 2]] })], { unit: 'ms', description: 'd' })));
    expect(result.series.map((s) => s.labels[0][1])).toEqual(['rpc_duration_milliseconds_sum', 'rpc_duration_milliseconds_count', 'rpc_duration_milliseconds']);
    expect(metadataOf(result, 'rpc_duration_milliseconds')).toBe('SUMMARY "d" "milliseconds"');
  });
});
