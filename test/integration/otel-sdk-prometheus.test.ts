// Metrics made by the real OpenTelemetry JS SDK (@opentelemetry/sdk-metrics) go through the OTel
// exporters' own serializers (@opentelemetry/otlp-transformer: OTLP protobuf and OTLP JSON), then
// V2WriteRequestBuilder, then a real Prometheus 3 remote-write receiver, and come back as the series a
// Prometheus user expects: `_total` counters, `_bucket/_sum/_count` for an explicit-bucket histogram,
// a native histogram for the exponential one, unit suffixes, job/instance from the resource and
// `target_info` with the other resource attributes, with the values that were recorded.
//
// Protobuf and JSON from the same collection, through either engine, give the same RW2 bytes; the
// request is sent once.
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { AggregationType, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricType, V2WriteRequestBuilder, readWriteRequest, type ReadWriteRequestV2 } from '../../src/index.js';
import { prometheusAvailability, startPrometheus, type PrometheusHandle, type RawSeries } from '../support/prometheus.js';
import { decodeRw2, doubleBits } from '../support/proto.js';
import { snappyDecompress } from '../support/snappy.js';

const avail = prometheusAvailability();

const ENGINES = ['wasm', 'js'] as const;

const RW2_HEADERS = {
  'Content-Encoding': 'snappy',
  'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request',
  'X-Prometheus-Remote-Write-Version': '2.0.0',
  'User-Agent': 'otlp2prw-test',
};

const JOB = 'shop/checkout';
const INSTANCE = 'checkout-7f9c';

/** A reader that only collects when asked (no export loop): `collect()` gives the ResourceMetrics. */
class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

// What the "application" records; the expectations below are computed from these.
const DURATIONS_S = [0.005, 0.05, 0.05, 0.5, 2];
const DURATION_BOUNDS = [0.01, 0.1, 1];
const RPC_MS = [0.5, 1, 3, 7, 12, 40, 250, 900];

/** Runs the SDK: a provider with a resource, three meters, six kinds of instrument; one collection. */
async function collectFromSdk(): Promise<ResourceMetrics> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'service.namespace': 'shop',
      'service.instance.id': INSTANCE,
      'service.version': '1.2.3',
      'host.name': 'node-1',
      'deployment.environment.name': 'test',
    }),
    readers: [reader],
    views: [{ instrumentName: 'rpc.server.duration', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  try {
    const http = provider.getMeter('checkout.http', '1.4.0');
    const requests = http.createCounter('http.server.requests', { unit: '{request}', description: 'Handled HTTP requests' });
    requests.add(3, { 'http.route': '/cart', 'http.response.status_code': 200 });
    requests.add(2, { 'http.route': '/cart', 'http.response.status_code': 200 });
    requests.add(1, { 'http.route': '/pay', 'http.response.status_code': 500 });
    const duration = http.createHistogram('http.server.request.duration', {
      unit: 's',
      description: 'Request duration',
      advice: { explicitBucketBoundaries: DURATION_BOUNDS },
    });
    for (const seconds of DURATIONS_S) duration.record(seconds, { 'http.route': '/cart' });
    const rpc = http.createHistogram('rpc.server.duration', { unit: 'ms', description: 'RPC duration' });
    for (const ms of RPC_MS) rpc.record(ms, { 'rpc.method': 'Charge' });

    const queue = provider.getMeter('checkout.queue', '0.3.1');
    const depth = queue.createUpDownCounter('queue.depth', { unit: '{item}', description: 'Items waiting' });
    depth.add(7, { queue: 'orders' });
    depth.add(-2, { queue: 'orders' });
    depth.add(-4, { queue: 'refunds' });
    const memory = queue.createObservableGauge('process.memory.usage', { unit: 'By', description: 'Memory in use' });
    memory.addCallback((result) => {
      result.observe(123_456_789, { 'memory.type': 'heap' });
      result.observe(2048, { 'memory.type': 'stack' });
    });

    const runtime = provider.getMeter('checkout.runtime', '2.0.0');
    const cpu = runtime.createObservableCounter('process.cpu.time', { unit: 's', description: 'CPU time' });
    cpu.addCallback((result) => {
      result.observe(12.5, { 'cpu.mode': 'user' });
      result.observe(3.25, { 'cpu.mode': 'system' });
    });
    const utilization = runtime.createObservableGauge('system.cpu.utilization', { unit: '1' });
    utilization.addCallback((result) => result.observe(0.42));

    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    return resourceMetrics;
  } finally {
    await provider.shutdown();
  }
}

/** A label set as a canonical string key (names sorted). */
function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.keys(labels).sort().map((name) => [name, labels[name]]));
}

const withTarget = (name: string, labels: Record<string, string> = {}) => seriesKey({ __name__: name, ...labels, job: JOB, instance: INSTANCE });

