// The OTLP/HTTP bridge in-process: OTLP protobuf and JSON (gzip'd too) in, Remote-Write out to a fake
// receiver; the OTLP/HTTP spec's responses; limits; CORS; operability endpoints; the RW1 fallback;
// backpressure; WAL.
import { request as httpRequest } from 'node:http';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SenderForwarder } from '../../src/bridge/sender-forwarder.js';
import { type OtlpHttpBridge, startBridge } from '../../src/bridge/server.js';
import { WriteAheadLog } from '../../src/bridge/wal.js';
import { fastPathCounts } from '../../src/engine/fused-request.js';
import { exportRequest, gauge, resourceMetrics, sum } from '../support/otlp.js';
import { encodeOtlp, otlpTypes } from '../support/proto.js';
import { type FaultServer, fast, silent, startFaultServer } from '../send/fault-server.js';
import { type FakeReceiver, seriesKey, startFakeReceiver, startTestBridge, waitFor } from './support.js';

const NOW = Date.now();

function sampleRequest(value = 7, service = 'checkout'): object {
  return exportRequest(
    resourceMetrics({ 'service.name': service, 'service.instance.id': 'i-1' }, [
      {
        name: 'test',
        metrics: [
          gauge({ name: 'queue.depth', unit: '{item}' }, [{ value, timeMs: NOW, attributes: { queue: 'a' } }]),
          sum({ name: 'jobs.done' }, [{ value: value * 10, timeMs: NOW, startMs: NOW - 60_000 }]),
        ],
      },
    ]),
  );
}

