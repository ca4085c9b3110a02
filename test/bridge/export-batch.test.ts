// ExportBatch's life: open, due (delay, size, close), sent once no export still writes its WAL entry.
import { describe, expect, it } from 'vitest';
import { V2WriteRequestBuilder } from '../../src/builder/builder.js';
import { ExportBatch } from '../../src/bridge/export-batch.js';
import type { WalEntry } from '../../src/bridge/wal.js';

const entry = (sequence: number): WalEntry => ({ sequence, file: `${sequence}.pb`, format: 'protobuf', size: 1, inFlight: true });

function batchOf(limits: { maxDelayMs?: number; maxDataPoints?: number; maxBodyBytes?: number }, send: (batch: ExportBatch) => Promise<unknown> = async () => undefined) {
  const calls = { due: 0, sent: 0 };
  const batch = new ExportBatch(
    new V2WriteRequestBuilder({ engine: 'js' }),
    { maxDelayMs: 60_000, maxDataPoints: 100, maxBodyBytes: 1000, ...limits },
    () => calls.due++,
    (b) => {
      calls.sent++;
      return send(b);
    },
  );
  return { batch, calls };
}

describe('ExportBatch', () => {
  it('due while an export holds it: sent when that export releases it, once, with every entry', async () => {
    const { batch, calls } = batchOf({ maxDataPoints: 10 });
    batch.hold(4, 10);
    batch.hold(4, 10);
    batch.release(entry(1));
    batch.markDue();
    expect(calls).toEqual({ due: 1, sent: 0 });
    // This release also fills the batch (8 + 4 >= 10): it must send, not stop at "already due".
    batch.hold(4, 10);
    batch.release(entry(2));
    expect(calls).toEqual({ due: 1, sent: 0 });
    batch.release(undefined);
    expect(calls).toEqual({ due: 1, sent: 1 });
    expect(await batch.queued).toEqual({ result: undefined });
    batch.markDue();
    expect(calls).toEqual({ due: 1, sent: 1 });
    expect(batch.entries.map((e) => e.sequence)).toEqual([1, 2]);
  });

  it('goes when full by data points or by bytes, and after its delay', async () => {
    const byPoints = batchOf({ maxDataPoints: 5 });
    byPoints.batch.hold(5, 1);
    byPoints.batch.release(undefined);
    expect(byPoints.calls).toEqual({ due: 1, sent: 1 });
    const byBytes = batchOf({ maxBodyBytes: 100 });
    byBytes.batch.hold(1, 100);
    byBytes.batch.release(undefined);
    expect(byBytes.calls).toEqual({ due: 1, sent: 1 });
    const byDelay = batchOf({ maxDelayMs: 20 });
    byDelay.batch.hold(1, 1);
    byDelay.batch.release(undefined);
    expect(byDelay.calls).toEqual({ due: 0, sent: 0 });
    await byDelay.batch.queued;
    expect(byDelay.calls).toEqual({ due: 1, sent: 1 });
  });

  it('queued settles with what sending returned, or threw', async () => {
    const refusal = new Error('queue full');
    const threw = batchOf({}, async () => {
      throw refusal;
    }).batch;
    threw.markDue();
    expect(await threw.queued).toEqual({ error: refusal });
    const returned = batchOf({}, async () => 'a 429').batch;
    returned.markDue();
    expect(await returned.queued).toEqual({ result: 'a 429' });
  });
});
