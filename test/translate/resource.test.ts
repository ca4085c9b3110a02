// Resource attributes, job/instance, promotion and target_info: docs/translation-rules.md R23-R30
// (Prometheus metrics_to_prw.go setResourceContext/addPromotedAttributes, helper.go addResourceTargetInfo).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dropSummary, lines, metadataOf, onlyLabels, translate } from './golden.js';
import { DELTA, SVC, T0, T0_MS, type Attributes, gauge, point, request, resource, resourceWith, sum, svc } from './otlp-builders.js';

const T = `@${T0_MS}`;
const g = (attributes: Attributes, ...points: object[]) => request(resourceWith(attributes, gauge('g', points.length > 0 ? points : [point({ double: 1 })])));
const seriesLabels = (otlp: object, options = {}) => translate(otlp, options).series.map((s) => Object.fromEntries(s.labels));

describe('R23 job and instance', () => {
  it.each<[string, Attributes, Record<string, string>]>([
    ['service.name=api, service.namespace=shop, service.instance.id=i-1', { 'service.name': 'api', 'service.namespace': 'shop', 'service.instance.id': 'i-1' }, { job: 'shop/api', instance: 'i-1' }],
    ['service.name=api, service.namespace=""', { 'service.name': 'api', 'service.namespace': '' }, { job: '/api' }],
    ['service.name="", service.namespace=shop', { 'service.name': '', 'service.namespace': 'shop' }, { job: 'shop/' }],
    ['service.namespace=shop', { 'service.namespace': 'shop' }, {}],
    ['service.name=int 5', { 'service.name': 5 }, { job: '5' }],
    ['derived: service.instance.id only', { 'service.instance.id': 'i-1' }, { instance: 'i-1' }],
    ['derived: service.name=bool', { 'service.name': true }, { job: 'true' }],
  ])('resource %s', (_title, attributes, expected) => {
    // Only identifying attributes: no target_info (R27), so this is the only series.
    expect(onlyLabels(g(attributes))).toEqual({ __name__: 'g', ...expected });
  });

  it('service.name="" and data point attr job=x -> job="x"', () => {
    expect(onlyLabels(g({ 'service.name': '' }, point({ double: 1, attributes: { job: 'x' } })))).toEqual({ __name__: 'g', job: 'x' });
  });

  it('derived: an empty instance does not delete a data-point instance', () => {
    expect(onlyLabels(g({ ...SVC, 'service.instance.id': '' }, point({ double: 1, attributes: { instance: 'x' } })))).toEqual({
      __name__: 'g',
      instance: 'x',
      job: 'svc',
    });
  });

  it('TestFromMetrics / "Successful": job="test-namespace/test-service", instance="id1234" on data series and target_info', () => {
    const otlp = g({ 'resource-name-1': 'value-1', 'service.name': 'test-service', 'service.namespace': 'test-namespace', 'service.instance.id': 'id1234' });
    expect(lines(otlp)).toEqual([
      `{__name__="g", instance="id1234", job="test-namespace/test-service"} ${T} 1 st=0`,
      `{__name__="target_info", instance="id1234", job="test-namespace/test-service", resource_name_1="value-1"} ${T} 1 st=0`,
    ]);
  });

  it('derived: with duplicate service.name keys the first one is used (R60)', () => {
    expect(onlyLabels(g([['service.name', 'first'], ['service.name', 'second']]))).toEqual({ __name__: 'g', job: 'first' });
  });
});

