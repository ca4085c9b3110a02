// The bridge's batching (BridgeOptions.batch, --batch-max-delay-ms): exports arriving together become one
// write, each answered once the batch is queued with its own partial success; a bad export is refused
// alone; the WAL keeps each export's entry until the batch is delivered.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OtlpHttpBridge } from '../../src/bridge/server.js';
import { WriteAheadLog } from '../../src/bridge/wal.js';
import { resolveServeConfig } from '../../src/cli/serve.js';
import { fastPathCounts } from '../../src/engine/fused-request.js';
import { exportRequest, gauge, resourceMetrics, sum } from '../support/otlp.js';
import { encodeOtlp, otlpTypes } from '../support/proto.js';
import { type FakeReceiver, startFakeReceiver, startTestBridge, waitFor } from './support.js';

const NOW = Date.now();
const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };

function exportOf(service: string, value: number, withDelta = false): Uint8Array {
  const metrics = [gauge({ name: 'queue.depth' }, [{ value, timeMs: NOW, attributes: { queue: 'a' } }])];
  if (withDelta) metrics.push(sum({ name: 'delta.requests', temporality: 1 }, [{ value: 5, timeMs: NOW }]));
  return encodeOtlp(exportRequest(resourceMetrics({ 'service.name': service, 'service.instance.id': 'i-1' }, [{ metrics }])));
}

async function post(bridge: OtlpHttpBridge, body: Uint8Array) {
  const response = await fetch(`${bridge.url}/v1/metrics`, { method: 'POST', headers: PROTOBUF, body: new Uint8Array(body) });
  return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()) };
}

const rejectedOf = (bytes: Uint8Array) =>
  bytes.length === 0 ? '0' : (otlpTypes().ExportMetricsServiceResponse.toObject(otlpTypes().ExportMetricsServiceResponse.decode(bytes), { longs: String }).partialSuccess?.rejectedDataPoints ?? '0');

