// Attributes -> labels: docs/translation-rules.md R4 (labels.Builder), R6 (pcommon.Value.AsString,
// pdata v1.63.0), R19-R22 (createAttributes, precedence).
import { describe, expect, it } from 'vitest';
import type { TranslationOptions } from '../../src/translate/options.js';
import { lines, onlyLabels, translate } from './golden.js';
import {
  SVC,
  T0_MS,
  type Value,
  gauge,
  histogram,
  histogramPoint,
  point,
  request,
  resource,
  resourceWith,
  summary,
  summaryPoint,
  svc,
} from './otlp-builders.js';

const T = `@${T0_MS}`;

describe('R4 label-set semantics (labels.Builder)', () => {
  it('data-point attrs {a="", b="x"} -> {__name__="g", b="x", job="svc"}', () => {
    expect(lines(svc(gauge('g', [point({ double: 1, attributes: { a: '', b: 'x' } })])))).toEqual([`{__name__="g", b="x", job="svc"} ${T} 1 st=0`]);
  });

  it('sort: attrs {"Z"="1","a"="2","_x"="3"} -> Z, __name__, a, job, key_x', () => {
    const result = translate(svc(gauge('g', [point({ double: 1, attributes: { Z: '1', a: '2', _x: '3' } })])));
    expect(result.series[0].labels.map(([name]) => name)).toEqual(['Z', '__name__', 'a', 'job', 'key_x']);
  });

  it('derived: byte-wise UTF-8 order, not UTF-16: U+FF5E sorts before U+1F600 (UTF-8 strategy)', () => {
    // In UTF-16 the surrogate D83D (U+1F600) sorts before FF5E; in UTF-8 EF BD 9E < F0 9F 98 80.
    const result = translate(svc(gauge('g', [point({ double: 1, attributes: { '\u{1F600}': 'b', '\u{FF5E}': 'a' } })])), {
      translationStrategy: 'NoUTF8EscapingWithSuffixes',
    });
    expect(result.series[0].labels.map(([name]) => name)).toEqual(['__name__', 'job', '\u{FF5E}', '\u{1F600}']);
  });

  it('derived: an empty value deletes a label set earlier (scope version "" deletes a data-point otel_scope_version)', () => {
    const otlp = request(resource(SVC, [{ name: 'lib', version: '', metrics: [gauge('g', [point({ double: 1, attributes: { otel_scope_version: 'dp' } })])] }]));
    expect(onlyLabels(otlp, { promoteScopeMetadata: true })).toEqual({ __name__: 'g', job: 'svc', otel_scope_name: 'lib' });
  });
});

/** The label `k` that a data-point attribute `k` with `value` becomes on gauge g (undefined when there is none). */
function rendered(value: Value, options: TranslationOptions = {}): string | undefined {
  return onlyLabels(svc(gauge('g', [point({ double: 1, attributes: [['k', value]] })])), options).k;
}

