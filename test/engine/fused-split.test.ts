/**
 * encodeRequests of a request held by the wasm engine's fused path (src/engine/fused-series.ts,
 * assembly/fused/writer.ts writePiece) must give exactly the general path's requests, and leave the
 * builder as the general path's encodeRequests does. Every check compares a wasm builder with a js
 * builder (general path only) and reads fastPathCounts to know that the fused path kept the request.
 */

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BuilderOptions, type SplitOptions, V2WriteRequestBuilder } from '../../src/builder/builder.js';
import { fastPathCounts } from '../../src/engine/fused-request.js';
import { makeWorkload } from '../../bench/workload.js';
import { builderOptions, otlpRequest } from '../fuzz/arbitraries.js';
import { FUZZ_TIMEOUT_MS, runs } from '../fuzz/config.js';
import { encodeOtlp } from '../support/proto.js';
import { acceptable } from './fused-requests.js';

/** What a builder gives for one add() then `steps`, or the error it throws. */
function outcome(engine: 'wasm' | 'js', options: BuilderOptions, bytes: Uint8Array, steps: Array<(builder: V2WriteRequestBuilder) => unknown>): unknown[] {
  const builder = new V2WriteRequestBuilder({ ...options, engine });
  const results: unknown[] = [];
  try {
    builder.add(bytes);
    results.push(JSON.stringify(builder.stats));
    for (const step of steps) {
      results.push(digest(step(builder)));
      results.push(JSON.stringify(builder.stats));
    }
  } catch (error) {
    results.push(`${(error as Error).name}: ${(error as Error).message}`);
  }
  return results;
}

/** Bytes as their hash and length (toEqual compares large arrays of bytes slowly), in whatever holds them. */
function digest(value: unknown): unknown {
  if (value instanceof Uint8Array) return `${value.length} bytes, sha256 ${createHash('sha256').update(value).digest('hex')}`;
  if (Array.isArray(value)) return value.map(digest);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, digest(field)]));
  return value;
}

/** The same outcome from both engines; how many requests the fused path took and replayed. */
function expectSame(options: BuilderOptions, bytes: Uint8Array, steps: Array<(builder: V2WriteRequestBuilder) => unknown>): { accepted: number; replayed: number } {
  const before = { ...fastPathCounts };
  const fast = outcome('wasm', options, bytes, steps);
  const counts = { accepted: fastPathCounts.accepted - before.accepted, replayed: fastPathCounts.replayed - before.replayed };
  expect(fast).toEqual(outcome('js', options, bytes, steps));
  return counts;
}

const split = (options: SplitOptions) => (builder: V2WriteRequestBuilder) => builder.encodeRequests(options);
const encode = (builder: V2WriteRequestBuilder) => builder.encode();
const encodeSnappy = (builder: V2WriteRequestBuilder) => builder.encodeSnappy();

