// OTLP/gRPC (opentelemetry-proto docs/specification.md, "OTLP/gRPC"): the OpenTelemetry JS SDK's gRPC
// exporter -> the bridge -> a fake Remote-Write receiver, and the spec's status codes seen by a plain
// grpc-js client: INVALID_ARGUMENT, RESOURCE_EXHAUSTED and UNAVAILABLE with RetryInfo, partial success.
import * as grpc from '@grpc/grpc-js';
import { OTLPMetricExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_METHOD_PATH } from '../../src/bridge/grpc.js';
import type { OtlpHttpBridge } from '../../src/bridge/server.js';
import { exportRequest, gauge, resourceMetrics, sum } from '../support/otlp.js';
import { encodeOtlp, otlpTypes } from '../support/proto.js';
import { type FakeReceiver, startFakeReceiver, startTestBridge, waitFor } from './support.js';

const NOW = Date.now();

// google.rpc.Status with RetryInfo details, decoded independently of src/ (field numbers as in googleapis).
const rpc = protobuf.parse(`
  syntax = "proto3";
  package rpc;
  message Any { string type_url = 1; bytes value = 2; }
  message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
  message Duration { int64 seconds = 1; int32 nanos = 2; }
  message RetryInfo { Duration retry_delay = 1; }
`).root;

function retryDelaySeconds(metadata: grpc.Metadata | undefined): number | undefined {
  const details = metadata?.get('grpc-status-details-bin')[0];
  if (!(details instanceof Buffer)) return undefined;
  const status = rpc.lookupType('rpc.Status').toObject(rpc.lookupType('rpc.Status').decode(details), { longs: Number }) as {
    details: Array<{ typeUrl: string; value: Uint8Array }>;
  };
  const retryInfo = status.details.find((any) => any.typeUrl === 'type.googleapis.com/google.rpc.RetryInfo');
  if (retryInfo === undefined) return undefined;
  return (rpc.lookupType('rpc.RetryInfo').toObject(rpc.lookupType('rpc.RetryInfo').decode(retryInfo.value), { longs: Number }) as { retryDelay: { seconds: number } }).retryDelay.seconds;
}

interface CallResult {
  error: grpc.ServiceError | null;
  response?: Uint8Array;
}

/** One unary Export call with a plain grpc-js client: bytes in, bytes out. */
function exportCall(address: string, body: Uint8Array, channelOptions: grpc.ChannelOptions = {}): Promise<CallResult> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), channelOptions);
  const identity = (bytes: Uint8Array) => Buffer.from(bytes);
  return new Promise((resolve) => {
    client.makeUnaryRequest(EXPORT_METHOD_PATH, identity, (buffer: Buffer) => new Uint8Array(buffer), body, (error, response) => {
      client.close();
      resolve({ error, response });
    });
  });
}

function sampleRequest(value: number, service = 'grpc'): Uint8Array {
  return encodeOtlp(
    exportRequest(
      resourceMetrics({ 'service.name': service, 'service.instance.id': 'i-1' }, [
        { metrics: [gauge({ name: 'queue.depth' }, [{ value, timeMs: NOW, attributes: { queue: 'a' } }])] },
      ]),
    ),
  );
}