describe('R6 attribute values (pcommon.Value.AsString)', () => {
  it.each<[string, Value, string | undefined]>([
    ['int 42', 42, '42'],
    ['int -7', -7, '-7'],
    ['derived: int64 beyond 2^53 exact', 9007199254740993n, '9007199254740993'],
    ['derived: int64 min', -9223372036854775808n, '-9223372036854775808'],
    ['double 1.0', { double: 1 }, '1'],
    ['double 1.5', 1.5, '1.5'],
    ['double 100.0', { double: 100 }, '100'],
    ['double 1e20', { double: 1e20 }, '100000000000000000000'],
    ['double 1e21', { double: 1e21 }, '1e+21'],
    ['double 1e-6', 1e-6, '0.000001'],
    ['double 1e-7', 1e-7, '1e-7'],
    ['double 1.5e-10', 1.5e-10, '1.5e-10'],
    ['double 0.1+0.2', 0.1 + 0.2, '0.30000000000000004'],
    ['double -0.0', { double: -0 }, '-0'],
    ['double 0.0', { double: 0 }, '0'],
    ['double NaN', { double: Number.NaN }, 'NaN'],
    ['double +Inf', { double: Number.POSITIVE_INFINITY }, 'Infinity'],
    ['double -Inf', { double: Number.NEGATIVE_INFINITY }, '-Infinity'],
    ['bool true', true, 'true'],
    ['derived: bool false', false, 'false'],
    ['bytes 01 02 FF', Uint8Array.from([1, 2, 0xff]), 'AQL/'],
    ['derived: bytes base64 with padding', Uint8Array.from([0xfb, 0xff]), '+/8='],
    ['bytes (empty)', new Uint8Array(0), undefined],
    ['empty value', { empty: true }, undefined],
    ['string (raw, unchanged)', 'a "b"\n\\', 'a "b"\n\\'],
    ['array ["a", 1, true, (empty), 1.5]', ['a', 1, true, { empty: true }, 1.5], '["a",1,true,null,1.5]'],
    ['kvlist {b: 1, a: "x<y&z"}', { kvlist: [['b', 1], ['a', 'x<y&z']] }, '{"a":"x<y&z","b":1}'],
    ['kvlist {k: bytes "hi"}', { kvlist: [['k', Uint8Array.from(Buffer.from('hi'))]] }, '{"k":"aGk="}'],
    ['array [ kvlist{a: []} ]', [{ kvlist: [['a', []]] }], '[{"a":[]}]'],
    ['array []', [], '[]'],
    ['kvlist {}', { kvlist: [] }, '{}'],
    ['array [double NaN]', [{ double: Number.NaN }], undefined],
    ['derived: kvlist {a: [double +Inf]}', { kvlist: [['a', [{ double: Number.POSITIVE_INFINITY }]]] }, undefined],
    ['kvlist {q: "say \\"hi\\"\\n"}', { kvlist: [['q', 'say "hi"\n']] }, '{"q":"say \\"hi\\"\\n"}'],
    ['derived: duplicate kvlist keys, the last one wins', { kvlist: [['a', 1], ['a', 2]] }, '{"a":2}'],
    ['derived: nested doubles formatted like the double row', [{ double: 1e21 }, 1e-7, { double: -0 }, { double: 100 }, 0.5], '[1e+21,1e-7,-0,100,0.5]'],
    ['derived: nested int64 beyond 2^53', [9007199254740993n], '[9007199254740993]'],
    [
      'derived: JSON escaping: \\r \\t \\b \\f, other control chars \\u00XX, U+2028/9, no HTML or DEL escaping',
      ['\r\t\b\f\u0001\u001f\u2028\u2029<>&\u007f'],
      '["\\r\\t\\b\\f\\u0001\\u001f\\u2028\\u2029<>&\u007f"]',
    ],
    ['derived: map keys sorted byte-wise (B < _ < a)', { kvlist: [['a', 1], ['_', 2], ['B', 3]] }, '{"B":3,"_":2,"a":1}'],
    ['derived: nested empty string is kept in JSON', [''], '[""]'],
    ['derived: nested bool and nested map in array', [false, { kvlist: [['x', { empty: true }]] }], '[false,{"x":null}]'],
  ])('%s', (_source, value, expected) => {
    expect(rendered(value)).toBe(expected);
  });
});

describe('R19 data-point attributes (createAttributes)', () => {
  const labelsOf = (attributes: Array<[string, Value]> | Record<string, Value>, options: TranslationOptions = {}) =>
    onlyLabels(svc(gauge('g', [point({ double: 1, attributes })])), options);

  it('"Attributes colliding after sanitization are concatenated ...": {a.b=1, a_b=2} -> a_b="1;2"', () => {
    expect(labelsOf({ 'a.b': 1, a_b: 2 })).toEqual({ __name__: 'g', a_b: '1;2', job: 'svc' });
  });

  it('"Three colliding attributes ...": {a-b=1, a.b=2, a_b=3} -> a_b="1;2;3" (joined in raw-key byte order)', () => {
    expect(labelsOf([['a_b', 3], ['a.b', 2], ['a-b', 1]])).toEqual({ __name__: 'g', a_b: '1;2;3', job: 'svc' });
  });

  it('"Multiple independent collision groups ...": a_b="1;2", c_d="3;4"', () => {
    expect(labelsOf({ 'c.d': 3, c_d: 4, 'a.b': 1, a_b: 2 })).toEqual({ __name__: 'g', a_b: '1;2', c_d: '3;4', job: 'svc' });
  });

  it('{a.b="", a_b="x"} -> a_b="x"; {a.b="x", a_b=""} -> a_b="x;"', () => {
    expect(labelsOf({ 'a.b': '', a_b: 'x' })).toEqual({ __name__: 'g', a_b: 'x', job: 'svc' });
    expect(labelsOf({ 'a.b': 'x', a_b: '' })).toEqual({ __name__: 'g', a_b: 'x;', job: 'svc' });
  });

  it('P=false: {a__b="1", a_b="2"} -> a_b="1;2"; default P=true -> a__b="1", a_b="2"', () => {
    expect(labelsOf({ a__b: '1', a_b: '2' }, { labelNamePreserveMultipleUnderscores: false })).toEqual({ __name__: 'g', a_b: '1;2', job: 'svc' });
    expect(labelsOf({ a__b: '1', a_b: '2' })).toEqual({ __name__: 'g', a__b: '1', a_b: '2', job: 'svc' });
  });

  it('"__name__ attribute in OTLP data is filtered"', () => {
    expect(labelsOf({ __name__: 'wrong_metric_name', x: 'y' })).toEqual({ __name__: 'g', job: 'svc', x: 'y' });
    expect(labelsOf({ __name__: 'wrong_metric_name' }, { translationStrategy: 'NoTranslation' })).toEqual({ __name__: 'g', job: 'svc' });
  });

  it('derived: other reserved-looking keys are kept (__type__, __foo__)', () => {
    expect(labelsOf({ __type__: 't', __foo__: 'f' })).toEqual({ __foo__: 'f', __name__: 'g', __type__: 't', job: 'svc' });
  });

  it('TestFromMetrics / "no collision warning when UTF-8 is allowed": {a.b="x", a_b="y"} -> both labels', () => {
    expect(labelsOf({ 'a.b': 'x', a_b: 'y' }, { translationStrategy: 'NoUTF8EscapingWithSuffixes' })).toEqual({
      __name__: 'g',
      'a.b': 'x',
      a_b: 'y',
      job: 'svc',
    });
  });

  it('derived: UTF-8 strategy drops empty values', () => {
    expect(labelsOf({ 'a.b': '', c: 'x' }, { translationStrategy: 'NoUTF8EscapingWithSuffixes' })).toEqual({ __name__: 'g', c: 'x', job: 'svc' });
  });
});