describe('bridge batching (--batch-max-delay-ms)', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function setUp(batch: { maxDelayMs: number; maxDataPoints?: number }, wal?: WriteAheadLog): Promise<{ receiver: FakeReceiver; bridge: OtlpHttpBridge }> {
    const receiver = await startFakeReceiver();
    cleanups.push(() => receiver.close());
    const bridge = await startTestBridge(receiver.url, { batch, wal }, { shards: 1 });
    cleanups.push(() => bridge.close());
    return { receiver, bridge };
  }

  it('exports arriving within the delay go as one Remote-Write request, each fused and answered with its own partial success', async () => {
    const { receiver, bridge } = await setUp({ maxDelayMs: 300 });
    const before = { ...fastPathCounts };
    const bad = new Uint8Array([0x0a, 0x05, 0x01]);
    const responses = await Promise.all([post(bridge, exportOf('a', 1)), post(bridge, exportOf('b', 2, true)), post(bridge, bad), post(bridge, exportOf('c', 3))]);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 400, 200]);
    // b's delta sum is not translated: its answer says so, the others' do not.
    expect(responses.map((response, i) => (i === 2 ? '-' : rejectedOf(response.bytes)))).toEqual(['0', '1', '-', '0']);
    await waitFor(() => receiver.series().size >= 3);
    expect(receiver.requests).toHaveLength(1);
    expect([...receiver.series().keys()].filter((key) => key.startsWith('queue_depth')).sort()).toEqual([
      'queue_depth{instance="i-1",job="a",queue="a"}',
      'queue_depth{instance="i-1",job="b",queue="a"}',
      'queue_depth{instance="i-1",job="c",queue="a"}',
    ]);
    // a, b and c joined one held request on the fast path (b's dropped metric declines it: the general path takes it from there).
    expect(fastPathCounts.accepted - before.accepted).toBeGreaterThanOrEqual(1);
  });

  it('JSON exports batch apart from protobuf ones: the protobuf batch stays on the fast path (no replay)', async () => {
    const { receiver, bridge } = await setUp({ maxDelayMs: 300 });
    const before = { ...fastPathCounts };
    const json = (service: string, value: number) =>
      fetch(`${bridge.url}/v1/metrics`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(exportRequest(resourceMetrics({ 'service.name': service, 'service.instance.id': 'i-1' }, [{ metrics: [gauge({ name: 'queue.depth' }, [{ value, timeMs: NOW, attributes: { queue: 'a' } }])] }]))),
      }).then((response) => response.status);
    const statuses = await Promise.all([post(bridge, exportOf('p1', 1)).then((r) => r.status), json('j1', 2), post(bridge, exportOf('p2', 3)).then((r) => r.status), json('j2', 4)]);
    expect(statuses).toEqual([200, 200, 200, 200]);
    await waitFor(() => receiver.series().size >= 4);
    // One write per encoding; the two protobuf exports joined one fused request and were not replayed.
    expect(receiver.requests).toHaveLength(2);
    expect([fastPathCounts.accepted - before.accepted, fastPathCounts.replayed - before.replayed]).toEqual([2, 0]);
    expect(receiver.series().get('queue_depth{instance="i-1",job="j2",queue="a"}')).toBe(4);
  });

  it('a batch goes at once when it holds maxDataPoints; a later export opens the next one', async () => {
    const { receiver, bridge } = await setUp({ maxDelayMs: 60_000, maxDataPoints: 2 });
    const started = Date.now();
    const responses = await Promise.all([post(bridge, exportOf('a', 1)), post(bridge, exportOf('b', 2))]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(Date.now() - started).toBeLessThan(30_000);
    await waitFor(() => receiver.requests.length === 1);
    const next = await Promise.all([post(bridge, exportOf('c', 3)), post(bridge, exportOf('d', 4))]);
    expect(next.map((response) => response.status)).toEqual([200, 200]);
    await waitFor(() => receiver.requests.length === 2);
    expect(receiver.requests.map((request) => request.timeseries.length)).toEqual([2, 2]);
  });

  it('close() sends the open batch and answers its exports', async () => {
    const receiver = await startFakeReceiver();
    cleanups.push(() => receiver.close());
    const bridge = await startTestBridge(receiver.url, { batch: { maxDelayMs: 60_000 } }, { shards: 1 });
    const pending = post(bridge, exportOf('a', 1));
    await waitFor(() => bridge.telemetry.receivedDataPoints > 0);
    await bridge.close();
    expect((await pending).status).toBe(200);
    expect(receiver.series().get('queue_depth{instance="i-1",job="a",queue="a"}')).toBe(1);
  });

  it('with a WAL: each export has its entry until the batch is delivered', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'otlp2prw-batch-wal-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const receiver = await startFakeReceiver();
    cleanups.push(() => receiver.close());
    receiver.status = 503;
    const bridge = await startTestBridge(receiver.url, { batch: { maxDelayMs: 100 }, wal: await WriteAheadLog.open(dir, 1 << 20) }, { shards: 1 });
    cleanups.push(() => bridge.abort());
    const responses = await Promise.all([post(bridge, exportOf('a', 1)), post(bridge, exportOf('b', 2))]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(readdirSync(dir).filter((name) => name.endsWith('.pb'))).toHaveLength(2);
    receiver.status = 204;
    await waitFor(() => readdirSync(dir).filter((name) => name.endsWith('.pb')).length === 0, 10_000, 'an empty WAL');
    expect(receiver.series().get('queue_depth{instance="i-1",job="b",queue="a"}')).toBe(2);
  });

  it('serve flags: --batch-max-delay-ms and --batch-max-data-points; 0 turns batching off', () => {
    expect(resolveServeConfig(['--batch-max-delay-ms', '200']).batch).toEqual({ maxDelayMs: 200, maxDataPoints: 20_000 });
    expect(resolveServeConfig(['--batch-max-delay-ms', '50', '--batch-max-data-points', '5000']).batch).toEqual({ maxDelayMs: 50, maxDataPoints: 5000 });
    expect(resolveServeConfig([]).batch).toBeUndefined();
    expect(resolveServeConfig(['--batch-max-delay-ms', '0']).batch).toBeUndefined();
    expect(() => resolveServeConfig(['--batch-max-delay-ms', '-1'])).toThrow(/batch-max-delay-ms/);
  });
});
