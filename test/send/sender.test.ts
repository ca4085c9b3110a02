// RemoteWriteSender: sharding, one request in flight per shard, order per series, bounded queue with
// backpressure, flush/close, and self-telemetry.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { V2WriteRequestBuilder } from '../../src/builder/builder.js';
import { fastPathCounts } from '../../src/engine/fused-request.js';
import { QueueFullError, RemoteWriteConfigError, SenderClosedError } from '../../src/send/errors.js';
import type { SendOutcome } from '../../src/send/outcome.js';
import { RemoteWriteSender } from '../../src/send/sender.js';
import { readWriteRequest } from '../../src/rw/read.js';
import { encodeOtlp } from '../support/proto.js';
import { type FaultServer, encodedRequest, fast, otlpGauges, silent, startFaultServer } from './fault-server.js';

let server: FaultServer | undefined;
let slow: http.Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (slow) {
    slow.closeAllConnections();
    await new Promise((r) => slow!.close(r));
    slow = undefined;
  }
});

/** A receiver that answers 204 (with Written headers) after `delayMs`, tracking concurrency and per-series timestamps. */
async function startSlowReceiver(delayMs: number) {
  const state = { inFlight: 0, maxInFlight: 0, requests: 0, samples: 0, perSeries: new Map<string, number[]>() };
  slow = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const decoded = readWriteRequest(new Uint8Array(Buffer.concat(chunks)));
      let samples = 0;
      for (const series of decoded.timeseries) {
        const key = series.labels.map((l) => `${l.name}=${l.value}`).join(',');
        const list = state.perSeries.get(key) ?? [];
        for (const s of series.samples) list.push(s.timestamp);
        state.perSeries.set(key, list);
        samples += series.samples.length;
      }
      setTimeout(() => {
        state.inFlight--;
        state.requests++;
        state.samples += samples;
        res.writeHead(204, {
          'X-Prometheus-Remote-Write-Samples-Written': String(samples),
          'X-Prometheus-Remote-Write-Histograms-Written': '0',
          'X-Prometheus-Remote-Write-Exemplars-Written': '0',
        });
        res.end();
      }, delayMs);
    });
  });
  await new Promise<void>((r) => slow!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/api/v1/write`, state };
}

describe('sharding and order', () => {
  it('at most one request in flight per shard; per-series timestamps arrive in order', async () => {
    const receiver = await startSlowReceiver(15);
    const sender = new RemoteWriteSender({ url: receiver.url, shards: 3, maxSeriesPerRequest: 4, logger: silent, builder: { engine: 'js' } });
    const t0 = Date.now() - 120_000;
    for (let round = 0; round < 6; round++) await sender.write(otlpGauges(20, 1, t0 + round * 1000));
    await sender.flush();
    expect(receiver.state.maxInFlight).toBeLessThanOrEqual(3);
    expect(receiver.state.maxInFlight).toBeGreaterThan(1);
    expect(receiver.state.samples).toBe(120);
    expect(receiver.state.perSeries.size).toBe(20);
    for (const timestamps of receiver.state.perSeries.values()) {
      expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
      expect(timestamps).toHaveLength(6);
    }
    const t = sender.telemetry();
    expect(t.queue).toMatchObject({ shards: 3, pendingRequests: 0, pendingBytes: 0 });
    expect(t.samples.sent).toBe(120);
    await sender.close();
  });

  it('write(builder) encodes at once: the builder may be reset right after', async () => {
    server = await startFaultServer();
    const sender = new RemoteWriteSender({ url: server.url, logger: silent });
    const builder = new V2WriteRequestBuilder({ engine: 'js' }).add(otlpGauges(5));
    const pending = sender.write(builder);
    builder.reset().add(otlpGauges(2, 1, Date.now() - 30_000, 'other_metric'));
    await pending;
    await sender.flush();
    expect(server.accepted()).toHaveLength(5);
    expect(server.accepted().every((k) => k.includes('test_gauge'))).toBe(true);
  });

  it('bad OTLP input rejects with the builder error and queues nothing', async () => {
    server = await startFaultServer();
    const sender = new RemoteWriteSender({ url: server.url, logger: silent });
    await expect(sender.write('{not json')).rejects.toThrow();
    await sender.flush();
    expect(server.received).toHaveLength(0);
  });
});

describe('failures do not stop a shard', () => {
  it('a rejected request is reported and the next one is sent', async () => {
    server = await startFaultServer([{ status: 400, body: 'bad' }]);
    const outcomes: SendOutcome[] = [];
    const sender = new RemoteWriteSender({ url: server.url, retry: fast, logger: silent, onOutcome: (o) => outcomes.push(o) });
    await sender.write(otlpGauges(2, 1, Date.now() - 60_000));
    await sender.write(otlpGauges(2, 1, Date.now() - 50_000));
    await sender.flush();
    expect(outcomes.map((o) => o.kind)).toEqual(['rejected', 'written']);
    expect(server.accepted()).toHaveLength(2);
  });
});

describe('fallback remembered by the sender', () => {
  it('after a 415 later writes are encoded as RW1 directly', async () => {
    server = await startFaultServer([{ status: 415 }]);
    const sender = new RemoteWriteSender({ url: server.url, retry: fast, logger: silent });
    await sender.write(otlpGauges(3, 1, Date.now() - 60_000));
    await sender.flush();
    await sender.write(otlpGauges(3, 1, Date.now() - 50_000));
    await sender.flush();
    expect(server.received.map((r) => r.message)).toEqual(['v2', 'v1', 'v1']);
    expect(server.accepted()).toHaveLength(6);
    expect(sender.client.protobufMessage).toBe('v1');
  });

  it('protobuf writes take the wasm fast path while RW2 is sent, and the general path once RW1 is', async () => {
    server = await startFaultServer([{ status: 415 }]);
    const sender = new RemoteWriteSender({ url: server.url, retry: fast, logger: silent, maxSeriesPerRequest: 2 });
    const write = async (t0: number) => {
      const before = { ...fastPathCounts };
      await sender.write(encodeOtlp(otlpGauges(3, 1, t0)));
      await sender.flush();
      return { accepted: fastPathCounts.accepted - before.accepted, replayed: fastPathCounts.replayed - before.replayed };
    };
    // RW2 pieces written from the fast path (no second translation), then converted to RW1 after the 415.
    expect(await write(Date.now() - 60_000)).toEqual({ accepted: 1, replayed: 0 });
    // RW1 from the start: the fast path, which writes RW2 only, is not tried.
    expect(await write(Date.now() - 50_000)).toEqual({ accepted: 0, replayed: 0 });
    // The 415 answers the first piece; it and the second go as RW1.
    expect(server.received.map((r) => r.message)).toEqual(['v2', 'v1', 'v1', 'v1', 'v1']);
    expect(server.accepted()).toHaveLength(6);
  });
});

describe('bounded queue and backpressure', () => {
  it("onFull 'reject': QueueFullError, nothing of that write queued, counted as dropped", async () => {
    const receiver = await startSlowReceiver(100);
    const sender = new RemoteWriteSender({ url: receiver.url, maxSeriesPerRequest: 1, maxQueuedRequests: 3, onFull: 'reject', logger: silent });
    await sender.write(otlpGauges(3)); // 3 requests: queue full
    const error = await sender.write(otlpGauges(1, 1, Date.now() - 30_000)).catch((e) => e);
    expect(error).toBeInstanceOf(QueueFullError);
    expect(error.code).toBe('QUEUE_FULL');
    await sender.flush();
    expect(receiver.state.samples).toBe(3);
    const t = sender.telemetry();
    expect(t.samples.dropped).toBe(1);
    expect(t.queue.queueFullRejections).toBe(1);
    expect(sender.telemetryText()).toContain('otlp2prw_queue_full_total 1');
  });

  it("onFull 'wait': the write waits for room, nothing is lost, the queue never exceeds its bound", async () => {
    const receiver = await startSlowReceiver(20);
    const sender = new RemoteWriteSender({ url: receiver.url, maxSeriesPerRequest: 1, maxQueuedRequests: 2, onFull: 'wait', logger: silent });
    let maxPending = 0;
    const timer = setInterval(() => {
      maxPending = Math.max(maxPending, sender.telemetry().queue.pendingRequests);
    }, 2);
    const started = Date.now();
    const writes = [sender.write(otlpGauges(4)), sender.write(otlpGauges(4, 1, Date.now() - 30_000))];
    await writes[0];
    // The first write could not be queued at once: 4 requests, room for 2, 20 ms each.
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
    await Promise.all(writes);
    await sender.flush();
    clearInterval(timer);
    expect(receiver.state.samples).toBe(8);
    expect(maxPending).toBeLessThanOrEqual(2);
  });

  it('maxQueuedBytes bounds the queue too', async () => {
    const receiver = await startSlowReceiver(50);
    const one = encodedRequest(1);
    const sender = new RemoteWriteSender({ url: receiver.url, maxQueuedBytes: one.body.length * 2 + 1, onFull: 'reject', logger: silent });
    await sender.writeEncoded([one, encodedRequest(1)]);
    await expect(sender.writeEncoded([encodedRequest(1)])).rejects.toBeInstanceOf(QueueFullError);
    await sender.flush();
  });
});

describe('flush and close', () => {
  it('flush waits for retries; close drains then refuses writes', async () => {
    server = await startFaultServer([{ status: 503 }, { status: 503 }]);
    const sender = new RemoteWriteSender({ url: server.url, retry: fast, logger: silent });
    await sender.write(otlpGauges(2));
    await sender.close();
    expect(server.accepted()).toHaveLength(2);
    expect(server.received).toHaveLength(3);
    await expect(sender.write(otlpGauges(1))).rejects.toBeInstanceOf(SenderClosedError);
  });

  it('flush on an idle sender resolves at once', async () => {
    const sender = new RemoteWriteSender({ url: 'http://127.0.0.1:9/api/v1/write' });
    await sender.flush();
  });

  it('configuration errors', () => {
    expect(() => new RemoteWriteSender({})).toThrow(RemoteWriteConfigError);
    expect(() => new RemoteWriteSender({ url: 'http://x/', shards: 0 })).toThrow(/shards/);
    expect(() => new RemoteWriteSender({ url: 'http://x/', maxQueuedRequests: 0 })).toThrow(/maxQueuedRequests/);
    expect(() => new RemoteWriteSender({ url: 'http://x/', onFull: 'drop' as never })).toThrow(/onFull/);
  });
});