describe('OTLP/gRPC MetricsService/Export', () => {
  let receiver: FakeReceiver;
  let bridge: OtlpHttpBridge;
  let address: string;
  beforeAll(async () => {
    receiver = await startFakeReceiver();
    bridge = await startTestBridge(receiver.url, { grpc: { port: 0 }, maxBodyBytes: 64 * 1024 });
    address = bridge.grpcAddress as string;
  });
  afterAll(async () => {
    await bridge.close();
    await receiver.close();
  });

  it('listens on 127.0.0.1 next to OTLP/HTTP', () => {
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  for (const compression of ['none', 'gzip'] as const) {
    it(`the OTel JS SDK's gRPC exporter (compression ${compression}): every series arrives with its value`, async () => {
      const job = `sdk-grpc-${compression}`;
      const exporter = new OtlpGrpcExporter({ url: `http://${address}`, compression: compression as never });
      const provider = new MeterProvider({
        resource: resourceFromAttributes({ 'service.name': job, 'service.instance.id': 'instance-1' }),
        readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
      });
      const meter = provider.getMeter('shop', '1.0.0');
      const orders = meter.createCounter('orders.placed', { unit: '{order}' });
      orders.add(2, { payment: 'card' });
      orders.add(1, { payment: 'cash' });
      const duration = meter.createHistogram('checkout.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 1] } });
      for (const seconds of [0.05, 0.5, 3]) duration.record(seconds);
      meter.createObservableGauge('queue.depth').addCallback((result) => result.observe(5, { queue: 'orders' }));
      await provider.forceFlush();
      await provider.shutdown();

      const base = `instance="instance-1",job="${job}"`;
      const expected: Record<string, number> = {
        [`orders_placed_total{${base},payment="card"}`]: 2,
        [`orders_placed_total{${base},payment="cash"}`]: 1,
        [`checkout_duration_seconds_count{${base}}`]: 3,
        [`checkout_duration_seconds_sum{${base}}`]: 3.55,
        [`checkout_duration_seconds_bucket{${base},le="0.1"}`]: 1,
        [`checkout_duration_seconds_bucket{${base},le="1"}`]: 2,
        [`checkout_duration_seconds_bucket{${base},le="+Inf"}`]: 3,
        [`queue_depth{${base},queue="orders"}`]: 5,
      };
      await waitFor(() => Object.keys(expected).every((key) => receiver.series().has(key)), 10_000, 'the SDK series');
      const series = receiver.series();
      for (const [key, value] of Object.entries(expected)) expect(series.get(key), key).toBeCloseTo(value, 9);
    });
  }

  it('answers an empty ExportMetricsServiceResponse for a fully accepted request', async () => {
    const { error, response } = await exportCall(address, sampleRequest(1));
    expect(error).toBeNull();
    expect(response).toEqual(new Uint8Array(0));
    await waitFor(() => receiver.series().get('queue_depth{instance="i-1",job="grpc",queue="a"}') === 1);
  });

  it('takes gzip-compressed messages (grpc-encoding: gzip)', async () => {
    const { error } = await exportCall(address, sampleRequest(2, 'grpc-gzip'), { 'grpc.default_compression_algorithm': 2 });
    expect(error).toBeNull();
    await waitFor(() => receiver.series().get('queue_depth{instance="i-1",job="grpc-gzip",queue="a"}') === 2);
  });

  it('reports data points translation drops as partial_success', async () => {
    const body = encodeOtlp(
      exportRequest(
        resourceMetrics({ 'service.name': 'partial-grpc' }, [
          {
            metrics: [
              gauge({ name: 'kept' }, [{ value: 1, timeMs: NOW }]),
              sum({ name: 'delta.requests', temporality: 1 }, [
                { value: 5, timeMs: NOW, attributes: { a: '1' } },
                { value: 6, timeMs: NOW, attributes: { a: '2' } },
              ]),
            ],
          },
        ]),
      ),
    );
    const { error, response } = await exportCall(address, body);
    expect(error).toBeNull();
    const type = otlpTypes().ExportMetricsServiceResponse;
    const decoded = type.toObject(type.decode(response as Uint8Array), { longs: String });
    expect(decoded.partialSuccess.rejectedDataPoints).toBe('2');
    expect(decoded.partialSuccess.errorMessage).toMatch(/delta_temporality/);
  });

  it('INVALID_ARGUMENT with the decoder message for an undecodable payload', async () => {
    const { error } = await exportCall(address, new Uint8Array([0x0a, 0xff, 0xff]));
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error?.details).toMatch(/\S/);
  });

  it('RESOURCE_EXHAUSTED for a message above --max-body-bytes, inflated size included', async () => {
    const big = new Uint8Array(128 * 1024);
    expect((await exportCall(address, big)).error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    // Zeros compress to almost nothing: the limit applies after inflating.
    expect((await exportCall(address, big, { 'grpc.default_compression_algorithm': 2 })).error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it('counts calls by status code on /metrics', async () => {
    const text = await (await fetch(`${bridge.url}/metrics`)).text();
    expect(text).toMatch(/^otlp2prw_bridge_grpc_calls_total\{method="Export",code="OK"\} [1-9]/m);
    expect(text).toMatch(/^otlp2prw_bridge_grpc_calls_total\{method="Export",code="INVALID_ARGUMENT"\} 1$/m);
  });
});

describe('OTLP/gRPC backpressure and shutdown', () => {
  it('RESOURCE_EXHAUSTED with RetryInfo when the queue is full', async () => {
    const receiver = await startFakeReceiver();
    receiver.status = 503;
    const bridge = await startTestBridge(receiver.url, { grpc: { port: 0 } }, { shards: 1, maxQueuedRequests: 1, retryAfterSeconds: 7 });
    try {
      expect((await exportCall(bridge.grpcAddress as string, sampleRequest(1))).error).toBeNull();
      const { error } = await exportCall(bridge.grpcAddress as string, sampleRequest(2));
      expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(error?.details).toMatch(/queue full/);
      // OTLP spec: RESOURCE_EXHAUSTED is retried only when the status carries RetryInfo.
      expect(retryDelaySeconds(error?.metadata)).toBe(7);
    } finally {
      await bridge.abort();
      await receiver.close();
    }
  });

  it('UNAVAILABLE with RetryInfo while shutting down', async () => {
    const receiver = await startFakeReceiver();
    receiver.delayMs = 1_000;
    const bridge = await startTestBridge(receiver.url, { grpc: { port: 0 }, retryAfterSeconds: 3 });
    const address = bridge.grpcAddress as string;
    try {
      expect((await exportCall(address, sampleRequest(1))).error).toBeNull();
      // close() drains the queue (the receiver takes 1 s) before it stops the gRPC server.
      const closing = bridge.close();
      const { error } = await exportCall(address, sampleRequest(2));
      expect(error?.code).toBe(grpc.status.UNAVAILABLE);
      expect(error?.details).toMatch(/shutting down/);
      expect(retryDelaySeconds(error?.metadata)).toBe(3);
      await closing;
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await bridge.abort();
      await receiver.close();
    }
  });
});
