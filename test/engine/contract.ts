/**
 * The SymbolEngine contract (src/engine/types.ts), run once per engine by wasm.test.ts and js.test.ts.
 * Modelled on Prometheus prompb/io/prometheus/write/v2/symbols_test.go: exact indices and refs are
 * pinned before and after reset.
 */

import { describe, expect, it } from 'vitest';
import { createEngine, type EngineKind, type SymbolEngine } from '../../src/engine/index.js';
import { packRef } from '../../src/engine/packed-ref.js';

const encoder = new TextEncoder();

function internAll(engine: SymbolEngine, strings: readonly string[]): number[] {
  const out = new Uint32Array(strings.length);
  engine.internBatch(strings, strings.length, out);
  return [...out];
}

function symbolsOf(engine: SymbolEngine): string[] {
  return Array.from({ length: engine.size }, (_, index) => engine.resolve(index));
}

export function describeEngineContract(kind: EngineKind): void {
  describe(`${kind} engine: SymbolEngine contract`, () => {
    describe('RW2 spec: symbols[0] MUST be ""', () => {
      it('holds "" at index 0 from construction', () => {
        const engine = createEngine(kind);
        expect(engine.kind).toBe(kind);
        expect(engine.size).toBe(1);
        expect(engine.byteLength).toBe(0);
        expect(engine.ref(0)).toBe(0);
        expect(engine.resolve(0)).toBe('');
      });

      it('interns "" as 0 without adding a symbol', () => {
        const engine = createEngine(kind);
        expect(engine.intern('')).toBe(0);
        expect(internAll(engine, ['', 'a', ''])).toEqual([0, 1, 0]);
        expect(engine.size).toBe(2);
      });
    });

    describe('first occurrence gets the next index; repeats get the same one', () => {
      it('numbers symbols in first-seen order across intern and internBatch', () => {
        const engine = createEngine(kind);
        expect(internAll(engine, ['__name__', 'up', 'job', 'up', '__name__'])).toEqual([1, 2, 3, 2, 1]);
        expect(engine.intern('instance')).toBe(4);
        expect(engine.intern('job')).toBe(3);
        expect(symbolsOf(engine)).toEqual(['', '__name__', 'up', 'job', 'instance']);
      });

      it('writes only out[0..count) and ignores strings past count', () => {
        const engine = createEngine(kind);
        const out = new Uint32Array([9, 9, 9]);
        engine.internBatch(['a', 'b', 'c'], 2, out);
        expect([...out]).toEqual([1, 2, 9]);
        expect(engine.size).toBe(3);
      });

      it('rejects a count beyond strings or out', () => {
        const engine = createEngine(kind);
        expect(() => engine.internBatch(['a'], 2, new Uint32Array(2))).toThrow(/count/);
        expect(() => engine.internBatch(['a', 'b'], 2, new Uint32Array(1))).toThrow(/count/);
      });
    });

    describe('reset forgets all but "" and restarts numbering', () => {
      it('pins indices, refs and order before and after reset', () => {
        const engine = createEngine(kind);
        expect(internAll(engine, ['foo', 'bar', 'foo', 'bazz'])).toEqual([1, 2, 1, 3]);
        const refsBefore = [0, 1, 2, 3].map((index) => engine.ref(index));
        expect(refsBefore).toEqual([packRef(0, 0), packRef(0, 3), packRef(3, 3), packRef(6, 4)]);

        engine.reset();
        expect(engine.size).toBe(1);
        expect(engine.byteLength).toBe(0);
        expect(engine.resolve(0)).toBe('');
        expect(() => engine.ref(1)).toThrow(/out of range/);

        expect(internAll(engine, ['bazz', 'foo', 'bazz'])).toEqual([1, 2, 1]);
        expect([0, 1, 2].map((index) => engine.ref(index))).toEqual([packRef(0, 0), packRef(0, 4), packRef(4, 3)]);
        expect(symbolsOf(engine)).toEqual(['', 'bazz', 'foo']);
      });

      it('gives the same results on every round after reset', () => {
        const engine = createEngine(kind);
        const batch = ['service.name', 'checkout', 'k8s.pod.name', 'checkout-7d9f', 'checkout'];
        const first = internAll(engine, batch);
        for (let round = 0; round < 5; round++) {
          engine.reset();
          expect(internAll(engine, batch)).toEqual(first);
        }
      });
    });

    describe('UTF-8: the arena holds exactly TextEncoder bytes', () => {
      const samples = [
        'plain',
        'héllo wörld', // 2-byte sequences
        '日本語のラベル', // 3-byte sequences
        '🚀 launch 😀', // astral: surrogate pairs -> 4-byte sequences
        'lone \ud800 high',
        'lone \udfff low',
        'reversed \udc00\ud800 pair',
        '\ud83d', // a lone high surrogate at the end
        'x'.repeat(70) + 'é', // past the ASCII fast path length, non-ASCII at the end
      ];

      it('stores each symbol as its TextEncoder bytes, back to back', () => {
        const engine = createEngine(kind);
        internAll(engine, samples);
        const expected = samples.map((value) => encoder.encode(value));
        let offset = 0;
        expected.forEach((bytes, i) => {
          expect(engine.offsetOf(i + 1)).toBe(offset);
          expect(engine.lengthOf(i + 1)).toBe(bytes.length);
          offset += bytes.length;
        });
        expect(engine.byteLength).toBe(offset);
        expect(engine.arena()).toEqual(concatBytes(expected));
      });

      it('resolves every symbol back to its well-formed string', () => {
        const engine = createEngine(kind);
        const indices = internAll(engine, samples);
        indices.forEach((index, i) => {
          expect(engine.resolve(index)).toBe(new TextDecoder().decode(encoder.encode(samples[i])));
        });
      });

      it('interns strings with the same bytes (lone surrogates -> U+FFFD) as one symbol', () => {
        const engine = createEngine(kind);
        expect(internAll(engine, ['a\ud800', 'a\udbff', 'a\ufffd', 'a\udc00'])).toEqual([1, 1, 1, 1]);
        expect(internAll(engine, ['\ufffd', '\ud800'])).toEqual([2, 2]);
      });
    });

    describe('batches larger than one scratch fill are chunked', () => {
      it('interns 100k strings and 1 MiB strings in one call, in order', () => {
        const engine = createEngine(kind);
        const strings = Array.from({ length: 100_000 }, (_, i) => `value-${i % 40_000}`);
        strings.splice(50_000, 0, 'é'.repeat(1 << 19), 'b'.repeat(1 << 20));
        const indices = internAll(engine, strings);
        expect(engine.size).toBe(40_000 + 2 + 1);
        const firstSeenOrder = Array.from({ length: 50_000 }, (_, i) => (i % 40_000) + 1);
        expect(indices.slice(0, 50_000)).toEqual(firstSeenOrder);
        expect(indices[50_000]).toBe(40_001);
        expect(indices[50_001]).toBe(40_002);
        expect(indices[50_002]).toBe((50_000 % 40_000) + 1);
        expect(engine.resolve(40_002)).toBe('b'.repeat(1 << 20));
        expect(engine.lengthOf(40_001)).toBe(1 << 20);
      });
    });

    describe('resolve and the accessors reject indices outside the table', () => {
      it('throws a SymbolEngineError with code INDEX_OUT_OF_RANGE', () => {
        const engine = createEngine(kind);
        engine.intern('a');
        for (const index of [2, -1, 1.5, Number.NaN]) {
          expect(() => engine.resolve(index)).toThrow(expect.objectContaining({ code: 'INDEX_OUT_OF_RANGE' }));
        }
      });
    });
  });
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const result = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}