describe('R20 collision warnings never change the output', () => {
  it('TestFromMetrics / "attribute collision is surfaced as a warning": the output is the joined label', () => {
    // We expose no warnings; the vector checks only that a collision is not an error.
    const otlp = svc(gauge('g', [point({ double: 1, attributes: { 'a.b': '1', a_b: '2' } }), point({ double: 2, time: 1_700_000_001_000_000_000n, attributes: { 'a.b': '1', a_b: '2' } })]));
    expect(lines(otlp)).toEqual([`{__name__="g", a_b="1;2", job="svc"} ${T} 1 st=0`, `{__name__="g", a_b="1;2", job="svc"} @1700000001000 2 st=0`]);
  });

  it('TestFromMetrics / "resource attribute collision is surfaced as a warning": target_info k8s_pod_name="foo;bar"', () => {
    const otlp = request(resourceWith({ ...SVC, 'k8s.pod.name': 'foo', k8s_pod_name: 'bar' }, gauge('g', [point({ double: 1 })])));
    expect(lines(otlp)).toEqual([`{__name__="g", job="svc"} ${T} 1 st=0`, `{__name__="target_info", job="svc", k8s_pod_name="foo;bar"} ${T} 1 st=0`]);
  });
});

describe('R21 merge order', () => {
  const testResource = {
    'service.name': 'service name',
    'service.instance.id': 'service ID',
    'existent-attr': 'resource value',
    'metric-attr': 'resource value',
    job: 'resource value',
    instance: 'resource value',
  };
  const testScope = { name: 'test-scope', version: '1.0.0', schemaUrl: 'https://schema.com', attributes: { attr1: 'value1', attr2: 'value2' } };
  const testPoint = () => point({ double: 1, attributes: { 'metric-attr': 'metric value', 'metric-attr-other': 'metric value other' } });

  it('createAttributes "Successful conversion with resource attribute promotion and with scope promotion, conflicting resource attributes are ignored"', () => {
    const otlp = request(resource(testResource, [{ ...testScope, metrics: [gauge('test_metric', [testPoint()])] }]));
    const result = translate(otlp, {
      promoteResourceAttributes: ['non-existent-attr', 'existent-attr', 'metric-attr', 'job', 'instance'],
      promoteScopeMetadata: true,
    });
    expect(Object.fromEntries(result.series[0].labels)).toEqual({
      __name__: 'test_metric',
      existent_attr: 'resource value',
      instance: 'service ID',
      job: 'service name',
      metric_attr: 'metric value',
      metric_attr_other: 'metric value other',
      otel_scope_attr1: 'value1',
      otel_scope_attr2: 'value2',
      otel_scope_name: 'test-scope',
      otel_scope_schema_url: 'https://schema.com',
      otel_scope_version: '1.0.0',
    });
  });

  it('derived (R59): external labels only where absent; job/instance win over them, data points too', () => {
    const otlp = svc(gauge('g', [point({ double: 1, attributes: { region: 'dp' } })]), gauge('h', [point({ double: 1 })]));
    expect(lines(otlp, { externalLabels: { job: 'ext', region: 'eu', cluster: 'c1' } })).toEqual([
      `{__name__="g", cluster="c1", job="svc", region="dp"} ${T} 1 st=0`,
      `{__name__="h", cluster="c1", job="svc", region="eu"} ${T} 1 st=0`,
    ]);
  });

  it('derived: scope labels overwrite promoted resource labels and data-point labels', () => {
    const otlp = request(
      resource({ ...SVC, otel_scope_name: 'res' }, [{ name: 'lib', metrics: [gauge('g', [point({ double: 1, attributes: { otel_scope_attr1: 'dp' } })])], attributes: { attr1: 's' } }]),
    );
    // series[0]: the resource also has a target_info (otel_scope_name is a non-identifying attribute).
    expect(Object.fromEntries(translate(otlp, { promoteScopeMetadata: true, promoteResourceAttributes: ['otel_scope_name'] }).series[0].labels)).toEqual({
      __name__: 'g',
      job: 'svc',
      otel_scope_attr1: 's',
      otel_scope_name: 'lib',
    });
  });
});