/** Prometheus native-histogram bucket index of `value` at `schema`: bucket i is (2^((i-1)/2^s), 2^(i/2^s)]. */
function bucketIndex(value: number, schema: number): number {
  return Math.ceil(Math.log2(value) * 2 ** schema);
}

function absoluteBuckets(spans: Array<{ offset: number; length: number }>, deltas: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let index = 0;
  let count = 0;
  let d = 0;
  for (const span of spans) {
    index += span.offset;
    for (let i = 0; i < span.length; i++, index++) {
      count += deltas[d++];
      if (count !== 0) out.push([index, count]);
    }
  }
  return out;
}

describe.skipIf(!avail.available)(`OTel JS SDK -> OTLP (protobuf, JSON) -> V2WriteRequestBuilder -> Prometheus (${avail.reason})`, () => {
  let prom: PrometheusHandle;
  let resourceMetrics: ResourceMetrics;
  let collectedAtMs: number;
  let body: Uint8Array;
  let request: ReadWriteRequestV2;
  let raw: RawSeries[];
  const bodies = new Map<string, string>();

  beforeAll(async () => {
    prom = await startPrometheus();
    const before = Date.now();
    resourceMetrics = await collectFromSdk();
    collectedAtMs = Date.now();
    expect(collectedAtMs).toBeGreaterThanOrEqual(before);

    const protobufBytes = ProtobufMetricsSerializer.serializeRequest(resourceMetrics);
    const jsonBytes = JsonMetricsSerializer.serializeRequest(resourceMetrics);
    if (!protobufBytes || !jsonBytes) throw new Error('otlp-transformer serialized nothing');
    for (const engine of ENGINES) {
      for (const [format, bytes] of [
        ['protobuf', protobufBytes],
        ['json', jsonBytes],
      ] as const) {
        const builder = new V2WriteRequestBuilder({ engine });
        builder.add(bytes, format);
        bodies.set(`${engine}/${format}`, Buffer.from(builder.encode()).toString('hex'));
        if (engine === 'wasm' && format === 'protobuf') body = builder.encodeSnappy();
      }
    }
    request = readWriteRequest(body);

    const decoded = decodeRw2(snappyDecompress(body));
    const count = (field: 'samples' | 'histograms' | 'exemplars') => decoded.timeseries.reduce((n: number, ts: any) => n + ts[field].length, 0);
    const res = await fetch(prom.writeUrl, { method: 'POST', headers: RW2_HEADERS, body: new Uint8Array(body) });
    const text = await res.text();
    expect(res.status, `${text}\n${prom.logs().slice(-3000)}`).toBe(204);
    expect({
      samples: res.headers.get('X-Prometheus-Remote-Write-Samples-Written'),
      histograms: res.headers.get('X-Prometheus-Remote-Write-Histograms-Written'),
      exemplars: res.headers.get('X-Prometheus-Remote-Write-Exemplars-Written'),
    }).toEqual({ samples: String(count('samples')), histograms: String(count('histograms')), exemplars: '0' });

    raw = await prom.readRaw([{ type: 'RE', name: '__name__', value: '.+' }], before - 60 * 60_000, Date.now() + 60_000);
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
  });

  it('the SDK collected every instrument of every meter, with the resource', () => {
    expect(resourceMetrics.resource.attributes['service.instance.id']).toBe(INSTANCE);
    // The SDK lists a View's instruments first; the order does not matter here.
    expect(resourceMetrics.scopeMetrics.map((s) => [s.scope.name, s.scope.version, s.metrics.map((m) => m.descriptor.name).sort()])).toEqual([
      ['checkout.http', '1.4.0', ['http.server.request.duration', 'http.server.requests', 'rpc.server.duration']],
      ['checkout.queue', '0.3.1', ['process.memory.usage', 'queue.depth']],
      ['checkout.runtime', '2.0.0', ['process.cpu.time', 'system.cpu.utilization']],
    ]);
  });

  it('protobuf and JSON from the same collection give identical RW2 bytes, with either engine', () => {
    const first = bodies.get('wasm/protobuf');
    expect(first?.length).toBeGreaterThan(0);
    expect(Object.fromEntries([...bodies].map(([run, hex]) => [run, hex === first]))).toEqual({
      'wasm/protobuf': true,
      'wasm/json': true,
      'js/protobuf': true,
      'js/json': true,
    });
  });

  it('remote read returns exactly the series sent: labels, timestamps, value bits, histograms', () => {
    const sent = new Map(
      request.timeseries.map((ts) => [
        seriesKey(Object.fromEntries(ts.labels.map((l) => [l.name, l.value]))),
        { samples: ts.samples.map((s) => [s.timestamp, doubleBits(s.value)]), histograms: ts.histograms.length },
      ]),
    );
    const stored = new Map(raw.map((s) => [seriesKey(s.labels), { samples: s.samples.map((p) => [p.timestamp, p.valueBits]), histograms: s.histograms.length }]));
    const sortedEntries = (m: Map<string, unknown>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));
    expect(sortedEntries(stored)).toEqual(sortedEntries(sent));
  });

  it('every series has the names a Prometheus user expects, with job and instance from the resource', () => {
    const names = [...new Set(raw.map((s) => s.labels.__name__))].sort();
    expect(names).toEqual([
      'http_server_request_duration_seconds_bucket',
      'http_server_request_duration_seconds_count',
      'http_server_request_duration_seconds_sum',
      'http_server_requests_total',
      'process_cpu_time_seconds_total',
      'process_memory_usage_bytes',
      'queue_depth',
      'rpc_server_duration_milliseconds',
      'system_cpu_utilization_ratio',
      'target_info',
    ]);
    for (const series of raw) expect([series.labels.job, series.labels.instance], JSON.stringify(series.labels)).toEqual([JOB, INSTANCE]);
  });

  it('counters, up-down counters and gauges carry the recorded values at the collection time', () => {
    const values = new Map(raw.filter((s) => s.histograms.length === 0).map((s) => [seriesKey(s.labels), s.samples]));
    const valueOf = (name: string, labels: Record<string, string> = {}) => {
      const samples = values.get(withTarget(name, labels));
      expect(samples, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
      return samples?.[0].value;
    };
    expect(valueOf('http_server_requests_total', { http_route: '/cart', http_response_status_code: '200' })).toBe(5);
    expect(valueOf('http_server_requests_total', { http_route: '/pay', http_response_status_code: '500' })).toBe(1);
    expect(valueOf('queue_depth', { queue: 'orders' })).toBe(5);
    expect(valueOf('queue_depth', { queue: 'refunds' })).toBe(-4);
    expect(valueOf('process_memory_usage_bytes', { memory_type: 'heap' })).toBe(123_456_789);
    expect(valueOf('process_memory_usage_bytes', { memory_type: 'stack' })).toBe(2048);
    expect(valueOf('process_cpu_time_seconds_total', { cpu_mode: 'user' })).toBe(12.5);
    expect(valueOf('process_cpu_time_seconds_total', { cpu_mode: 'system' })).toBe(3.25);
    expect(valueOf('system_cpu_utilization_ratio')).toBe(0.42);

    // One collection: every point has the SDK's collection time, in the past and no older than the test.
    const times = new Set(raw.flatMap((s) => [...s.samples.map((p) => p.timestamp), ...s.histograms.map((h) => h.timestamp)]));
    expect(times.size).toBe(1);
    const [time] = times;
    expect(time).toBeLessThanOrEqual(collectedAtMs);
    expect(time).toBeGreaterThan(collectedAtMs - 60_000);
  });

  it('the explicit-bucket histogram: cumulative _bucket{le}, _sum, _count of the recorded durations', () => {
    const route = { http_route: '/cart' };
    const valueOf = (name: string, labels: Record<string, string>) => raw.find((s) => seriesKey(s.labels) === withTarget(name, labels))?.samples.map((p) => p.value);
    const le = (bound: number) => DURATIONS_S.filter((v) => v <= bound).length;
    for (const bound of DURATION_BOUNDS) expect(valueOf('http_server_request_duration_seconds_bucket', { ...route, le: String(bound) }), `le=${bound}`).toEqual([le(bound)]);
    expect(valueOf('http_server_request_duration_seconds_bucket', { ...route, le: '+Inf' })).toEqual([DURATIONS_S.length]);
    expect(valueOf('http_server_request_duration_seconds_count', route)).toEqual([DURATIONS_S.length]);
    // The SDK adds in record order; so does this reduce.
    expect(valueOf('http_server_request_duration_seconds_sum', route)).toEqual([DURATIONS_S.reduce((a, b) => a + b, 0)]);
  });

  it('the exponential histogram is a native histogram with every recorded value in its bucket', async () => {
    const series = raw.find((s) => seriesKey(s.labels) === withTarget('rpc_server_duration_milliseconds', { rpc_method: 'Charge' }));
    expect(series?.samples).toEqual([]);
    expect(series?.histograms).toHaveLength(1);
    const h = series?.histograms[0];
    // 0.5 .. 900 ms at the SDK's default 160 buckets: scale 3, no downscaling needed (R38).
    expect(h.schema).toBe(3);
    expect({ count: h.countInt, zeroCount: h.zeroCountInt, zeroThreshold: h.zeroThreshold, sum: h.sum, negative: h.negativeSpans }).toEqual({
      count: RPC_MS.length,
      zeroCount: 0,
      zeroThreshold: 1e-128,
      sum: RPC_MS.reduce((a, b) => a + b, 0),
      negative: [],
    });
    const want = new Map<number, number>();
    for (const ms of RPC_MS) want.set(bucketIndex(ms, h.schema), (want.get(bucketIndex(ms, h.schema)) ?? 0) + 1);
    expect(absoluteBuckets(h.positiveSpans, h.positiveDeltas.map(Number))).toEqual([...want].sort(([a], [b]) => a - b));

    const at = h.timestamp / 1000;
    const count = await prom.query('histogram_count(rpc_server_duration_milliseconds)', at);
    expect(count.result.map((r: any) => [r.metric, r.value[1]])).toEqual([[{ instance: INSTANCE, job: JOB, rpc_method: 'Charge' }, String(RPC_MS.length)]]);
    const median = await prom.query('histogram_quantile(0.5, rpc_server_duration_milliseconds)', at);
    // The 4th and 5th of 8 values are 7 and 12 ms: the median interpolates inside their buckets.
    expect(Number(median.result[0].value[1])).toBeGreaterThan(5);
    expect(Number(median.result[0].value[1])).toBeLessThan(13);
  });

  it('target_info: the non-identifying resource attributes, job and instance, value 1', () => {
    const info = raw.filter((s) => s.labels.__name__ === 'target_info');
    expect(info.map((s) => s.labels)).toEqual([
      {
        __name__: 'target_info',
        deployment_environment_name: 'test',
        host_name: 'node-1',
        instance: INSTANCE,
        job: JOB,
        service_version: '1.2.3',
      },
    ]);
    expect(info[0].samples.map((p) => p.value)).toEqual([1]);
  });

  it('metadata in the request: types, help and translated units per metric family', () => {
    const metadata = new Map<string, string>();
    for (const ts of request.timeseries) {
      const name = ts.labels.find((l) => l.name === '__name__')?.value ?? '';
      metadata.set(name, `${ts.metadata.type} ${JSON.stringify(ts.help)} ${JSON.stringify(ts.unit)}`);
    }
    const { COUNTER, GAUGE, HISTOGRAM } = MetricType;
    expect(Object.fromEntries([...metadata].sort(([a], [b]) => (a < b ? -1 : 1)))).toEqual({
      http_server_request_duration_seconds_bucket: `${HISTOGRAM} "Request duration" "seconds"`,
      http_server_request_duration_seconds_count: `${HISTOGRAM} "Request duration" "seconds"`,
      http_server_request_duration_seconds_sum: `${HISTOGRAM} "Request duration" "seconds"`,
      http_server_requests_total: `${COUNTER} "Handled HTTP requests" ""`,
      process_cpu_time_seconds_total: `${COUNTER} "CPU time" "seconds"`,
      process_memory_usage_bytes: `${GAUGE} "Memory in use" "bytes"`,
      queue_depth: `${GAUGE} "Items waiting" ""`,
      rpc_server_duration_milliseconds: `${HISTOGRAM} "RPC duration" "milliseconds"`,
      system_cpu_utilization_ratio: `${GAUGE} "" ""`,
      target_info: `${GAUGE} "Target metadata" ""`,
    });
  });

  it('with promoteScopeMetadata, each meter name and version label its series (not target_info)', () => {
    const builder = new V2WriteRequestBuilder({ promoteScopeMetadata: true });
    builder.add(ProtobufMetricsSerializer.serializeRequest(resourceMetrics) as Uint8Array);
    const scopes = new Map<string, string>();
    for (const ts of readWriteRequest(builder.encodeSnappy()).timeseries) {
      const labels = Object.fromEntries(ts.labels.map((l) => [l.name, l.value]));
      scopes.set(labels.__name__, `${labels.otel_scope_name ?? '-'} ${labels.otel_scope_version ?? '-'}`);
    }
    expect(Object.fromEntries([...scopes].sort(([a], [b]) => (a < b ? -1 : 1)))).toEqual({
      http_server_request_duration_seconds_bucket: 'checkout.http 1.4.0',
      http_server_request_duration_seconds_count: 'checkout.http 1.4.0',
      http_server_request_duration_seconds_sum: 'checkout.http 1.4.0',
      http_server_requests_total: 'checkout.http 1.4.0',
      process_cpu_time_seconds_total: 'checkout.runtime 2.0.0',
      process_memory_usage_bytes: 'checkout.queue 0.3.1',
      queue_depth: 'checkout.queue 0.3.1',
      rpc_server_duration_milliseconds: 'checkout.http 1.4.0',
      system_cpu_utilization_ratio: 'checkout.runtime 2.0.0',
      target_info: '- -',
    });
  });
});