describe('fused path: encodeRequests byte for byte the general path', () => {
  const { otlpBytes } = makeWorkload(1000, 1, { withJson: false });

  describe('shards and pieces, also cut inside a histogram point\'s buckets', () => {
    for (const shards of [1, 2, 3, 4, 5]) {
      it.each([1, 7, 777, 2000, undefined])(`shards ${shards}, maxSeriesPerRequest %s`, (maxSeriesPerRequest) => {
        const { accepted, replayed } = expectSame({}, otlpBytes, [split({ shards, maxSeriesPerRequest })]);
        expect([accepted, replayed]).toEqual([1, 0]);
      });
    }
  });

  it('a small maxBatchBytes halves pieces down to single series', () => {
    const { accepted, replayed } = expectSame({}, otlpBytes, [split({ shards: 3, maxSeriesPerRequest: 777, maxBatchBytes: 3000 }), split({ maxBatchBytes: 1 })]);
    expect([accepted, replayed]).toEqual([1, 0]);
  }, 60_000);

  it('compress false gives the protobuf bytes', () => {
    const { replayed } = expectSame({}, otlpBytes, [split({ shards: 2, maxSeriesPerRequest: 100, compress: false })]);
    expect(replayed).toBe(0);
  });

  it('created timestamps and external labels', () => {
    const options = { createdTimestampField: true, externalLabels: { cluster: 'c1' } };
    const { replayed } = expectSame(options, otlpBytes, [split({ shards: 4, maxSeriesPerRequest: 7 })]);
    expect(replayed).toBe(0);
  });

  it('v1 replays the request through the general path', () => {
    const { replayed } = expectSame({}, otlpBytes, [split({ shards: 2, maxSeriesPerRequest: 50, protobufMessage: 'v1' }), encode]);
    expect(replayed).toBe(1);
  });

  it('encode() and encodeSnappy() after encodeRequests, encodeRequests twice, and encode() before', () => {
    const steps = [encode, split({ shards: 3, maxSeriesPerRequest: 777 }), encode, split({ shards: 4, maxSeriesPerRequest: 2000 }), split({ shards: 1 }), encodeSnappy, encode];
    const { accepted, replayed } = expectSame({}, otlpBytes, steps);
    expect([accepted, replayed]).toEqual([1, 0]);
  });

  it('a second add() after encodeRequests joins the held request; the same request again is replayed', () => {
    const second = makeWorkload(100, 2, { withJson: false }).otlpBytes;
    const twice = expectSame({}, otlpBytes, [split({ shards: 2, maxSeriesPerRequest: 300 }), (builder) => builder.add(second) && undefined, split({ shards: 2, maxSeriesPerRequest: 300 })]);
    expect([twice.accepted, twice.replayed]).toEqual([2, 0]);
    // The same series again: the fused path declines (a second sample), the general path merges.
    const again = expectSame({}, otlpBytes, [split({ shards: 2, maxSeriesPerRequest: 300 }), (builder) => builder.add(otlpBytes) && undefined, split({ shards: 2, maxSeriesPerRequest: 300 })]);
    expect([again.accepted, again.replayed]).toEqual([1, 1]);
  });

  it.each([1000, 10000])('the %i-point bench workloads (seeds 1-3), as the bridge and sender split them', (points) => {
    for (const seed of [1, 2, 3]) {
      const bytes = makeWorkload(points, seed, { withJson: false }).otlpBytes;
      const steps = [1, 4].map((shards) => split({ shards, maxSeriesPerRequest: 2000, maxBatchBytes: 2 * 1024 * 1024 }));
      const { accepted, replayed } = expectSame({}, bytes, steps);
      expect([accepted, replayed]).toEqual([1, 0]);
    }
  }, 120_000);

  it(
    'random requests and split options equal the js engine, or both throw alike',
    () => {
      let accepted = 0;
      let cases = 0;
      const splitOptions = fc.record(
        {
          shards: fc.integer({ min: 1, max: 6 }),
          maxSeriesPerRequest: fc.integer({ min: 1, max: 40 }),
          maxBatchBytes: fc.integer({ min: 1, max: 4000 }),
          compress: fc.boolean(),
        },
        { requiredKeys: [] },
      );
      fc.assert(
        fc.property(fc.tuple(otlpRequest, fc.boolean()), builderOptions, fc.boolean(), fc.array(splitOptions, { minLength: 1, maxLength: 3 }), fc.boolean(), ([request, clean], options, createdTimestampField, splits, encodeFirst) => {
          cases++;
          const bytes = encodeOtlp(clean ? acceptable(request as Parameters<typeof acceptable>[0]) : request);
          const steps = [...(encodeFirst ? [encode] : []), ...splits.map(split), encode];
          const counts = expectSame({ ...options, createdTimestampField }, bytes, steps);
          expect(counts.replayed).toBe(0);
          accepted += counts.accepted;
        }),
        runs(300),
      );
      expect(accepted).toBeGreaterThan(cases / 5);
    },
    FUZZ_TIMEOUT_MS,
  );
});