describe('R24 promotion options', () => {
  const testResource = {
    'service.name': 'service name',
    'service.instance.id': 'service ID',
    'existent-attr': 'resource value',
    'metric-attr': 'resource value',
    job: 'resource value',
    instance: 'resource value',
  };
  const testRequest = () =>
    request(
      resource(testResource, [
        {
          name: 'test-scope',
          version: '1.0.0',
          schemaUrl: 'https://schema.com',
          attributes: { attr1: 'value1', attr2: 'value2' },
          metrics: [gauge('test_metric', [point({ double: 1, attributes: { 'metric-attr': 'metric value', 'metric-attr-other': 'metric value other' } })])],
        },
      ]),
    );
  const scopeLabels = {
    otel_scope_attr1: 'value1',
    otel_scope_attr2: 'value2',
    otel_scope_name: 'test-scope',
    otel_scope_schema_url: 'https://schema.com',
    otel_scope_version: '1.0.0',
  };

  it('createAttributes "Successful conversion promoting all resource attributes and with scope promotion"', () => {
    expect(seriesLabels(testRequest(), { promoteAllResourceAttributes: true, promoteScopeMetadata: true })[0]).toEqual({
      __name__: 'test_metric',
      existent_attr: 'resource value',
      instance: 'service ID',
      job: 'service name',
      metric_attr: 'metric value',
      metric_attr_other: 'metric value other',
      service_instance_id: 'service ID',
      service_name: 'service name',
      ...scopeLabels,
    });
  });

  it('createAttributes "... promoting all resource attributes ... ignoring \'service.instance.id\'"', () => {
    expect(
      seriesLabels(testRequest(), { promoteAllResourceAttributes: true, ignoreResourceAttributes: ['service.instance.id'], promoteScopeMetadata: true })[0],
    ).toEqual({
      __name__: 'test_metric',
      existent_attr: 'resource value',
      instance: 'service ID',
      job: 'service name',
      metric_attr: 'metric value',
      metric_attr_other: 'metric value other',
      service_name: 'service name',
      ...scopeLabels,
    });
  });

  it('createAttributes "... attributes are only promoted once": [existent-attr, existent-attr]', () => {
    expect(seriesLabels(testRequest(), { promoteResourceAttributes: ['existent-attr', 'existent-attr'] })[0]).toEqual({
      __name__: 'test_metric',
      existent_attr: 'resource value',
      instance: 'service ID',
      job: 'service name',
      metric_attr: 'metric value',
      metric_attr_other: 'metric value other',
    });
  });

  it('promoted [k8s.pod.name, k8s_pod_name] in OTLP order foo, bar -> series "bar", target_info "foo;bar"', () => {
    const otlp = g([...Object.entries(SVC), ['k8s.pod.name', 'foo'], ['k8s_pod_name', 'bar']]);
    expect(lines(otlp, { promoteResourceAttributes: ['k8s.pod.name', 'k8s_pod_name'] })).toEqual([
      `{__name__="g", job="svc", k8s_pod_name="bar"} ${T} 1 st=0`,
      `{__name__="target_info", job="svc", k8s_pod_name="foo;bar"} ${T} 1 st=0`,
    ]);
  });

  it('promoted [k8s.pod.name, k8s_pod_name] in OTLP order bar, foo -> series "foo", target_info "foo;bar"', () => {
    const otlp = g([...Object.entries(SVC), ['k8s_pod_name', 'bar'], ['k8s.pod.name', 'foo']]);
    expect(lines(otlp, { promoteResourceAttributes: ['k8s.pod.name', 'k8s_pod_name'] })).toEqual([
      `{__name__="g", job="svc", k8s_pod_name="foo"} ${T} 1 st=0`,
      `{__name__="target_info", job="svc", k8s_pod_name="foo;bar"} ${T} 1 st=0`,
    ]);
  });

  it('derived: a later empty promoted value deletes an earlier one', () => {
    const otlp = g([...Object.entries(SVC), ['k8s.pod.name', 'foo'], ['k8s_pod_name', '']]);
    expect(seriesLabels(otlp, { promoteResourceAttributes: ['k8s.pod.name', 'k8s_pod_name'] })[0]).toEqual({ __name__: 'g', job: 'svc' });
  });

  it('derived: the data point wins over a promoted attribute', () => {
    const otlp = g({ ...SVC, region: 'res' }, point({ double: 1, attributes: { region: 'dp' } }));
    expect(seriesLabels(otlp, { promoteResourceAttributes: ['region'] })[0]).toEqual({ __name__: 'g', job: 'svc', region: 'dp' });
  });
});