async function post(bridge: OtlpHttpBridge, body: Uint8Array | string, headers: Record<string, string>, urlPath = '/v1/metrics') {
  const response = await fetch(`${bridge.url}${urlPath}`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
}

const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
const JSON_TYPE = { 'Content-Type': 'application/json' };
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('OTLP/HTTP export -> Remote-Write', () => {
  let receiver: FakeReceiver;
  let bridge: OtlpHttpBridge;
  beforeAll(async () => {
    receiver = await startFakeReceiver();
    bridge = await startTestBridge(receiver.url, { maxBodyBytes: 64 * 1024, readTimeoutMs: 500, corsAllowedOrigins: ['https://app.example.com', 'https://*.shop.example'] });
  });
  afterAll(async () => {
    await bridge.close();
    await receiver.close();
  });

  it('translates a protobuf export once, on the wasm engine\'s fast path, and counts its data points', async () => {
    const before = { ...fastPathCounts };
    const response = await post(bridge, encodeOtlp(sampleRequest(3, 'fast')), PROTOBUF);
    expect(response.status).toBe(200);
    expect(fastPathCounts.accepted - before.accepted).toBe(1);
    // Its Remote-Write requests (shards, pieces) are written from the module, not translated again.
    expect(fastPathCounts.replayed - before.replayed).toBe(0);
    await waitFor(() => receiver.series().has('queue_depth{instance="i-1",job="fast",queue="a"}'));
    expect(bridge.telemetry.receivedDataPoints).toBeGreaterThanOrEqual(2);
  });

  it('forwards a protobuf request and answers 200 with an empty ExportMetricsServiceResponse', async () => {
    const response = await post(bridge, encodeOtlp(sampleRequest(1, 'proto')), PROTOBUF);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    expect(response.bytes.length).toBe(0);
    await waitFor(() => receiver.series().has('queue_depth{instance="i-1",job="proto",queue="a"}'));
    expect(receiver.series().get('jobs_done_total{instance="i-1",job="proto"}')).toBe(10);
    expect(receiver.headers[0]['content-type']).toBe('application/x-protobuf;proto=io.prometheus.write.v2.Request');
    expect(receiver.headers[0]['x-prometheus-remote-write-version']).toBe('2.0.0');
    expect(receiver.headers[0]['content-encoding']).toBe('snappy');
  });

  it('forwards a JSON request and answers {} in JSON', async () => {
    const response = await post(bridge, JSON.stringify(sampleRequest(2, 'json')), { 'Content-Type': 'application/json; charset=utf-8' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(text(response.bytes))).toEqual({});
    await waitFor(() => receiver.series().get('queue_depth{instance="i-1",job="json",queue="a"}') === 2);
  });

  it('takes gzip bodies, protobuf and JSON', async () => {
    expect((await post(bridge, gzipSync(encodeOtlp(sampleRequest(3, 'gz-proto'))), { ...PROTOBUF, 'Content-Encoding': 'gzip' })).status).toBe(200);
    expect((await post(bridge, gzipSync(JSON.stringify(sampleRequest(4, 'gz-json'))), { ...JSON_TYPE, 'Content-Encoding': 'gzip' })).status).toBe(200);
    await waitFor(() => receiver.series().get('queue_depth{instance="i-1",job="gz-proto",queue="a"}') === 3);
    await waitFor(() => receiver.series().get('queue_depth{instance="i-1",job="gz-json",queue="a"}') === 4);
  });

  describe('partial success: data points translation drops are reported, the rest is forwarded', () => {
    const withDelta = () =>
      exportRequest(
        resourceMetrics({ 'service.name': 'partial' }, [
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
      );

    it('JSON: partialSuccess with rejectedDataPoints as an int64 string', async () => {
      const response = await post(bridge, JSON.stringify(withDelta()), JSON_TYPE);
      expect(response.status).toBe(200);
      const body = JSON.parse(text(response.bytes));
      expect(body.partialSuccess.rejectedDataPoints).toBe('2');
      expect(body.partialSuccess.errorMessage).toMatch(/delta_temporality: 2/);
      expect(body.partialSuccess.errorMessage).toMatch(/delta\.requests/);
      await waitFor(() => receiver.series().has('kept{job="partial"}'));
    });

    it('protobuf: ExportMetricsServiceResponse.partial_success', async () => {
      const response = await post(bridge, encodeOtlp(withDelta()), PROTOBUF);
      expect(response.status).toBe(200);
      const decoded = otlpTypes().ExportMetricsServiceResponse.toObject(otlpTypes().ExportMetricsServiceResponse.decode(response.bytes), { longs: String });
      expect(decoded.partialSuccess.rejectedDataPoints).toBe('2');
      expect(decoded.partialSuccess.errorMessage).toMatch(/delta_temporality/);
    });
  });

  describe('refusals', () => {
    it('400 with the decoder message for undecodable protobuf, as a google.rpc.Status', async () => {
      const response = await post(bridge, new Uint8Array([0x0a, 0xff, 0xff]), PROTOBUF);
      expect(response.status).toBe(400);
      // Status { code = 1: 3 INVALID_ARGUMENT, message = 2 }
      expect(response.bytes[0]).toBe(0x08);
      expect(response.bytes[1]).toBe(3);
      expect(text(response.bytes.subarray(4))).toMatch(/invalid OTLP metrics request/);
    });

    it('400 for invalid JSON, as a JSON Status', async () => {
      const response = await post(bridge, '{"resourceMetrics": [', JSON_TYPE);
      expect(response.status).toBe(400);
      const body = JSON.parse(text(response.bytes));
      expect(body.code).toBe(3);
      expect(body.message).toMatch(/invalid OTLP metrics request/);
    });

    it('400 for a body that is not gzip although it says so', async () => {
      const response = await post(bridge, encodeOtlp(sampleRequest()), { ...PROTOBUF, 'Content-Encoding': 'gzip' });
      expect(response.status).toBe(400);
    });

    it('413 when Content-Length exceeds --max-body-bytes', async () => {
      const response = await post(bridge, new Uint8Array(100 * 1024), PROTOBUF);
      expect(response.status).toBe(413);
      expect(text(response.bytes)).toMatch(/exceeds the limit of 65536 bytes/);
    });

    it('413 for a chunked body counted while streaming', async () => {
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpRequest(`${bridge.url}/v1/metrics`, { method: 'POST', headers: { ...PROTOBUF, 'Transfer-Encoding': 'chunked' } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        for (let i = 0; i < 10; i++) request.write(new Uint8Array(16 * 1024));
        request.end();
      });
      expect(status).toBe(413);
    });

    it('413 for a gzip bomb: small on the wire, too large inflated', async () => {
      const bomb = gzipSync(new Uint8Array(50 * 1024 * 1024));
      expect(bomb.length).toBeLessThan(64 * 1024);
      const response = await post(bridge, bomb, { ...PROTOBUF, 'Content-Encoding': 'gzip' });
      expect(response.status).toBe(413);
      expect(text(response.bytes)).toMatch(/inflated request body exceeds/);
    });

    it('415 for another Content-Type or Content-Encoding, with a message', async () => {
      const plain = await post(bridge, 'x', { 'Content-Type': 'text/plain' });
      expect(plain.status).toBe(415);
      expect(text(plain.bytes)).toMatch(/application\/x-protobuf or application\/json/);
      const brotli = await post(bridge, 'x', { ...PROTOBUF, 'Content-Encoding': 'br' });
      expect(brotli.status).toBe(415);
    });

    it('408 when the body does not arrive within --read-timeout-ms', async () => {
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpRequest(`${bridge.url}/v1/metrics`, { method: 'POST', headers: { ...PROTOBUF, 'Content-Length': '100' } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        request.write(new Uint8Array(10));
      });
      expect(status).toBe(408);
    });

    it('405 for GET /v1/metrics, 404 elsewhere', async () => {
      expect((await fetch(`${bridge.url}/v1/metrics`)).status).toBe(405);
      expect((await fetch(`${bridge.url}/v1/traces`)).status).toBe(404);
    });
  });

  describe('CORS', () => {
    it('answers a preflight from an allowed origin', async () => {
      const response = await fetch(`${bridge.url}/v1/metrics`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(response.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(response.headers.get('access-control-allow-headers')).toBe('content-type');
    });

    it('matches wildcard origins and refuses others', async () => {
      const preflight = (origin: string) =>
        fetch(`${bridge.url}/v1/metrics`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } });
      expect((await preflight('https://eu.shop.example')).status).toBe(204);
      const refused = await preflight('https://evil.example');
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('sets the headers on the export response', async () => {
      const response = await fetch(`${bridge.url}/v1/metrics`, { method: 'POST', headers: { ...JSON_TYPE, Origin: 'https://app.example.com' }, body: JSON.stringify(sampleRequest()) });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(response.headers.get('access-control-expose-headers')).toMatch(/Retry-After/);
    });
  });

  describe('operability', () => {
    it('/-/healthy and /-/ready answer 200', async () => {
      expect((await fetch(`${bridge.url}/-/healthy`)).status).toBe(200);
      expect((await fetch(`${bridge.url}/-/ready`)).status).toBe(200);
    });

    it('/metrics exposes the bridge and sender counters', async () => {
      const response = await fetch(`${bridge.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
      const body = await response.text();
      expect(body).toMatch(/^otlp2prw_bridge_http_requests_total\{handler="\/v1\/metrics",code="200"\} \d+$/m);
      expect(body).toMatch(/^otlp2prw_bridge_http_requests_total\{handler="\/v1\/metrics",code="413"\} \d+$/m);
      expect(body).toMatch(/^otlp2prw_bridge_received_data_points_total [1-9]\d*$/m);
      expect(body).toMatch(/^otlp2prw_bridge_rejected_data_points_total\{reason="delta_temporality"\} 4$/m);
      expect(body).toMatch(/^otlp2prw_bridge_received_bytes_total [1-9]\d*$/m);
      // The sender's own telemetry (src/send) follows, with its own otlp2prw_ names.
      expect(body).toMatch(/^otlp2prw_(?!bridge_)\w+(\{[^}]*\})? \d+/m);
    });
  });
});

describe('Remote-Write 1.0 fallback: once the forwarder sends RW1, exports skip the fast path (RW2 only)', () => {
  let receiver: FaultServer;
  let bridge: OtlpHttpBridge;
  afterEach(async () => {
    await bridge.close();
    await receiver.close();
  });

  /** A bridge over a one-shard sender (one Remote-Write request per export) to `receiver`. */
  async function startBridgeTo(protobufMessage?: 'v1'): Promise<SenderForwarder> {
    const forwarder = new SenderForwarder({ url: receiver.url, shards: 1, retry: fast, logger: silent, protobufMessage });
    bridge = await startBridge({ port: 0, forwarder });
    return forwarder;
  }

  /** Posts one protobuf export, waits for its delivery, and returns what it did on the fast path. */
  async function exportOnce(forwarder: SenderForwarder, value: number, service: string) {
    const before = { ...fastPathCounts };
    expect((await post(bridge, encodeOtlp(sampleRequest(value, service)), PROTOBUF)).status).toBe(200);
    await forwarder.flush();
    return { accepted: fastPathCounts.accepted - before.accepted, replayed: fastPathCounts.replayed - before.replayed };
  }

  /** `name{labels}` -> last value, over the RW1 requests the receiver accepted. */
  function writtenV1(): Map<string, number> {
    const series = new Map<string, number>();
    for (const request of receiver.received) {
      if (request.message !== 'v1' || request.answered !== 204 || request.decoded === undefined) continue;
      for (const s of request.decoded.timeseries) series.set(seriesKey(s.labels), s.samples[s.samples.length - 1].value);
    }
    return series;
  }

  it('after a 415 to RW2 the bridge sends RW1, and its exports are translated once (no replay), with the data intact', async () => {
    receiver = await startFaultServer([{ status: 415 }]);
    const forwarder = await startBridgeTo();
    expect(forwarder.protobufMessage).toBe('v2');
    // RW2: the fast path writes the request; the client turns those bytes into RW1 after the 415 (no replay).
    expect(await exportOnce(forwarder, 1, 'before-fallback')).toEqual({ accepted: 1, replayed: 0 });
    expect(forwarder.protobufMessage).toBe('v1');
    // RW1 from now on: a fast-path builder would hold each request and translate it again to encode RW1.
    expect(await exportOnce(forwarder, 2, 'after-fallback-1')).toEqual({ accepted: 0, replayed: 0 });
    expect(await exportOnce(forwarder, 3, 'after-fallback-2')).toEqual({ accepted: 0, replayed: 0 });
    expect(receiver.received.map((request) => `${request.message} ${request.answered}`)).toEqual(['v2 415', 'v1 204', 'v1 204', 'v1 204']);
    const written = writtenV1();
    for (const [service, value] of [['before-fallback', 1], ['after-fallback-1', 2], ['after-fallback-2', 3]] as const) {
      expect(written.get(`queue_depth{instance="i-1",job="${service}",queue="a"}`)).toBe(value);
      expect(written.get(`jobs_done_total{instance="i-1",job="${service}"}`)).toBe(value * 10);
    }
    expect(written.size).toBe(6);
  });

  it('a forwarder forced to RW1 (protobufMessage v1) never has its exports take the fast path', async () => {
    receiver = await startFaultServer();
    const forwarder = await startBridgeTo('v1');
    expect(await exportOnce(forwarder, 4, 'forced-1')).toEqual({ accepted: 0, replayed: 0 });
    expect(await exportOnce(forwarder, 5, 'forced-2')).toEqual({ accepted: 0, replayed: 0 });
    expect(receiver.received.map((request) => `${request.message} ${request.answered}`)).toEqual(['v1 204', 'v1 204']);
    expect(writtenV1().get('queue_depth{instance="i-1",job="forced-2",queue="a"}')).toBe(5);
  });
});

describe('backpressure', () => {
  it('answers 429 with Retry-After when the receiver is down and the queue is full', async () => {
    const receiver = await startFakeReceiver();
    receiver.status = 503;
    const bridge = await startTestBridge(receiver.url, { retryAfterSeconds: 7 }, { shards: 1, maxQueuedRequests: 1, retryAfterSeconds: 7 });
    try {
      expect((await post(bridge, encodeOtlp(sampleRequest(1)), PROTOBUF)).status).toBe(200);
      const refused = await post(bridge, encodeOtlp(sampleRequest(2)), PROTOBUF);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('7');
      expect(text(refused.bytes)).toMatch(/queue full/);
    } finally {
      await bridge.abort();
      await receiver.close();
    }
  });

  it('refuses before decoding while the queue is full: even bytes that are not OTLP get 429, not 400', async () => {
    const receiver = await startFakeReceiver();
    receiver.status = 503;
    const bridge = await startTestBridge(receiver.url, { retryAfterSeconds: 7 }, { shards: 1, maxQueuedRequests: 1, retryAfterSeconds: 7 });
    try {
      expect((await post(bridge, encodeOtlp(sampleRequest(1)), PROTOBUF)).status).toBe(200);
      const refused = await post(bridge, new Uint8Array([0xff, 0xff, 0xff]), PROTOBUF);
      expect(refused.status).toBe(429);
      expect(text(refused.bytes)).toMatch(/queue full \(1\/1 requests queued\)/);
      // Once the receiver is back and the queue drains, the same bytes reach the decoder.
      receiver.status = 204;
      let status = 429;
      for (const deadline = Date.now() + 5_000; status === 429 && Date.now() < deadline; ) {
        status = (await post(bridge, new Uint8Array([0xff, 0xff, 0xff]), PROTOBUF)).status;
        if (status === 429) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(status).toBe(400);
    } finally {
      await bridge.abort();
      await receiver.close();
    }
  });
});

describe('backpressure before decoding', () => {
  it('refuses when the queue has less room than the last write took (2 requests queued, room for 1 more)', async () => {
    const receiver = await startFakeReceiver();
    receiver.status = 503;
    // maxSeriesPerRequest 1: sampleRequest's two series become two Remote-Write requests.
    const bridge = await startTestBridge(receiver.url, { retryAfterSeconds: 7 }, { shards: 1, maxQueuedRequests: 3, maxSeriesPerRequest: 1, retryAfterSeconds: 7 });
    try {
      expect((await post(bridge, encodeOtlp(sampleRequest(1)), PROTOBUF)).status).toBe(200);
      const refused = await post(bridge, new Uint8Array([0xff, 0xff, 0xff]), PROTOBUF);
      expect(refused.status).toBe(429);
      expect(text(refused.bytes)).toMatch(/queue full \(2\/3 requests queued\)/);
    } finally {
      await bridge.abort();
      await receiver.close();
    }
  });
});

describe('write-ahead log (--wal-dir)', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'otlp2prw-wal-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps acknowledged requests across a crash and replays them on restart', async () => {
    const receiver = await startFakeReceiver();
    receiver.status = 503;
    const dir = tempDir();
    const first = await startTestBridge(receiver.url, { wal: await WriteAheadLog.open(dir, 1 << 20) });
    for (let i = 0; i < 3; i++) {
      const response = await post(first, encodeOtlp(sampleRequest(i, `svc-${i}`)), PROTOBUF);
      expect(response.status).toBe(200);
    }
    expect(readdirSync(dir).filter((name) => name.endsWith('.pb'))).toHaveLength(3);
    // A crash: no flush, nothing delivered.
    await first.abort();
    expect(receiver.requests).toHaveLength(0);
    expect(readdirSync(dir).filter((name) => name.endsWith('.pb'))).toHaveLength(3);

    receiver.status = 204;
    const second = await startTestBridge(receiver.url, { wal: await WriteAheadLog.open(dir, 1 << 20) });
    try {
      await waitFor(() => [0, 1, 2].every((i) => receiver.series().get(`queue_depth{instance="i-1",job="svc-${i}",queue="a"}`) === i), 10_000, 'replayed series');
      await waitFor(() => readdirSync(dir).length === 0, 5_000, 'an empty WAL');
    } finally {
      await second.close();
      await receiver.close();
    }
  });

  it('answers 503 with Retry-After when the WAL is full', async () => {
    const receiver = await startFakeReceiver();
    receiver.status = 503;
    const body = encodeOtlp(sampleRequest(1));
    const bridge = await startTestBridge(receiver.url, { wal: await WriteAheadLog.open(tempDir(), body.length * 2), retryAfterSeconds: 3 });
    try {
      expect((await post(bridge, body, PROTOBUF)).status).toBe(200);
      expect((await post(bridge, body, PROTOBUF)).status).toBe(200);
      const refused = await post(bridge, body, PROTOBUF);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('3');
      expect(text(refused.bytes)).toMatch(/write-ahead log full/);
    } finally {
      await bridge.abort();
      await receiver.close();
    }
  });

  it('moves an entry it cannot decode aside instead of replaying it forever', async () => {
    const receiver = await startFakeReceiver();
    const dir = tempDir();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(dir, '0000000000000001.pb'), new Uint8Array([0x0a, 0xff]));
    writeFileSync(path.join(dir, '0000000000000002.pb.tmp'), new Uint8Array([1]));
    const bridge = await startTestBridge(receiver.url, { wal: await WriteAheadLog.open(dir, 1 << 20) });
    try {
      expect(readdirSync(dir).sort()).toEqual(['0000000000000001.pb.corrupt']);
    } finally {
      await bridge.close();
      await receiver.close();
    }
  });
});

/** An embedded receiver whose log lines land in `lines`. */
async function loggedEmbeddedReceiver(seriesShown?: number) {
  const { EmbeddedReceiver } = await import('../../src/bridge/embedded-receiver.js');
  const { createLogger } = await import('../../src/bridge/log.js');
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', write: (line) => lines.push(line) });
  return { embedded: await EmbeddedReceiver.start({ logger, seriesShown }), logger, lines };
}

describe('embedded receiver and --demo traffic (what `otlp2prw serve --demo` runs)', () => {
  it('the demo exports reach the embedded receiver, which decodes and logs them', async () => {
    const { startDemoTraffic } = await import('../../src/bridge/demo-traffic.js');
    const { embedded, logger, lines } = await loggedEmbeddedReceiver();
    const bridge = await startTestBridge(embedded.url, { logger });
    const demo = startDemoTraffic(`${bridge.url}/v1/metrics`, 60_000, logger);
    try {
      await waitFor(() => embedded.requests > 0, 10_000, 'a request at the embedded receiver');
      expect(lines.some((line) => /msg="embedded receiver: remote-write request" message=io.prometheus.write.v2.Request series=\d+ samples=\d+/.test(line))).toBe(true);
      // The export may reach the receiver as several requests (the bridge shards series): wait for the one with it.
      await waitFor(() => lines.some((line) => line.includes('http_server_requests_total{')), 10_000, 'http_server_requests_total logged');
    } finally {
      demo.stop();
      await bridge.close();
      await embedded.close();
    }
  });
});

describe('embedded receiver answers with what it wrote and logs the first series', () => {
  it('counts every series, renders only the shown ones', async () => {
    const { V2WriteRequestBuilder } = await import('../../src/builder/builder.js');
    const { embedded, lines } = await loggedEmbeddedReceiver(2);
    try {
      const points = Array.from({ length: 5 }, (_, i) => ({ value: i, timeMs: 1_764_000_000_000, attributes: { pod: `p${i}` } }));
      const body = new V2WriteRequestBuilder().add(exportRequest(resourceMetrics({ 'service.name': 'api' }, [{ metrics: [gauge({ name: 'queue' }, points)] }]))).encodeSnappy();
      const response = await fetch(embedded.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request', 'content-encoding': 'snappy' },
        body: Buffer.from(body),
      });
      expect(response.status).toBe(204);
      // 5 gauge series (no target_info: the resource has no attribute besides service.name).
      expect(response.headers.get('x-prometheus-remote-write-samples-written')).toBe('5');
      expect(embedded.series).toBe(5);
      expect(lines.filter((line) => line.includes('msg="embedded receiver:   series"'))).toHaveLength(2);
      expect(lines.some((line) => line.includes('... and 3 more series'))).toBe(true);
    } finally {
      await embedded.close();
    }
  });
});
