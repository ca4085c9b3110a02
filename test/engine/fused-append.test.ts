/**
 * Several add() calls on one wasm builder: each protobuf request is appended to the ones the fused path
 * holds (src/engine/fused-request.ts append), or, when the fast path declines it, the held requests
 * are replayed through the general path and it is added there. Either way every step must give
 * exactly what a js builder (general path only) gives for the same adds: stats after each add, the
 * same errors, and the same bytes at the end.
 */

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BuilderOptions, V2WriteRequestBuilder } from '../../src/builder/builder.js';
import { fastPathCounts } from '../../src/engine/fused-request.js';
import { makeWorkload } from '../../bench/workload.js';
import { builderOptions, otlpRequest } from '../fuzz/arbitraries.js';
import { FUZZ_TIMEOUT_MS, runs } from '../fuzz/config.js';
import { encodeOtlp } from '../support/proto.js';
import { acceptable } from './fused-requests.js';

const sha = (bytes: Uint8Array) => `${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`;

/** Per add: the stats or the error; then encode, encodeSnappy, encodeRequests and stats again. */
function outcome(engine: 'wasm' | 'js', options: BuilderOptions, requests: Uint8Array[]): string[] {
  const builder = new V2WriteRequestBuilder({ ...options, engine });
  const results: string[] = [];
  for (const bytes of requests) {
    try {
      builder.add(bytes);
      results.push(JSON.stringify(builder.stats));
    } catch (error) {
      results.push(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  results.push(sha(builder.encode()), sha(builder.encodeSnappy()), JSON.stringify(builder.stats));
  for (const request of builder.encodeRequests({ shards: 2, maxSeriesPerRequest: 50 })) results.push(`${request.shard} ${request.series} ${sha(request.body)}`);
  return results;
}

function counted<T>(run: () => T): { result: T; accepted: number; declined: number; replayed: number } {
  const before = { ...fastPathCounts };
  const result = run();
  return {
    result,
    accepted: fastPathCounts.accepted - before.accepted,
    declined: fastPathCounts.declined - before.declined,
    replayed: fastPathCounts.replayed - before.replayed,
  };
}

function expectSame(options: BuilderOptions, requests: Uint8Array[]): { accepted: number; declined: number; replayed: number } {
  const fast = counted(() => outcome('wasm', options, requests));
  expect(fast.result).toEqual(outcome('js', options, requests));
  return fast;
}

describe('fused path: several add() calls on one builder', () => {
  it('the bench workloads of 1000 points, seeds 1-4, added one after another: all four fused', () => {
    const requests = [1, 2, 3, 4].map((seed) => makeWorkload(1000, seed, { withJson: false }).otlpBytes);
    const { accepted, replayed } = expectSame({}, requests);
    expect([accepted, replayed]).toEqual([4, 0]);
  });

  it('a request that repeats held series declines: the held ones are replayed and the general path merges', () => {
    const [a, b] = [1, 2].map((seed) => makeWorkload(1000, seed, { withJson: false }).otlpBytes);
    const { accepted, declined, replayed } = expectSame({}, [a, b, a, b]);
    // a and b fused; a again declines and everything goes the general way from there.
    expect([accepted, declined, replayed]).toEqual([2, 1, 1]);
  });

  it('a bad request between good ones throws what the general path throws and loses nothing', () => {
    const [a, c] = [1, 3].map((seed) => makeWorkload(1000, seed, { withJson: false }).otlpBytes);
    const truncated = a.subarray(0, a.length - 7);
    const wasm = new V2WriteRequestBuilder({ engine: 'wasm' });
    const js = new V2WriteRequestBuilder({ engine: 'js' });
    wasm.add(a);
    js.add(a);
    const failed = counted(() => expect(() => wasm.add(truncated)).toThrow());
    expect(() => js.add(truncated)).toThrow();
    // The decline replayed the held request; the builder has exactly what it had.
    expect([failed.declined, failed.replayed]).toEqual([1, 1]);
    expect(wasm.stats).toEqual(js.stats);
    expect(Buffer.from(wasm.add(c).encode()).equals(js.add(c).encode())).toBe(true);
    expect(expectSame({}, [a, truncated, c])).toMatchObject({ declined: 1, replayed: 1 });
  });

  it('encode() between adds: each encode writes what is held then, stats.symbols as the general path counts them', () => {
    const [a, b] = [1, 2].map((seed) => makeWorkload(1000, seed, { withJson: false }).otlpBytes);
    const wasm = new V2WriteRequestBuilder({ engine: 'wasm' });
    const js = new V2WriteRequestBuilder({ engine: 'js' });
    for (const bytes of [a, b]) {
      const { accepted } = counted(() => wasm.add(bytes));
      js.add(bytes);
      expect(accepted).toBe(1);
      expect(Buffer.from(wasm.encode()).equals(js.encode())).toBe(true);
      expect(wasm.stats).toEqual(js.stats);
    }
    expect(Buffer.from(wasm.encodeSnappy()).equals(js.encodeSnappy())).toBe(true);
  });

  it('a replay the general path refuses after a declined add() keeps exactly the held requests (nothing accepted is lost)', () => {
    const [a, b] = [1, 2].map((seed) => makeWorkload(1000, seed, { withJson: false }).otlpBytes);
    // b's series (new), then a's again (held): the fast path takes part of it before it declines.
    const partly = new Uint8Array([...b, ...a]);
    const wasm = new V2WriteRequestBuilder({ engine: 'wasm' });
    wasm.add(a);
    const general = wasm as unknown as { addProtobuf(bytes: Uint8Array): unknown };
    const addProtobuf = general.addProtobuf;
    general.addProtobuf = () => {
      throw new Error('refused');
    };
    const attempt = counted(() => expect(() => wasm.add(partly)).toThrow('refused'));
    general.addProtobuf = addProtobuf;
    expect(attempt.declined).toBe(1);
    const js = new V2WriteRequestBuilder({ engine: 'js' }).add(a);
    expect(wasm.stats).toEqual(js.stats);
    expect(Buffer.from(wasm.encode()).equals(js.encode())).toBe(true);
    // And it goes on as the general path does.
    expect(Buffer.from(wasm.add(partly).encode()).equals(js.add(partly).encode())).toBe(true);
  });

  it('after a reset() the next add() begins a new held request', () => {
    const [a, b] = [1, 2].map((seed) => makeWorkload(1000, seed, { withJson: false }).otlpBytes);
    const wasm = new V2WriteRequestBuilder({ engine: 'wasm' });
    wasm.add(a).add(b).reset();
    const { accepted, replayed } = counted(() => wasm.add(b));
    expect([accepted, replayed]).toEqual([1, 0]);
    expect(Buffer.from(wasm.encode()).equals(new V2WriteRequestBuilder({ engine: 'js' }).add(b).encode())).toBe(true);
  });

  it(
    'random sequences of requests and options equal the js engine at every step (property)',
    () => {
      let appended = 0;
      fc.assert(
        fc.property(fc.array(fc.tuple(otlpRequest, fc.boolean()), { minLength: 2, maxLength: 4 }), builderOptions, (requests, options) => {
          const bytes = requests.map(([request, clean]) => encodeOtlp(clean ? acceptable(request as Parameters<typeof acceptable>[0]) : request));
          const { accepted } = expectSame(options, bytes);
          if (accepted > 1) appended++;
        }),
        runs(150),
      );
      // Some sequences have a second request fused onto the first (acceptable requests with distinct series).
      expect(appended).toBeGreaterThan(0);
    },
    FUZZ_TIMEOUT_MS,
  );
});
