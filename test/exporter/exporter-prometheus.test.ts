// PrometheusRemoteWriteExporter in a MeterProvider, writing to a real Prometheus 3 remote-write
// receiver (RW2 only), then reading the series back with PromQL: counter, up-down counter, gauge,
// classic and native (exponential) histograms, target_info. And a Prometheus that accepts only RW1
// answers 415: the built-in writer reports a failed export; with a RemoteWriteSender it falls back to RW1
// (or sends RW1 when forced) and the series arrive.
import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusRemoteWriteExporter, RemoteWriteSendErrorCode } from '../../src/exporter/index.js';
import { RemoteWriteSender } from '../../src/send/index.js';
import { type PrometheusHandle, RW1_MESSAGE, prometheusAvailability, startPrometheus } from '../support/prometheus.js';

const avail = prometheusAvailability();

const RESOURCE = resourceFromAttributes({
  'service.name': 'checkout',
  'service.namespace': 'shop',
  'service.instance.id': 'checkout-1',
  'host.name': 'node-7',
});
const SERIES = '{job="shop/checkout",instance="checkout-1"}';

/** A MeterProvider whose reader exports on forceFlush only, with every export result recorded. */
function setup(url: string, sender?: RemoteWriteSender) {
  const results: ExportResult[] = [];
  const exporter = new PrometheusRemoteWriteExporter(sender ? { sender } : { url });
  const exportOriginal = exporter.export.bind(exporter);
  exporter.export = (metrics, callback) =>
    exportOriginal(metrics, (result) => {
      results.push(result);
      callback(result);
    });
  const provider = new MeterProvider({
    resource: RESOURCE,
    views: [{ instrumentName: 'rpc.duration', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
  });
  return { provider, results };
}

describe.skipIf(!avail.available)(`PrometheusRemoteWriteExporter -> Prometheus (${avail.reason})`, () => {
  describe('RW2 receiver', () => {
    let prom: PrometheusHandle;
    beforeAll(async () => {
      prom = await startPrometheus();
    }, 60_000);
    afterAll(async () => {
      await prom?.stop();
    });

    /** The single instant-vector value of `promql`, as Prometheus formats it. */
    async function value(promql: string): Promise<string> {
      const data = await prom.query(promql);
      expect(data.result, `${promql}\n${prom.logs().slice(-2000)}`).toHaveLength(1);
      return data.result[0].value[1];
    }

    it('stores what the SDK measured, under the names and labels Prometheus expects', async () => {
      const { provider, results } = setup(prom.writeUrl);
      const meter = provider.getMeter('shop.http', '1.0.0');
      const requests = meter.createCounter('http.server.requests', { unit: '{request}' });
      requests.add(5, { 'http.route': '/cart' });
      meter.createUpDownCounter('queue.depth').add(-2);
      meter.createObservableGauge('process.memory', { unit: 'By' }).addCallback((result) => result.observe(1024));
      const latency = meter.createHistogram('http.server.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 1] } });
      latency.record(0.05);
      latency.record(0.5);
      const rpc = meter.createHistogram('rpc.duration', { unit: 's' });
      for (const v of [0.001, 0.01, 0.1]) rpc.record(v);

      await provider.forceFlush();
      expect(results, prom.logs().slice(-2000)).toEqual([{ code: ExportResultCode.SUCCESS }]);

      expect(await value(`http_server_requests_total${SERIES.replace('}', ',http_route="/cart"}')}`)).toBe('5');
      expect(await value(`queue_depth${SERIES}`)).toBe('-2');
      expect(await value(`process_memory_bytes${SERIES}`)).toBe('1024');
      expect(await value(`http_server_duration_seconds_bucket${SERIES.replace('}', ',le="0.1"}')}`)).toBe('1');
      expect(await value(`http_server_duration_seconds_count${SERIES}`)).toBe('2');
      // The exponential histogram arrives as a native histogram.
      expect(await value(`histogram_count(rpc_duration_seconds${SERIES})`)).toBe('3');
      expect(Number(await value(`histogram_sum(rpc_duration_seconds${SERIES})`))).toBeCloseTo(0.111, 12);
      expect(await value(`count(target_info{job="shop/checkout",instance="checkout-1",host_name="node-7"})`)).toBe('1');

      // Cumulative: the next export carries the running total.
      requests.add(3, { 'http.route': '/cart' });
      await provider.forceFlush();
      await provider.shutdown();
      expect(results.every((result) => result.code === ExportResultCode.SUCCESS)).toBe(true);
      expect(await value(`http_server_requests_total${SERIES.replace('}', ',http_route="/cart"}')}`)).toBe('8');
    });
  });

  describe('RW1-only receiver', () => {
    let prom: PrometheusHandle;
    beforeAll(async () => {
      prom = await startPrometheus({ acceptedMessages: [RW1_MESSAGE] });
    }, 60_000);
    afterAll(async () => {
      await prom?.stop();
    });

    it('answers 415, and the export fails (not retryable)', async () => {
      const { provider, results } = setup(prom.writeUrl);
      provider.getMeter('m').createCounter('jobs.done').add(1);
      await provider.forceFlush();
      await provider.shutdown();
      expect(results[0].code).toBe(ExportResultCode.FAILED);
      expect(results[0].error).toMatchObject({ code: RemoteWriteSendErrorCode.HTTP_STATUS, status: 415, retryable: false });
    });

    it('with a RemoteWriteSender the 415 falls back to RW1 and the series arrive', async () => {
      const sender = new RemoteWriteSender({ url: prom.writeUrl, retry: { maxRetries: 0 } });
      const { provider, results } = setup(prom.writeUrl, sender);
      provider.getMeter('m').createCounter('jobs.fallback').add(3, { queue: 'a' });
      await provider.forceFlush();
      await provider.shutdown();
      expect(results[0].code).toBe(ExportResultCode.SUCCESS);
      expect(sender.telemetry()).toMatchObject({ fallbacksToV1: 1 });
      const data = await prom.query(`jobs_fallback_total${SERIES}`);
      expect(data.result.map((r: { metric: Record<string, string>; value: [number, string] }) => [r.metric.queue, r.value[1]])).toEqual([['a', '3']]);
    });

    it('with protobufMessage v1 forced, RW1 is sent from the start', async () => {
      const sender = new RemoteWriteSender({ url: prom.writeUrl, protobufMessage: 'v1', retry: { maxRetries: 0 } });
      const { provider, results } = setup(prom.writeUrl, sender);
      provider.getMeter('m').createUpDownCounter('jobs.queued').add(-2);
      await provider.forceFlush();
      await provider.shutdown();
      expect(results[0].code).toBe(ExportResultCode.SUCCESS);
      const data = await prom.query(`jobs_queued${SERIES}`);
      expect(data.result.map((r: { value: [number, string] }) => r.value[1])).toEqual(['-2']);
    });
  });
});
