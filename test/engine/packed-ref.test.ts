/**
 * The packed-ref layout at its exact limits (src/engine/packed-ref.ts): length 255 and offset 2^24
 * are the first values that need a long ref. Checked on the layout functions and through both engines.
 */

import { describe, expect, it } from 'vitest';
import { createEngine, type EngineKind } from '../../src/engine/index.js';
import {
  REF_LENGTH_BITS, REF_LENGTH_ESCAPE, REF_OFFSET_LIMIT,
  isLongRef, longRefIndex, packLongRef, packRef, refLength, refOffset,
} from '../../src/engine/packed-ref.js';

describe('packed-ref layout', () => {
  it('has 8 length bits, a 0xFF escape and a 2^24 offset limit', () => {
    expect([REF_LENGTH_BITS, REF_LENGTH_ESCAPE, REF_OFFSET_LIMIT]).toEqual([8, 0xff, 16_777_216]);
  });

  it('packs direct refs as (offset << 8) | length, unsigned', () => {
    expect(packRef(0, 0)).toBe(0);
    expect(packRef(3, 4)).toBe(0x304);
    const highest = packRef(REF_OFFSET_LIMIT - 1, 254);
    expect(highest).toBe(0xfffffffe);
    expect([refOffset(highest), refLength(highest), isLongRef(highest)]).toEqual([REF_OFFSET_LIMIT - 1, 254, false]);
  });

  it('refuses (returns -1) exactly at length 255 and offset 2^24', () => {
    expect(packRef(0, 254)).not.toBe(-1);
    expect(packRef(0, 255)).toBe(-1);
    expect(packRef(0, 256)).toBe(-1);
    expect(packRef(REF_OFFSET_LIMIT - 1, 1)).not.toBe(-1);
    expect(packRef(REF_OFFSET_LIMIT, 1)).toBe(-1);
  });

  it('packs long refs as (longIndex << 8) | 0xFF', () => {
    expect(packLongRef(0)).toBe(0xff);
    const last = packLongRef(REF_OFFSET_LIMIT - 1);
    expect(last).toBe(0xffffffff);
    expect([isLongRef(last), longRefIndex(last)]).toEqual([true, REF_OFFSET_LIMIT - 1]);
  });
});

/** A string of `length` ASCII bytes that no other call returns. */
function uniqueAscii(tag: number, length: number): string {
  const prefix = `#${tag}#`;
  return prefix + 'x'.repeat(length - prefix.length);
}

function describeLimits(kind: EngineKind): void {
  describe(`${kind} engine at the packed-ref limits`, () => {
    it.each([
      { length: 254, long: false },
      { length: 255, long: true },
      { length: 256, long: true },
    ])('a $length-byte symbol gets a long ref: $long', ({ length, long }) => {
      const engine = createEngine(kind);
      engine.intern('ab'); // a non-zero offset, so the long table's offset is checked too
      const value = uniqueAscii(length, length);
      const index = engine.intern(value);
      const ref = engine.ref(index);
      expect(isLongRef(ref)).toBe(long);
      expect(ref).toBe(long ? packLongRef(0) : packRef(2, length));
      expect([engine.offsetOf(index), engine.lengthOf(index)]).toEqual([2, length]);
      expect(engine.resolve(index)).toBe(value);
    });

    it('a symbol at offset 2^24 - 1 is direct; the next one, at 2^24, is long', () => {
      const engine = createEngine(kind);
      const chunk = 1 << 20;
      const fillers = Array.from({ length: 16 }, (_, i) => uniqueAscii(i, i === 15 ? chunk - 1 : chunk));
      engine.internBatch(fillers, fillers.length, new Uint32Array(fillers.length));
      expect(engine.byteLength).toBe(REF_OFFSET_LIMIT - 1);

      const lastDirect = engine.intern('a');
      expect(engine.ref(lastDirect)).toBe(packRef(REF_OFFSET_LIMIT - 1, 1));
      const firstLong = engine.intern('bc');
      expect(isLongRef(engine.ref(firstLong))).toBe(true);
      expect([engine.offsetOf(firstLong), engine.lengthOf(firstLong)]).toEqual([REF_OFFSET_LIMIT, 2]);
      expect([engine.resolve(lastDirect), engine.resolve(firstLong)]).toEqual(['a', 'bc']);
      expect(engine.resolve(16)).toBe(fillers[15]);
      // Interning again finds the existing symbols through either ref kind.
      expect([engine.intern('a'), engine.intern('bc')]).toEqual([lastDirect, firstLong]);
    });
  });
}

describeLimits('wasm');
describeLimits('js');
