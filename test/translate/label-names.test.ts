// Label names: docs/translation-rules.md R16-R18 (otlptranslator v1.0.0 LabelNamer; Prometheus
// helper.go createAttributes). Sources: label_namer_test.go TestBuildLabel, TestBuildLabel_Underscores,
// TestBuildLabel_UTF8Allowed, TestBuildLabel_Errors; helper_test.go TestPrometheusConverter_createAttributes.
import { describe, expect, it } from 'vitest';
import type { TranslationOptions } from '../../src/translate/options.js';
import { dropSummary, lines, onlyLabels, translate } from './golden.js';
import { SVC, T0_MS, gauge, point, request, resourceWith, svc } from './otlp-builders.js';

const DEFAULT: TranslationOptions = {};
const COLLAPSE: TranslationOptions = { labelNamePreserveMultipleUnderscores: false };
const BOTH_OFF: TranslationOptions = { labelNamePreserveMultipleUnderscores: false, labelNameUnderscoreSanitization: false };
const PRESERVE_NO_KEY: TranslationOptions = { labelNameUnderscoreSanitization: false };
const UTF8: TranslationOptions = { translationStrategy: 'NoUTF8EscapingWithSuffixes' };

/** The label name a data-point attribute `key` becomes on gauge g, or 'error' when the metric is dropped. */
function labelNameOf(key: string, options: TranslationOptions): string {
  const result = translate(svc(gauge('g', [point({ double: 1, attributes: { [key]: 'v' } })])), options);
  if (result.lines.length === 0) {
    // Prometheus fails the data point (and the request); we drop the metric and count it (difference 2).
    expect(dropSummary(result)).toEqual({ metrics: 1, points: { invalid_label_name: 1 }, reasons: ['invalid_label_name g'] });
    return 'error';
  }
  const names = result.series[0].labels.filter(([name, value]) => value === 'v').map(([name]) => name);
  expect(names).toHaveLength(1);
  return names[0];
}

describe('R16 LabelNamer.Build under the escaping strategies', () => {
  // key -> default (P=true,U=true) | P=false,U=true | P=false,U=false
  it.each([
    ['label:with:colons', 'label_with_colons', 'label_with_colons', 'label_with_colons'],
    ['label!with&special$chars)', 'label_with_special_chars_', 'label_with_special_chars_', 'label_with_special_chars_'],
    ['label_with_foreign_characters_字符', 'label_with_foreign_characters___', 'label_with_foreign_characters_', 'label_with_foreign_characters_'],
    ['123label', 'key_123label', 'key_123label', 'key_123label'],
    ['_label_starting_with_underscore', 'key_label_starting_with_underscore', 'key_label_starting_with_underscore', '_label_starting_with_underscore'],
    ['__label_starting_with_2underscores', '__label_starting_with_2underscores', 'key_label_starting_with_2underscores', '_label_starting_with_2underscores'],
    ['label__with__double__underscores', 'label__with__double__underscores', 'label_with_double_underscores', 'label_with_double_underscores'],
    ['__reserved__label__name__', '__reserved__label__name__', '__reserved_label_name__', '__reserved_label_name__'],
    ['trailing_underscores___', 'trailing_underscores___', 'trailing_underscores_', 'trailing_underscores_'],
    ['.', 'key_', 'key_', 'error'],
    ['..', 'error', 'key_', 'error'],
    ['__', 'error', 'key_', 'error'],
    ['ようこそ', 'error', 'key_', 'error'],
    ['', 'error', 'error', 'error'],
  ])('TestBuildLabel / TestBuildLabel_Underscores / TestBuildLabel_Errors: %j -> %j | %j | %j', (key, byDefault, collapse, bothOff) => {
    expect(labelNameOf(key, DEFAULT)).toBe(byDefault);
    expect(labelNameOf(key, COLLAPSE)).toBe(collapse);
    expect(labelNameOf(key, BOTH_OFF)).toBe(bothOff);
  });

  it.each([
    ['_label_starting_with_underscore', '_label_starting_with_underscore'],
    ['label__with__double__underscores', 'label__with__double__underscores'],
    ['.', 'error'],
    ['123label', 'key_123label'],
  ])('derived: P=true, U=false: %j -> %j', (key, expected) => {
    expect(labelNameOf(key, PRESERVE_NO_KEY)).toBe(expected);
  });

  it('createAttributes "Underscore sanitization enabled - prepends key_ ...": _private, _metric_private, metric___multi', () => {
    expect(onlyLabels(svc(gauge('g', [point({ double: 1, attributes: { _private: 'a', _metric_private: 'b', metric___multi: 'c' } })])))).toEqual({
      __name__: 'g',
      job: 'svc',
      key_private: 'a',
      key_metric_private: 'b',
      metric___multi: 'c',
    });
  });

  it('createAttributes "Underscore sanitization disabled ...": _private stays _private', () => {
    expect(onlyLabels(svc(gauge('g', [point({ double: 1, attributes: { _private: 'a' } })])), { labelNameUnderscoreSanitization: false })).toEqual({
      __name__: 'g',
      _private: 'a',
      job: 'svc',
    });
  });

  it('createAttributes "Multiple underscores collapsed ...": label___multi -> label_multi', () => {
    expect(onlyLabels(svc(gauge('g', [point({ double: 1, attributes: { label___multi: 'a' } })])), COLLAPSE)).toEqual({
      __name__: 'g',
      job: 'svc',
      label_multi: 'a',
    });
  });

  it.each([DEFAULT, COLLAPSE, BOTH_OFF, PRESERVE_NO_KEY])('createAttributes "Reserved labels (starting with __) are never modified": __reserved__ (%j)', (options) => {
    expect(labelNameOf('__reserved__', options)).toBe('__reserved__');
  });
});