describe('R25 keep_identifying_resource_attributes', () => {
  const successful = { 'resource-name-1': 'value-1', 'service.name': 'test-service', 'service.namespace': 'test-namespace', 'service.instance.id': 'id1234' };

  it('TestFromMetrics / "Successful" / "Keep identifying attributes": target_info keeps service_*; data series unaffected', () => {
    expect(lines(g(successful), { keepIdentifyingResourceAttributes: true })).toEqual([
      `{__name__="g", instance="id1234", job="test-namespace/test-service"} ${T} 1 st=0`,
      `{__name__="target_info", instance="id1234", job="test-namespace/test-service", resource_name_1="value-1", service_instance_id="id1234", service_name="test-service", service_namespace="test-namespace"} ${T} 1 st=0`,
    ]);
  });

  it('TestFromMetrics / "target_info should include promoted attributes when KeepIdentifyingResourceAttributes is enabled"', () => {
    expect(lines(g(successful), { keepIdentifyingResourceAttributes: true, promoteResourceAttributes: ['resource-name-1'] })).toEqual([
      `{__name__="g", instance="id1234", job="test-namespace/test-service", resource_name_1="value-1"} ${T} 1 st=0`,
      `{__name__="target_info", instance="id1234", job="test-namespace/test-service", resource_name_1="value-1", service_instance_id="id1234", service_name="test-service", service_namespace="test-namespace"} ${T} 1 st=0`,
    ]);
  });

  it('derived: only identifying attributes -> still no target_info (R27.2 counts non-identifying ones)', () => {
    expect(lines(g({ 'service.name': 'api', 'service.instance.id': 'i-1' }), { keepIdentifyingResourceAttributes: true })).toEqual([
      `{__name__="g", instance="i-1", job="api"} ${T} 1 st=0`,
    ]);
  });
});

describe('R26 resource-level label errors', () => {
  it('derived: an invalid promoted attribute name (default strategy, "..") skips the whole resource incl. target_info', () => {
    // Prometheus fails the request; we drop every metric of that resource and count them.
    const otlp = request(
      resourceWith({ ...SVC, '..': 'x', 'host.name': 'h' }, gauge('g', [point({ double: 1 })]), gauge('h', [point({ double: 1 }), point({ double: 2, time: T0 + 1_000_000n })])),
      resourceWith({ 'service.name': 'other' }, gauge('g', [point({ double: 3 })])),
    );
    const result = translate(otlp, { promoteResourceAttributes: ['..'] });
    expect(result.lines).toEqual([`{__name__="g", job="other"} ${T} 3 st=0`]);
    expect(dropSummary(result)).toEqual({ metrics: 2, points: { invalid_label_name: 3 }, reasons: ['invalid_label_name g', 'invalid_label_name h'] });
  });
});

describe('R27 when target_info is made', () => {
  it('resource {service.name=api, service.instance.id=i-1} only -> no target_info', () => {
    expect(lines(g({ 'service.name': 'api', 'service.instance.id': 'i-1' }))).toEqual([`{__name__="g", instance="i-1", job="api"} ${T} 1 st=0`]);
  });

  it('resource {host.name=h} (no service.*) -> no target_info, data series have no job/instance', () => {
    expect(lines(g({ 'host.name': 'h' }))).toEqual([`{__name__="g"} ${T} 1 st=0`]);
  });

  it('resource {instance=x, host.name=h} -> target_info{host_name="h", instance="x"}; data series have no instance', () => {
    expect(lines(g({ instance: 'x', 'host.name': 'h' }))).toEqual([
      `{__name__="g"} ${T} 1 st=0`,
      `{__name__="target_info", host_name="h", instance="x"} ${T} 1 st=0`,
    ]);
  });

  it('derived: resource {job=x, host.name=h} -> target_info{host_name="h", job="x"}', () => {
    expect(lines(g({ job: 'x', 'host.name': 'h' }))).toEqual([`{__name__="g"} ${T} 1 st=0`, `{__name__="target_info", host_name="h", job="x"} ${T} 1 st=0`]);
  });

  it('TestFromMetrics / "successful/convertHistogramsToNHCB=false": 10 generic attributes, no service.* -> no target_info', () => {
    const attributes = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`resource-name-${i + 1}`, `value-${i + 1}`]));
    expect(translate(g(attributes)).series.map((s) => s.labels.find(([n]) => n === '__name__')?.[1])).toEqual(['g']);
  });

  it('derived: a metric with 0 points does not count', () => {
    const result = translate(request(resourceWith({ ...SVC, 'host.name': 'h' }, gauge('empty', []))));
    expect(result.lines).toEqual([]);
    expect(dropSummary(result).reasons).toEqual(['no_data_points empty']);
  });

  it('derived: a metric that fails (here a delta sum) still counts for target_info', () => {
    const result = translate(request(resourceWith({ ...SVC, 'host.name': 'h' }, sum('d', [point({ double: 1 })], { temporality: DELTA }))));
    expect(result.lines).toEqual([`{__name__="target_info", host_name="h", job="svc"} ${T} 1 st=0`]);
  });

  it('derived: an attribute whose value renders empty still counts', () => {
    expect(lines(g({ ...SVC, 'host.name': '' }))).toEqual([`{__name__="g", job="svc"} ${T} 1 st=0`, `{__name__="target_info", job="svc"} ${T} 1 st=0`]);
  });
});

