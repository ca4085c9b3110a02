// PrometheusRemoteWriteExporter inside a real MeterProvider, against a local HTTP receiver that decodes
// what arrives with readWriteRequest: the series, the RW2 headers, the result codes for each kind of
// answer, shutdown, and cumulative temporality.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  InstrumentType,
  MeterProvider,
  MetricReader,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { V2WriteRequestBuilder } from '../../src/builder/builder.js';
import {
  ExporterOptionError,
  FetchRemoteWriter,
  type MetricsRemoteWriter,
  PrometheusRemoteWriteExporter,
  RemoteWriteSendError,
  RemoteWriteSendErrorCode,
  type WriteResult,
} from '../../src/exporter/index.js';
import { MetricType } from '../../src/rw/types.js';
import { type ReadWriteRequestV2, readWriteRequest } from '../../src/rw/read.js';

// ---------------------------------------------------------------------------------------------
// A local Remote-Write receiver

interface Received {
  headers: http.IncomingHttpHeaders;
  request: ReadWriteRequestV2;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (for timeouts). */
  hang?: boolean;
}

const WRITTEN_HEADERS = {
  'X-Prometheus-Remote-Write-Samples-Written': '1',
  'X-Prometheus-Remote-Write-Histograms-Written': '0',
  'X-Prometheus-Remote-Write-Exemplars-Written': '0',
};
const OK: Reply = { status: 204, headers: WRITTEN_HEADERS };

class Receiver {
  readonly received: Received[] = [];
  reply: Reply = OK;
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.received.push({ headers: req.headers, request: readWriteRequest(new Uint8Array(Buffer.concat(chunks))) });
      const waiters = this.waiters.splice(0);
      for (const wake of waiters) wake();
      if (this.reply.hang) return;
      res.writeHead(this.reply.status, this.reply.headers ?? {});
      res.end(this.reply.body ?? '');
    });
  });
  private waiters: Array<() => void> = [];

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v1/write`;
  }

  /** Resolves once `count` requests have arrived in total. */
  async waitFor(count: number, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.received.length} of ${count} requests arrived`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  clear(): void {
    this.received.length = 0;
    this.reply = OK;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
  }
}

// ---------------------------------------------------------------------------------------------

const RESOURCE = resourceFromAttributes({
  'service.name': 'checkout',
  'service.namespace': 'shop',
  'service.instance.id': 'checkout-1',
  'host.name': 'node-7',
});

/** A reader that collects only when asked (for calling export() by hand). */
class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

async function sampleMetrics(): Promise<ResourceMetrics> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ resource: RESOURCE, readers: [reader] });
  provider.getMeter('shop.http', '1.0.0').createCounter('http.server.requests', { unit: '{request}' }).add(5, { 'http.route': '/cart' });
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return resourceMetrics;
}

function exportOnce(exporter: PrometheusRemoteWriteExporter, metrics: ResourceMetrics): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(metrics, resolve));
}

const labelsOf = (series: { labels: Array<{ name: string; value: string }> }) => Object.fromEntries(series.labels.map((l) => [l.name, l.value]));
const seriesNamed = (request: ReadWriteRequestV2, name: string) => request.timeseries.filter((s) => labelsOf(s).__name__ === name);

