// Many OTLP clients at once while the Remote-Write receiver fails, then recovers: the bridge stays up,
// pushes back (429/503) instead of buffering without bound, and every request it acknowledged with 200
// reaches the receiver.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WriteAheadLog } from '../../src/bridge/wal.js';
import { exportRequest, gauge, resourceMetrics } from '../support/otlp.js';
import { encodeOtlp } from '../support/proto.js';
import { startFakeReceiver, startTestBridge, waitFor } from './support.js';

const CLIENTS = 12;
const REQUESTS_PER_CLIENT = 15;
const NOW = Date.now();

function request(client: number, sequence: number): Uint8Array {
  return encodeOtlp(
    exportRequest(
      resourceMetrics({ 'service.name': `client-${client}` }, [
        { metrics: [gauge({ name: 'load.sequence' }, [{ value: sequence, timeMs: NOW + sequence, attributes: { seq: String(sequence) } }])] },
      ]),
    ),
  );
}

describe('concurrent clients while the receiver fails', () => {
  it('acknowledged requests all arrive; refusals are 429/503; memory stays bounded', async () => {
    const receiver = await startFakeReceiver();
    receiver.status = 503;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'otlp2prw-concurrency-'));
    const bridge = await startTestBridge(
      receiver.url,
      { wal: await WriteAheadLog.open(dir, 8 << 20), retryAfterSeconds: 1 },
      { shards: 2, maxQueuedRequests: 8, retry: { minBackoffMs: 20, maxBackoffMs: 100, maxElapsedMs: 10_000 } },
    );
    const heapBefore = process.memoryUsage().heapUsed;
    const acknowledged = new Set<string>();
    const refusals = new Map<number, number>();
    setTimeout(() => {
      receiver.status = 204;
    }, 1_000);
    try {
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, client) => {
          for (let sequence = 0; sequence < REQUESTS_PER_CLIENT; sequence++) {
            // Like an OTLP exporter: retry refused requests after a short pause, up to a deadline.
            for (let attempt = 0; attempt < 200; attempt++) {
              const response = await fetch(`${bridge.url}/v1/metrics`, {
                method: 'POST',
                headers: { 'Content-Type': 'application/x-protobuf' },
                body: new Uint8Array(request(client, sequence)) as Uint8Array<ArrayBuffer>,
              });
              await response.arrayBuffer();
              if (response.status === 200) {
                acknowledged.add(`load_sequence{job="client-${client}",seq="${sequence}"}`);
                break;
              }
              expect([429, 503]).toContain(response.status);
              refusals.set(response.status, (refusals.get(response.status) ?? 0) + 1);
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
          }
        }),
      );
      expect(acknowledged.size).toBe(CLIENTS * REQUESTS_PER_CLIENT);
      expect([...refusals.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      await waitFor(() => [...acknowledged].every((key) => receiver.series().has(key)), 20_000, 'every acknowledged series at the receiver');
      const health = await fetch(`${bridge.url}/-/healthy`);
      expect(health.status).toBe(200);
      // Bounded: the queue holds at most 8 requests; nothing close to the 180 requests' worth is kept.
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024);
    } finally {
      await bridge.close();
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