describe('R28 target_info labels', () => {
  const fiveAttributes = {
    'resource-name-1': 'value-1',
    'resource-name-2': 'value-2',
    'resource-name-3': 'value-3',
    'resource-name-4': 'value-4',
    'resource-name-5': 'value-5',
    'service.name': 'test-service',
    'service.namespace': 'test-namespace',
    'service.instance.id': 'id1234',
  };

  it('TestFromMetrics / "target_info\'s samples starts at ...": labels and metadata', () => {
    const result = translate(g(fiveAttributes));
    expect(result.series[1].text).toBe(
      '{__name__="target_info", instance="id1234", job="test-namespace/test-service", resource_name_1="value-1", resource_name_2="value-2", resource_name_3="value-3", resource_name_4="value-4", resource_name_5="value-5"}',
    );
    expect(metadataOf(result, 'target_info')).toBe('GAUGE "Target metadata" ""');
  });

  it('TestFromMetrics / "target_info should not include scope labels when PromoteScopeMetadata is enabled"', () => {
    const otlp = request(resource({ ...SVC, 'host.name': 'h' }, [{ name: 'lib', version: '1', attributes: { a: 'b' }, metrics: [gauge('g', [point({ double: 1 })])] }]));
    expect(lines(otlp, { promoteScopeMetadata: true })).toEqual([
      `{__name__="g", job="svc", otel_scope_a="b", otel_scope_name="lib", otel_scope_version="1"} ${T} 1 st=0`,
      `{__name__="target_info", host_name="h", job="svc"} ${T} 1 st=0`,
    ]);
  });

  it('TestFromMetrics / "target_info should include promoted resource attributes"', () => {
    expect(lines(g({ ...SVC, 'host.name': 'h', region: 'eu' }), { promoteResourceAttributes: ['region'] })).toEqual([
      `{__name__="g", job="svc", region="eu"} ${T} 1 st=0`,
      `{__name__="target_info", host_name="h", job="svc", region="eu"} ${T} 1 st=0`,
    ]);
  });

  it('derived: no __type__/__unit__ on target_info; a raw __name__ resource attribute is overwritten', () => {
    const otlp = request(resourceWith({ ...SVC, __name__: 'x', 'host.name': 'h' }, gauge('g', [point({ double: 1 })], { unit: 's' })));
    expect(lines(otlp, { typeAndUnitLabels: true })).toEqual([
      `{__name__="g_seconds", __type__="gauge", __unit__="seconds", job="svc"} ${T} 1 st=0`,
      `{__name__="target_info", host_name="h", job="svc"} ${T} 1 st=0`,
    ]);
  });

  it('derived (R59): external labels on target_info only where absent', () => {
    expect(lines(g({ ...SVC, 'host.name': 'h' }), { externalLabels: { job: 'ext', region: 'eu' } })).toEqual([
      `{__name__="g", job="svc", region="eu"} ${T} 1 st=0`,
      `{__name__="target_info", host_name="h", job="svc", region="eu"} ${T} 1 st=0`,
    ]);
  });

  it('derived: UTF-8 strategies use raw resource keys on target_info', () => {
    expect(lines(g({ ...SVC, 'host.name': 'h' }), { translationStrategy: 'NoTranslation' })).toEqual([
      `{__name__="g", job="svc"} ${T} 1 st=0`,
      `{__name__="target_info", host.name="h", job="svc"} ${T} 1 st=0`,
    ]);
  });

  it('derived: a target_info label name error (resource key "..") drops only target_info', () => {
    const result = translate(g({ ...SVC, '..': 'x' }));
    expect(result.lines).toEqual([`{__name__="g", job="svc"} ${T} 1 st=0`]);
    expect(dropSummary(result).reasons).toEqual(['invalid_label_name target_info']);
  });
});

