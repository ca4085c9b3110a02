import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { V2WriteRequestBuilder } from '../../src/index.js';
import { SnappyBlockWriter, snappyCompress, snappyDecompress } from '../../src/rw/snappy.js';
import { exportRequest, gauge, resourceMetrics } from '../support/otlp.js';

const BLOCK = 64 * 1024;

/** Pushes `data` in pieces of the given sizes, keeping what push() leaves, as encodeSnappy does. */
function compressInPieces(data: Uint8Array, pieces: number[]): Uint8Array {
  const writer = new SnappyBlockWriter();
  let kept = 0;
  let end = 0;
  for (const piece of pieces) {
    end = Math.min(data.length, end + piece);
    kept += writer.push(data.subarray(kept, end));
  }
  writer.push(data.subarray(kept), true);
  return writer.finish();
}

/** Bytes that compress: runs and repeats of a small alphabet, with some noise. */
const compressible = fc
  .array(fc.record({ byte: fc.integer({ min: 0, max: 7 }), run: fc.integer({ min: 1, max: 300 }) }), { maxLength: 3000 })
  .map((runs) => Uint8Array.from(runs.flatMap(({ byte, run }) => Array(run).fill(byte))));

describe('SnappyBlockWriter', () => {
  it('gives the bytes of compressing the whole input at once, however it is pushed (property)', () => {
    fc.assert(
      fc.property(fc.oneof(compressible, fc.uint8Array({ maxLength: 3 * BLOCK })), fc.array(fc.integer({ min: 1, max: 3 * BLOCK }), { maxLength: 8 }), (data, pieces) => {
        const streamed = compressInPieces(data, pieces);
        expect(Buffer.from(streamed).equals(Buffer.from(snappyCompress(data)))).toBe(true);
        expect(Buffer.from(snappyDecompress(streamed, Number.POSITIVE_INFINITY)).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('takes only whole 64 KiB blocks until the last push', () => {
    const writer = new SnappyBlockWriter();
    expect(writer.push(new Uint8Array(BLOCK - 1))).toBe(0);
    expect(writer.push(new Uint8Array(2 * BLOCK + 5))).toBe(2 * BLOCK);
    expect(writer.push(new Uint8Array(5), true)).toBe(5);
    expect(snappyDecompress(writer.finish(), Number.POSITIVE_INFINITY).length).toBe(2 * BLOCK + 5);
    expect(Array.from(new SnappyBlockWriter().finish())).toEqual(Array.from(snappyCompress(new Uint8Array(0))));
  });
});

describe('encodeSnappy compresses as it writes', () => {
  it.each(['wasm', 'js'] as const)('equals snappy of encode() for a request of several megabytes (%s engine)', (engine) => {
    const points = Array.from({ length: 60_000 }, (_, i) => ({ value: i * 1.5, timeMs: 1_764_000_000_000 + i, attributes: { pod: `pod-${i}`, zone: `zone-${i % 7}` } }));
    const request = exportRequest(resourceMetrics({ 'service.name': 'api' }, [{ metrics: [gauge({ name: 'queue_depth', unit: '{item}' }, points)] }]));
    const builder = new V2WriteRequestBuilder({ engine }).add(request);
    const raw = builder.encode();
    expect(raw.length).toBeGreaterThan(2 * 1024 * 1024);
    expect(Buffer.from(builder.encodeSnappy()).equals(Buffer.from(snappyCompress(raw)))).toBe(true);
  });
});
