// Scope labels: docs/translation-rules.md R31 (promote_scope_metadata; Prometheus metrics_to_prw.go
// setScopeContext, helper.go createAttributes).
import { describe, expect, it } from 'vitest';
import { lines, onlyLabels, translate } from './golden.js';
import {
  SVC,
  T0,
  T0_MS,
  type ScopeSpec,
  gauge,
  histogram,
  histogramPoint,
  point,
  request,
  resource,
  summary,
  summaryPoint,
} from './otlp-builders.js';

const T = `@${T0_MS}`;
const PROMOTE = { promoteScopeMetadata: true };
const testScope = { name: 'test-scope', version: '1.0.0', schemaUrl: 'https://schema.com', attributes: { attr1: 'value1', attr2: 'value2' } };
const scoped = (scope: Omit<ScopeSpec, 'metrics'>, ...metrics: object[]) => request(resource(SVC, [{ ...scope, metrics }]));
const g = (attributes = {}) => gauge('g', [point({ double: 1, attributes })]);

describe('R31 promote_scope_metadata', () => {
  it('createAttributes "Successful conversion without resource attribute promotion and with scope promotion"', () => {
    expect(onlyLabels(scoped(testScope, g()), PROMOTE)).toEqual({
      __name__: 'g',
      job: 'svc',
      otel_scope_attr1: 'value1',
      otel_scope_attr2: 'value2',
      otel_scope_name: 'test-scope',
      otel_scope_schema_url: 'https://schema.com',
      otel_scope_version: '1.0.0',
    });
  });

  it('createAttributes "... but without scope promotion": no scope labels (the default)', () => {
    expect(onlyLabels(scoped(testScope, g()))).toEqual({ __name__: 'g', job: 'svc' });
  });

  it('scope {name="lib", version=""}, attrs {version="v9"} -> otel_scope_name="lib", no otel_scope_version', () => {
    expect(onlyLabels(scoped({ name: 'lib', version: '', attributes: { version: 'v9' } }, g()), PROMOTE)).toEqual({
      __name__: 'g',
      job: 'svc',
      otel_scope_name: 'lib',
    });
  });

  it('data-point attr otel_scope_name="dp" with scope name lib -> otel_scope_name="lib"', () => {
    expect(onlyLabels(scoped({ name: 'lib' }, g({ otel_scope_name: 'dp' })), PROMOTE)).toEqual({ __name__: 'g', job: 'svc', otel_scope_name: 'lib' });
  });

  it('derived: an empty scope name adds no scope label at all, even with version and attributes', () => {
    expect(onlyLabels(scoped({ name: '', version: '1', schemaUrl: 'u', attributes: { a: 'b' } }, g()), PROMOTE)).toEqual({ __name__: 'g', job: 'svc' });
  });

  it('derived: attribute names go through the label namer: a.b -> otel_scope_a_b, _x -> otel_scope__x', () => {
    expect(onlyLabels(scoped({ name: 'lib', attributes: { 'a.b': '1', _x: '2' } }, g()), PROMOTE)).toEqual({
      __name__: 'g',
      job: 'svc',
      otel_scope__x: '2',
      otel_scope_a_b: '1',
      otel_scope_name: 'lib',
    });
  });

  it('derived: scope attributes use Set semantics in OTLP order (the last one wins, no ";" join)', () => {
    expect(onlyLabels(scoped({ name: 'lib', attributes: [['a_b', '2'], ['a.b', '1']] }, g()), PROMOTE)).toEqual({
      __name__: 'g',
      job: 'svc',
      otel_scope_a_b: '1',
      otel_scope_name: 'lib',
    });
  });

  it('derived: otel_scope_schema_url is ScopeMetrics.schema_url, not the resource schema_url', () => {
    const otlp = { resourceMetrics: [{ ...(request(resource(SVC, [{ name: 'lib', schemaUrl: 'scope-url', metrics: [g()] }])) as { resourceMetrics: object[] }).resourceMetrics[0], schemaUrl: 'resource-url' }] };
    expect(onlyLabels(otlp, PROMOTE)).toEqual({ __name__: 'g', job: 'svc', otel_scope_name: 'lib', otel_scope_schema_url: 'scope-url' });
  });

  it('derived: a scope attribute overwrites a data-point label with the same name', () => {
    expect(onlyLabels(scoped({ name: 'lib', attributes: { x: 's' } }, g({ otel_scope_x: 'dp' })), PROMOTE)).toEqual({
      __name__: 'g',
      job: 'svc',
      otel_scope_name: 'lib',
      otel_scope_x: 's',
    });
  });

  it('derived: scope labels are per ScopeMetrics', () => {
    const otlp = request(resource(SVC, [{ name: 'a', metrics: [gauge('x', [point({ double: 1 })])] }, { name: '', metrics: [gauge('y', [point({ double: 2 })])] }]));
    expect(lines(otlp, PROMOTE)).toEqual([`{__name__="x", job="svc", otel_scope_name="a"} ${T} 1 st=0`, `{__name__="y", job="svc"} ${T} 2 st=0`]);
  });

  it('TestPrometheusConverter_AddSummaryDataPoints / "summary with start time and with scope promotion"', () => {
    const otlp = scoped(testScope, summary('test_summary', [summaryPoint({ count: 0, sum: 0, start: T0 })]));
    const labels = 'job="svc", otel_scope_attr1="value1", otel_scope_attr2="value2", otel_scope_name="test-scope", otel_scope_schema_url="https://schema.com", otel_scope_version="1.0.0"';
    expect(lines(otlp, PROMOTE)).toEqual([
      `{__name__="test_summary_sum", ${labels}} ${T} 0 st=${T0_MS}`,
      `{__name__="test_summary_count", ${labels}} ${T} 0 st=${T0_MS}`,
    ]);
  });

  it('TestPrometheusConverter_AddHistogramDataPoints / "histogram with start time and with scope promotion"', () => {
    const otlp = scoped(testScope, histogram('test_hist', [histogramPoint({ count: 0, start: T0 })]));
    const labels = 'job="svc", otel_scope_attr1="value1", otel_scope_attr2="value2", otel_scope_name="test-scope", otel_scope_schema_url="https://schema.com", otel_scope_version="1.0.0"';
    expect(lines(otlp, PROMOTE)).toEqual([
      `{__name__="test_hist_count", ${labels}} ${T} 0 st=${T0_MS}`,
      `{__name__="test_hist_bucket", ${labels.replace('job="svc", ', 'job="svc", le="+Inf", ')}} ${T} 0 st=${T0_MS}`,
    ]);
  });

  it('derived: scope labels never go on target_info', () => {
    const otlp = request(resource({ ...SVC, 'host.name': 'h' }, [{ ...testScope, metrics: [g()] }]));
    const result = translate(otlp, PROMOTE);
    expect(result.series[1].text).toBe('{__name__="target_info", host_name="h", job="svc"}');
  });
});