describe('R29 target_info samples', () => {
  const at = (ms: bigint) => point({ double: 1, time: ms * 1_000_000n });

  it('TestFromMetrics / "target_info\'s samples starts at ...": points at t0, t0+75s ... t0+375s -> t0, t0+150s, t0+300s, t0+375s', () => {
    const t0 = BigInt(T0_MS);
    const points = [0n, 75n, 150n, 225n, 300n, 375n].map((s) => at(t0 + s * 1000n));
    const result = translate(request(resourceWith({ ...SVC, 'host.name': 'h' }, gauge('g', points))));
    expect(result.series[1].lines).toEqual(
      [0, 150, 300, 375].map((s) => `{__name__="target_info", host_name="h", job="svc"} @${T0_MS + s * 1000} 1 st=0`),
    );
  });

  it('points at 0 and 1_000_000_000 ns -> @0 1, @1000 1', () => {
    const result = translate(request(resourceWith({ ...SVC, 'host.name': 'h' }, gauge('g', [point({ double: 1, time: 0n }), point({ double: 1, time: 1_000_000_000n })]))));
    expect(result.series[1].lines).toEqual([
      '{__name__="target_info", host_name="h", job="svc"} @0 1 st=0',
      '{__name__="target_info", host_name="h", job="svc"} @1000 1 st=0',
    ]);
  });

  it('all points at ts 0 -> a single @0 1', () => {
    const result = translate(request(resourceWith({ ...SVC, 'host.name': 'h' }, gauge('g', [point({ double: 1, time: 0n })]), gauge('h', [point({ double: 2, time: 0n })]))));
    expect(result.series[2].lines).toEqual(['{__name__="target_info", host_name="h", job="svc"} @0 1 st=0']);
  });

  it('a single point at T0 -> a single @1700000000000 1, start time 0 even when the point has one', () => {
    expect(lines(g({ ...SVC, 'host.name': 'h' }, point({ double: 1, start: T0 - 60_000_000_000n })))).toEqual([
      `{__name__="g", job="svc"} ${T} 1 st=${T0_MS - 60_000}`,
      `{__name__="target_info", host_name="h", job="svc"} ${T} 1 st=0`,
    ]);
  });

  it('derived: earliest/latest over all metrics of all scopes; ms() truncates ns', () => {
    const otlp = request(
      resource({ ...SVC, 'host.name': 'h' }, [
        { metrics: [gauge('a', [point({ double: 1, time: T0 + 200_000_999_999n })])] },
        { name: 's2', metrics: [gauge('b', [point({ double: 1, time: T0 + 999_999n })])] },
      ]),
    );
    expect(translate(otlp).series[2].lines).toEqual([
      `{__name__="target_info", host_name="h", job="svc"} @${T0_MS} 1 st=0`,
      `{__name__="target_info", host_name="h", job="svc"} @${T0_MS + 150_000} 1 st=0`,
      `{__name__="target_info", host_name="h", job="svc"} @${T0_MS + 200_000} 1 st=0`,
    ]);
  });

  it('derived: lookbackDeltaMs 60000 -> interval 30 s', () => {
    const result = translate(request(resourceWith({ ...SVC, 'host.name': 'h' }, gauge('g', [point({ double: 1 }), point({ double: 2, time: T0 + 70_000_000_000n })]))), {
      lookbackDeltaMs: 60_000,
    });
    expect(result.series[1].lines.map((l) => l.split(' ').at(-3))).toEqual([`@${T0_MS}`, `@${T0_MS + 30_000}`, `@${T0_MS + 60_000}`, `@${T0_MS + 70_000}`]);
  });

  it('derived: lookbackDeltaMs 1001 -> interval 500.5 ms, stepped in ns and truncated to whole ms', () => {
    const result = translate(request(resourceWith({ ...SVC, 'host.name': 'h' }, gauge('g', [point({ double: 1 }), point({ double: 2, time: T0 + 1_200_000_000n })]))), {
      lookbackDeltaMs: 1001,
    });
    expect(result.series[1].lines.map((l) => l.split(' ').at(-3))).toEqual([`@${T0_MS}`, `@${T0_MS + 500}`, `@${T0_MS + 1001}`, `@${T0_MS + 1200}`]);
  });

  it('"If the setting is 0, 5m is used": lookbackDeltaMs 0 -> interval 150 s (run in a child process: a 0 interval must not loop forever)', () => {
    const builderUrl = new URL('../../src/builder/builder.ts', import.meta.url).href;
    const otlp = request(resourceWith({ ...SVC, 'host.name': 'h' }, gauge('g', [point({ double: 1 }), point({ double: 2, time: T0 + 200_000_000_000n })])));
    const script = `
      const { V2WriteRequestBuilder } = await import(${JSON.stringify(builderUrl)});
      const b = new V2WriteRequestBuilder({ engine: 'js', lookbackDeltaMs: 0 });
      b.add(${JSON.stringify(JSON.stringify(otlp))});
      const ts = b.build().timeseries;
      console.log(JSON.stringify(ts[ts.length - 1].samples.map((s) => s.timestamp)));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      encoding: 'utf8',
      timeout: 10_000,
      maxBuffer: 1 << 20,
    });
    expect(child.error?.message ?? '', 'child process finished in time').toBe('');
    expect(child.stdout.trim(), child.stderr).toBe(JSON.stringify([T0_MS, T0_MS + 150_000, T0_MS + 200_000]));
  }, 30_000);
});

describe('R30 target_info dedup', () => {
  it('TestFromMetrics / "target_info deduplication across multiple resources with same labels": 2 samples, not 4', () => {
    const one = () => resourceWith({ ...SVC, 'host.name': 'h' }, gauge('g', [point({ double: 1 }), point({ double: 1, time: T0 + 150_000_000_000n })]));
    const result = translate(request(one(), one()));
    // Intentional difference (1): the two resources' identical data series are merged into one TimeSeries;
    // equal (labels, timestamp, value) points collapse to one sample.
    expect(result.lines).toEqual([
      `{__name__="g", job="svc"} ${T} 1 st=0`,
      `{__name__="g", job="svc"} @${T0_MS + 150_000} 1 st=0`,
      `{__name__="target_info", host_name="h", job="svc"} ${T} 1 st=0`,
      `{__name__="target_info", host_name="h", job="svc"} @${T0_MS + 150_000} 1 st=0`,
    ]);
    expect(result.dropped.points.duplicate_timestamp).toBe(0);
  });

  it('derived: data series are merged, not deduplicated: same labels and time, different values -> the last one, counted', () => {
    // Intentional difference (1): Prometheus would append both samples.
    const otlp = request(resourceWith(SVC, gauge('g', [point({ double: 1 })])), resourceWith(SVC, gauge('g', [point({ double: 2 })])));
    const result = translate(otlp);
    expect(result.lines).toEqual([`{__name__="g", job="svc"} ${T} 2 st=0`]);
    expect(result.dropped.points.duplicate_timestamp).toBe(1);
  });

  it('derived: svc resource without other attributes never makes target_info', () => {
    expect(lines(svc(gauge('g', [point({ double: 1 })])))).toEqual([`{__name__="g", job="svc"} ${T} 1 st=0`]);
  });
});