describe('PrometheusRemoteWriteExporter', () => {
  const receiver = new Receiver();
  let url: string;
  beforeAll(async () => {
    url = await receiver.start();
  });
  afterEach(() => receiver.clear());
  afterAll(() => receiver.stop());

  describe('in a MeterProvider with a PeriodicExportingMetricReader', () => {
    it('sends every instrument kind as RW2 series, with job/instance from the resource, on the periodic tick', async () => {
      const exporter = new PrometheusRemoteWriteExporter({ url });
      const provider = new MeterProvider({
        resource: RESOURCE,
        readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 100, exportTimeoutMillis: 90 })],
      });
      const meter = provider.getMeter('shop.http', '1.0.0');
      meter.createCounter('http.server.requests', { unit: '{request}', description: 'Handled requests' }).add(5, { 'http.route': '/cart' });
      meter.createUpDownCounter('queue.depth').add(-2);
      meter.createHistogram('http.server.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 1] } }).record(0.5, { 'http.route': '/cart' });
      meter.createObservableGauge('process.memory', { unit: 'By' }).addCallback((result) => result.observe(1024, { kind: 'heap' }));
      await receiver.waitFor(1);
      await provider.shutdown();

      const { headers, request } = receiver.received[0];
      expect(headers['content-encoding']).toBe('snappy');
      expect(headers['content-type']).toBe('application/x-protobuf;proto=io.prometheus.write.v2.Request');
      expect(headers['x-prometheus-remote-write-version']).toBe('2.0.0');
      expect(headers['user-agent']).toMatch(/^otlp2prw\/\d+\.\d+\.\d+/);

      const requests = seriesNamed(request, 'http_server_requests_total');
      expect(requests).toHaveLength(1);
      expect(labelsOf(requests[0])).toEqual({ __name__: 'http_server_requests_total', job: 'shop/checkout', instance: 'checkout-1', http_route: '/cart' });
      expect(requests[0].samples[0].value).toBe(5);
      expect(requests[0].samples[0].startTimestamp).toBeGreaterThan(0);
      expect(requests[0]).toMatchObject({ help: 'Handled requests', metadata: { type: MetricType.COUNTER } });

      expect(seriesNamed(request, 'queue_depth')[0].samples[0].value).toBe(-2);
      expect(seriesNamed(request, 'process_memory_bytes')[0]).toMatchObject({ samples: [{ value: 1024 }], metadata: { type: MetricType.GAUGE } });
      const buckets = seriesNamed(request, 'http_server_duration_seconds_bucket').map((s) => [labelsOf(s).le, s.samples[0].value]);
      expect(buckets).toEqual([
        ['0.1', 0],
        ['1', 1],
        ['+Inf', 1],
      ]);
      expect(seriesNamed(request, 'http_server_duration_seconds_sum')[0].samples[0].value).toBe(0.5);
      expect(labelsOf(seriesNamed(request, 'target_info')[0])).toMatchObject({ job: 'shop/checkout', instance: 'checkout-1', host_name: 'node-7' });
    });

    it('reports cumulative values: a counter keeps its start time and adds up across exports', async () => {
      const exporter = new PrometheusRemoteWriteExporter({ url, engine: 'js' });
      const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
      const provider = new MeterProvider({ resource: RESOURCE, readers: [reader] });
      const counter = provider.getMeter('m').createCounter('jobs.done');
      counter.add(5);
      await provider.forceFlush();
      counter.add(3);
      await provider.forceFlush();
      await provider.shutdown();
      const [first, second] = receiver.received.map(({ request }) => seriesNamed(request, 'jobs_done_total')[0].samples[0]);
      expect(first.value).toBe(5);
      expect(second.value).toBe(8);
      expect(second.startTimestamp).toBe(first.startTimestamp);
    });

    it('selectAggregationTemporality: CUMULATIVE for every instrument type', () => {
      const exporter = new PrometheusRemoteWriteExporter({ url });
      for (const type of Object.values(InstrumentType)) expect(exporter.selectAggregationTemporality(type)).toBe(AggregationTemporality.CUMULATIVE);
    });
  });

  describe('export() result codes', () => {
    it('SUCCESS for a 2xx with the Written headers', async () => {
      const exporter = new PrometheusRemoteWriteExporter({ url });
      expect(await exportOnce(exporter, await sampleMetrics())).toEqual({ code: ExportResultCode.SUCCESS });
      expect(receiver.received).toHaveLength(1);
    });

    it.each([
      [500, true],
      [503, true],
      [429, true],
      [400, false],
      [415, false],
    ])('FAILED for HTTP %i (retryable: %s), with the body in the message', async (status, retryable) => {
      receiver.reply = { status, body: `reply ${status}` };
      const result = await exportOnce(new PrometheusRemoteWriteExporter({ url }), await sampleMetrics());
      expect(result.code).toBe(ExportResultCode.FAILED);
      expect(result.error).toBeInstanceOf(RemoteWriteSendError);
      expect(result.error).toMatchObject({ code: RemoteWriteSendErrorCode.HTTP_STATUS, status, retryable });
      expect(result.error?.message).toContain(`reply ${status}`);
    });

    it('FAILED for a 2xx without X-Prometheus-Remote-Write-*-Written: an RW1 receiver that wrote nothing (RW2 spec: treat as 415)', async () => {
      receiver.reply = { status: 204 };
      const result = await exportOnce(new PrometheusRemoteWriteExporter({ url }), await sampleMetrics());
      expect(result.code).toBe(ExportResultCode.FAILED);
      expect(result.error).toMatchObject({ code: RemoteWriteSendErrorCode.NOT_REMOTE_WRITE_2, status: 204, retryable: false });
    });

    it('FAILED (retryable) on a timeout and on a refused connection', async () => {
      receiver.reply = { status: 204, hang: true };
      const timedOut = await exportOnce(new PrometheusRemoteWriteExporter({ url, timeoutMillis: 100 }), await sampleMetrics());
      expect(timedOut.error).toMatchObject({ code: RemoteWriteSendErrorCode.TIMEOUT, retryable: true });

      const closed = http.createServer();
      closed.listen(0, '127.0.0.1');
      await once(closed, 'listening');
      const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/api/v1/write`;
      closed.close();
      await once(closed, 'close');
      const refused = await exportOnce(new PrometheusRemoteWriteExporter({ url: deadUrl }), await sampleMetrics());
      expect(refused).toMatchObject({ code: ExportResultCode.FAILED, error: { code: RemoteWriteSendErrorCode.NETWORK, retryable: true } });
    });

    it('FAILED without sending when translation rejects a metric (onInvalidMetric: reject)', async () => {
      const reader = new CollectingReader({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
      const provider = new MeterProvider({ resource: RESOURCE, readers: [reader] });
      provider.getMeter('m').createHistogram('latency').record(1);
      const { resourceMetrics } = await reader.collect();
      const result = await exportOnce(new PrometheusRemoteWriteExporter({ url, onInvalidMetric: 'reject' }), resourceMetrics);
      expect(result.code).toBe(ExportResultCode.FAILED);
      expect(result.error?.name).toBe('TranslationError');
      expect(receiver.received).toHaveLength(0);
    });

    it('limits: maxRequestBytes applies to the OTLP an export makes only when set; the others as given', async () => {
      const metrics = await sampleMetrics();
      const capped = await exportOnce(new PrometheusRemoteWriteExporter({ url, limits: { maxRequestBytes: 64 } }), metrics);
      expect(capped).toMatchObject({ code: ExportResultCode.FAILED, error: { name: 'LimitError', limit: 'maxRequestBytes' } });
      const fewSeries = await exportOnce(new PrometheusRemoteWriteExporter({ url, limits: { maxSeries: 1 } }), metrics);
      expect(fewSeries).toMatchObject({ code: ExportResultCode.FAILED, error: { name: 'LimitError', limit: 'maxSeries' } });
      expect(receiver.received).toHaveLength(0);
      expect(await exportOnce(new PrometheusRemoteWriteExporter({ url, limits: { maxSeries: 1000 } }), metrics)).toEqual({ code: ExportResultCode.SUCCESS });
    });

    it('SUCCESS without a request when nothing translates to a series', async () => {
      const metrics = await sampleMetrics();
      const empty = { resource: metrics.resource, scopeMetrics: [] };
      expect(await exportOnce(new PrometheusRemoteWriteExporter({ url }), empty)).toEqual({ code: ExportResultCode.SUCCESS });
      expect(receiver.received).toHaveLength(0);
    });
  });

  describe('shutdown', () => {
    it('waits for a pending export, closes the writer once, then fails exports at once without sending', async () => {
      const writer = new ControlledWriter();
      const exporter = new PrometheusRemoteWriteExporter({ sender: writer });
      const pending = exportOnce(exporter, await sampleMetrics());
      let shutDown = false;
      const shutdown = exporter.shutdown().then(() => (shutDown = true));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(shutDown).toBe(false);
      writer.settle({ ok: true });
      expect(await pending).toEqual({ code: ExportResultCode.SUCCESS });
      await shutdown;
      expect(writer.calls).toEqual(['write', 'flush', 'close']);

      expect(await exportOnce(exporter, await sampleMetrics())).toMatchObject({ code: ExportResultCode.FAILED, error: { message: expect.stringMatching(/shut down/) } });
      await exporter.shutdown();
      expect(writer.calls).toEqual(['write', 'flush', 'close']);
    });

    it('the built-in writer sends nothing after shutdown', async () => {
      const exporter = new PrometheusRemoteWriteExporter({ url });
      await exporter.shutdown();
      expect((await exportOnce(exporter, await sampleMetrics())).code).toBe(ExportResultCode.FAILED);
      const writer = new FetchRemoteWriter({ url });
      await writer.close();
      expect(await writer.write({ encodeSnappy: () => new Uint8Array() } as unknown as V2WriteRequestBuilder)).toMatchObject({
        ok: false,
        error: { code: RemoteWriteSendErrorCode.CLOSED },
      });
      expect(receiver.received).toHaveLength(0);
    });

    it('forceFlush waits for exports in flight, then flushes the writer', async () => {
      const writer = new ControlledWriter();
      const exporter = new PrometheusRemoteWriteExporter({ sender: writer });
      void exportOnce(exporter, await sampleMetrics());
      let flushed = false;
      const flush = exporter.forceFlush().then(() => (flushed = true));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(flushed).toBe(false);
      writer.settle({ ok: false, retryable: true, error: new Error('receiver down') });
      await flush;
      expect(writer.calls).toEqual(['write', 'flush']);
    });
  });

  describe('a custom sender (MetricsRemoteWriter)', () => {
    it('gets the filled builder; its outcome becomes the result code', async () => {
      const writer = new ControlledWriter();
      const exporter = new PrometheusRemoteWriteExporter({ sender: writer, namespace: 'app' });
      const ok = exportOnce(exporter, await sampleMetrics());
      expect(writer.lastBuild?.timeseries.map((s) => labelsOf({ labels: pairsOf(s.labelsRefs, writer.lastBuild?.symbols ?? []) }).__name__)).toContain(
        'app_http_server_requests_total',
      );
      writer.settle(undefined);
      expect(await ok).toEqual({ code: ExportResultCode.SUCCESS });

      const failed = exportOnce(exporter, await sampleMetrics());
      writer.settle({ ok: false, error: new Error('nope') });
      expect(await failed).toMatchObject({ code: ExportResultCode.FAILED, error: { message: 'nope' } });

      const rejected = exportOnce(exporter, await sampleMetrics());
      writer.fail(new Error('queue full'));
      expect(await rejected).toMatchObject({ code: ExportResultCode.FAILED, error: { message: 'queue full' } });
    });
  });

  describe('options', () => {
    it('needs url or sender, not both', () => {
      expect(() => new PrometheusRemoteWriteExporter({})).toThrow(ExporterOptionError);
      expect(() => new PrometheusRemoteWriteExporter({ url, sender: new ControlledWriter() })).toThrow(ExporterOptionError);
      expect(() => new PrometheusRemoteWriteExporter({ url: 'localhost:9090' })).toThrow(/must be http: or https:/);
    });

    it('extra headers are sent; the RW2-reserved ones cannot be set (spec P5)', async () => {
      const exporter = new PrometheusRemoteWriteExporter({ url, headers: { 'X-Scope-OrgID': 'tenant-1' } });
      await exportOnce(exporter, await sampleMetrics());
      expect(receiver.received[0].headers['x-scope-orgid']).toBe('tenant-1');
      for (const name of ['content-type', 'Content-Encoding', 'X-Prometheus-Remote-Write-Version', 'user-agent']) {
        expect(() => new PrometheusRemoteWriteExporter({ url, headers: { [name]: 'x' } })).toThrow(ExporterOptionError);
      }
    });
  });

  describe('result codes copied into exporter.ts', () => {
    it('match @opentelemetry/core ExportResultCode', async () => {
      const ok = await exportOnce(new PrometheusRemoteWriteExporter({ sender: new ResolvingWriter() }), await sampleMetrics());
      expect(ok.code).toBe(ExportResultCode.SUCCESS);
      expect(ExportResultCode.FAILED).toBe(1);
    });
  });
});

// ---------------------------------------------------------------------------------------------

/** A writer whose writes settle when the test says so. */
class ControlledWriter implements MetricsRemoteWriter {
  readonly calls: string[] = [];
  lastBuild: ReturnType<V2WriteRequestBuilder['build']> | undefined;
  private resolve: ((result: WriteResult | undefined) => void) | undefined;
  private reject: ((error: Error) => void) | undefined;

  write(builder: V2WriteRequestBuilder): Promise<WriteResult | void> {
    this.calls.push('write');
    this.lastBuild = builder.build();
    return new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  settle(result: WriteResult | undefined): void {
    this.resolve?.(result);
  }

  fail(error: Error): void {
    this.reject?.(error);
  }

  async flush(): Promise<void> {
    this.calls.push('flush');
  }

  async close(): Promise<void> {
    this.calls.push('close');
  }
}

class ResolvingWriter implements MetricsRemoteWriter {
  async write(): Promise<WriteResult> {
    return { ok: true };
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

function pairsOf(refs: number[], symbols: string[]): Array<{ name: string; value: string }> {
  const labels: Array<{ name: string; value: string }> = [];
  for (let i = 0; i < refs.length; i += 2) labels.push({ name: symbols[refs[i]], value: symbols[refs[i + 1]] });
  return labels;
}