describe('R22 attributes that collide with generated names', () => {
  it('histogram h with attr le="x": kept on _sum/_count, replaced on _bucket', () => {
    const otlp = svc(histogram('h', [histogramPoint({ count: 2, sum: 3, bounds: [1], counts: [1, 1], attributes: { le: 'x' } })]));
    expect(lines(otlp)).toEqual([
      `{__name__="h_sum", job="svc", le="x"} ${T} 3 st=0`,
      `{__name__="h_count", job="svc", le="x"} ${T} 2 st=0`,
      `{__name__="h_bucket", job="svc", le="1"} ${T} 1 st=0`,
      `{__name__="h_bucket", job="svc", le="+Inf"} ${T} 2 st=0`,
    ]);
  });

  it('derived: summary with attr quantile="x": kept on _sum/_count, replaced on the quantile series', () => {
    const otlp = svc(summary('s', [summaryPoint({ count: 2, sum: 3, quantiles: [[0.5, 1]], attributes: { quantile: 'x' } })]));
    expect(lines(otlp)).toEqual([
      `{__name__="s_sum", job="svc", quantile="x"} ${T} 3 st=0`,
      `{__name__="s_count", job="svc", quantile="x"} ${T} 2 st=0`,
      `{__name__="s", job="svc", quantile="0.5"} ${T} 1 st=0`,
    ]);
  });

  it('resource {host.name="h"} only: gauge g with attr job="dp" -> {__name__="g", job="dp"}', () => {
    expect(lines(request(resourceWith({ 'host.name': 'h' }, gauge('g', [point({ double: 1, attributes: { job: 'dp' } })]))))).toEqual([
      `{__name__="g", job="dp"} ${T} 1 st=0`,
    ]);
  });

  it('derived: job/instance attributes are overwritten when the resource gives them', () => {
    const otlp = request(resourceWith({ ...SVC, 'service.instance.id': 'i-1' }, gauge('g', [point({ double: 1, attributes: { job: 'dp', instance: 'dp' } })])));
    expect(onlyLabels(otlp)).toEqual({ __name__: 'g', instance: 'i-1', job: 'svc' });
  });

  it('derived: otel_scope_name attribute is kept without scope promotion, overwritten with it', () => {
    const otlp = request(resource(SVC, [{ name: 'lib', metrics: [gauge('g', [point({ double: 1, attributes: { otel_scope_name: 'dp' } })])] }]));
    expect(onlyLabels(otlp)).toEqual({ __name__: 'g', job: 'svc', otel_scope_name: 'dp' });
    expect(onlyLabels(otlp, { promoteScopeMetadata: true })).toEqual({ __name__: 'g', job: 'svc', otel_scope_name: 'lib' });
  });

  it('helper_test.go "__type__ and __unit__ attributes are overwritten by metadata" (type-and-unit-labels on)', () => {
    const otlp = svc(gauge('mem', [point({ double: 1, attributes: { __type__: 'wrong', __unit__: 'wrong' } })], { unit: 'By' }));
    expect(onlyLabels(otlp, { typeAndUnitLabels: true })).toEqual({ __name__: 'mem_bytes', __type__: 'gauge', __unit__: 'bytes', job: 'svc' });
  });

  it('derived: __type__/__unit__ attributes are kept when the feature is off, or the unit is empty', () => {
    const attributes = { __type__: 'wrong', __unit__: 'wrong' };
    expect(onlyLabels(svc(gauge('mem', [point({ double: 1, attributes })], { unit: 'By' })))).toEqual({
      __name__: 'mem_bytes',
      __type__: 'wrong',
      __unit__: 'wrong',
      job: 'svc',
    });
    expect(onlyLabels(svc(gauge('mem', [point({ double: 1, attributes })])), { typeAndUnitLabels: true })).toEqual({
      __name__: 'mem',
      __type__: 'gauge',
      __unit__: 'wrong',
      job: 'svc',
    });
  });
});