describe('R17 LabelNamer.Build under the UTF-8 strategies (promoted resource and scope attributes)', () => {
  it.each(['http.method', '123', 'ようこそ', '_x', 'a__b'])('TestBuildLabel_UTF8Allowed: promoted %j is kept as is', (key) => {
    const otlp = request(resourceWith({ ...SVC, [key]: 'v' }, gauge('g', [point({ double: 1 })])));
    const labels = Object.fromEntries(translate(otlp, { ...UTF8, promoteResourceAttributes: [key] }).series[0].labels);
    expect(labels).toEqual({ __name__: 'g', job: 'svc', [key]: 'v' });
  });

  it('TestBuildLabel_UTF8Allowed: scope attribute a.b -> otel_scope_a.b', () => {
    const otlp = request({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
      scopeMetrics: [{ scope: { name: 'lib', attributes: [{ key: 'a.b', value: { stringValue: 'v' } }] }, metrics: [gauge('g', [point({ double: 1 })])] }],
    });
    expect(onlyLabels(otlp, { ...UTF8, promoteScopeMetadata: true })).toEqual({ __name__: 'g', job: 'svc', 'otel_scope_a.b': 'v', otel_scope_name: 'lib' });
  });

  it('TestBuildLabel_Errors: promoted "__" -> label name "__" contains only underscores; the whole resource is skipped', () => {
    // R18 vector. Prometheus fails the request; we drop every metric of the resource (and its target_info).
    const otlp = request(
      resourceWith({ ...SVC, __: 'x', 'host.name': 'h' }, gauge('g', [point({ double: 1 })])),
      resourceWith({ 'service.name': 'other' }, gauge('g', [point({ double: 2 })])),
    );
    const result = translate(otlp, { ...UTF8, promoteResourceAttributes: ['__'] });
    expect(result.lines).toEqual([`{__name__="g", job="other"} @${T0_MS} 2 st=0`]);
    expect(dropSummary(result)).toEqual({ metrics: 1, points: { invalid_label_name: 1 }, reasons: ['invalid_label_name g'] });
  });
});

describe('R18 where the label namer is applied', () => {
  it('NoUTF8EscapingWithSuffixes: data-point attributes are used raw: {"http.method"="GET", "__"="x"}', () => {
    expect(lines(svc(gauge('g', [point({ double: 1, attributes: { 'http.method': 'GET', __: 'x' } })])), UTF8)).toEqual([
      `{__="x", __name__="g", http.method="GET", job="svc"} @${T0_MS} 1 st=0`,
    ]);
  });

  it('derived: NoTranslation: data-point attributes raw too', () => {
    expect(lines(svc(gauge('g', [point({ double: 1, attributes: { 'a.b': '1', '1x': '2' } })])), { translationStrategy: 'NoTranslation' })).toEqual([
      `{1x="2", __name__="g", a.b="1", job="svc"} @${T0_MS} 1 st=0`,
    ]);
  });

  it('derived: UTF-8 strategy, an empty attribute key: OUR behaviour, the metric is dropped', () => {
    // Intentional difference (3): Prometheus would store a label with an empty name; RW2 forbids it.
    const result = translate(svc(gauge('g', [point({ double: 1, attributes: { '': 'x' } })]), gauge('ok', [point({ double: 1 })])), UTF8);
    expect(result.lines).toEqual([`{__name__="ok", job="svc"} @${T0_MS} 1 st=0`]);
    expect(dropSummary(result)).toEqual({ metrics: 1, points: { invalid_label_name: 1 }, reasons: ['invalid_label_name g'] });
  });

  it('derived: resource attributes on target_info: escaped (default) or raw (UTF-8)', () => {
    const otlp = request(resourceWith({ ...SVC, 'host.name': 'h' }, gauge('g', [point({ double: 1 })])));
    expect(lines(otlp)).toEqual([`{__name__="g", job="svc"} @${T0_MS} 1 st=0`, `{__name__="target_info", host_name="h", job="svc"} @${T0_MS} 1 st=0`]);
    expect(lines(otlp, UTF8)).toEqual([`{__name__="g", job="svc"} @${T0_MS} 1 st=0`, `{__name__="target_info", host.name="h", job="svc"} @${T0_MS} 1 st=0`]);
  });

  it('derived: promoted resource attributes go through R16 under escaping', () => {
    const otlp = request(resourceWith({ ...SVC, 'k8s.pod.name': 'p' }, gauge('g', [point({ double: 1 })])));
    expect(lines(otlp, { promoteResourceAttributes: ['k8s.pod.name'] })[0]).toBe(`{__name__="g", job="svc", k8s_pod_name="p"} @${T0_MS} 1 st=0`);
  });
});
