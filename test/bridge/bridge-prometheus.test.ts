// The whole path with real components: the OpenTelemetry JS SDK (PeriodicExportingMetricReader with the
// OTLP/HTTP protobuf exporter, gzip'd, and the OTLP/HTTP JSON exporter) -> the bridge -> a real
// Prometheus 3 remote-write receiver; every series the SDK's metrics become is queried back.
import { OTLPMetricExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OtlpProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OtlpHttpBridge } from '../../src/bridge/server.js';
import { type PrometheusHandle, prometheusAvailability, startPrometheus } from '../support/prometheus.js';
import { startTestBridge } from './support.js';

const avail = prometheusAvailability();
const BOUNDS = [0.1, 1, 10];
const DURATIONS = [0.05, 0.5, 0.7, 20];

/** One "application": a provider with a periodic reader exporting through `exporter`; records, then flushes. */
async function runApplication(job: string, exporter: PushMetricExporter): Promise<void> {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': job, 'service.instance.id': 'instance-1', 'deployment.environment.name': 'test' }),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
  });
  const meter = provider.getMeter('shop', '1.0.0');
  const orders = meter.createCounter('orders.placed', { unit: '{order}', description: 'Orders placed' });
  orders.add(2, { payment: 'card' });
  orders.add(1, { payment: 'card' });
  orders.add(1, { payment: 'cash' });
  const duration = meter.createHistogram('checkout.duration', { unit: 's', description: 'Checkout time', advice: { explicitBucketBoundaries: BOUNDS } });
  for (const seconds of DURATIONS) duration.record(seconds);
  meter.createObservableGauge('queue.depth', { unit: '{item}' }).addCallback((result) => result.observe(5, { queue: 'orders' }));
  await provider.forceFlush();
  await provider.shutdown();
}

/** The series (name{labels} -> value) the SDK metrics above become, without the SDK's own resource labels. */
function expectedSeries(job: string): Map<string, number> {
  const base = `instance="instance-1",job="${job}"`;
  const expected = new Map<string, number>([
    [`orders_placed_total{${base},payment="card"}`, 3],
    [`orders_placed_total{${base},payment="cash"}`, 1],
    [`checkout_duration_seconds_count{${base}}`, DURATIONS.length],
    [`checkout_duration_seconds_sum{${base}}`, DURATIONS.reduce((a, b) => a + b, 0)],
    [`queue_depth{${base},queue="orders"}`, 5],
    // The resource attributes that are not job/instance.
    [`target_info{deployment_environment_name="test",${base}}`, 1],
  ]);
  for (const le of [...BOUNDS, Number.POSITIVE_INFINITY]) {
    const count = DURATIONS.filter((d) => d <= le).length;
    expected.set(`checkout_duration_seconds_bucket{${base},le="${le === Number.POSITIVE_INFINITY ? '+Inf' : le}"}`, count);
  }
  return expected;
}

describe.skipIf(!avail.available)(`OTel JS SDK -> otlp2prw bridge -> Prometheus (${avail.reason})`, () => {
  let prom: PrometheusHandle;
  let bridge: OtlpHttpBridge;
  /** The same with batching on (--batch-max-delay-ms). */
  let batching: OtlpHttpBridge;
  beforeAll(async () => {
    prom = await startPrometheus();
    bridge = await startTestBridge(prom.writeUrl);
    batching = await startTestBridge(prom.writeUrl, { batch: { maxDelayMs: 1_000 } });
  }, 60_000);
  afterAll(async () => {
    await bridge?.close();
    await batching?.close();
    await prom?.stop();
  });

  /** Waits until Prometheus has every series `job`'s application makes, then checks values and that nothing else came. */
  async function expectJobSeries(job: string): Promise<void> {
    const expected = expectedSeries(job);
    const seriesOf = async (): Promise<Map<string, number>> => {
      const data = await prom.query(`{job="${job}"}`);
      const found = new Map<string, number>();
      for (const { metric, value } of data.result as Array<{ metric: Record<string, string>; value: [number, string] }>) {
        const { __name__: name, ...labels } = metric;
        const rendered = Object.keys(labels)
          .sort()
          .map((key) => `${key}="${labels[key]}"`)
          .join(',');
        found.set(`${name}{${rendered}}`, Number(value[1]));
      }
      return found;
    };
    let found = new Map<string, number>();
    const deadline = Date.now() + 20_000;
    while (found.size < expected.size && Date.now() < deadline) {
      found = await seriesOf();
      if (found.size < expected.size) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (const [series, value] of expected) expect(found.get(series), series).toBeCloseTo(value, 9);
    // Nothing else.
    expect([...found.keys()].sort()).toEqual([...expected.keys()].sort());
  }

  const cases: Array<[string, (url: string) => PushMetricExporter]> = [
    ['OTLP/HTTP protobuf, gzip', (url) => new OtlpProtoExporter({ url, compression: 'gzip' as never })],
    ['OTLP/HTTP JSON', (url) => new OtlpHttpJsonExporter({ url })],
  ];

  for (const [transport, makeExporter] of cases) {
    it(`${transport}: every series arrives with its value`, async () => {
      const job = `bridge-${transport.startsWith('OTLP/HTTP protobuf') ? 'proto' : 'json'}`;
      await runApplication(job, makeExporter(`${bridge.url}/v1/metrics`));
      await expectJobSeries(job);
    }, 60_000);
  }

  it('batching: three applications exporting at once through one batching bridge, every series of each', async () => {
    const jobs = ['batch-a', 'batch-b', 'batch-c'];
    await Promise.all(jobs.map((job) => runApplication(job, new OtlpProtoExporter({ url: `${batching.url}/v1/metrics` }))));
    for (const job of jobs) await expectJobSeries(job);
    // Deliveries count export requests, batched or not: each application exports on forceFlush and on shutdown.
    expect(batching.telemetry.deliveries.written).toBe(2 * jobs.length);
  }, 60_000);
});
