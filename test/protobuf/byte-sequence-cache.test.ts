import { describe, expect, it } from 'vitest';
import { ByteSequenceCache } from '../../src/protobuf/byte-sequence-cache.js';

const encoder = new TextEncoder();

/** Looks `text` up at `offset` of a fresh buffer (other bytes around it), storing `value` on a miss. */
function lookUp(cache: ByteSequenceCache<string>, text: string, offset: number, value: string): { hit: string | undefined; stored: boolean } {
  const bytes = encoder.encode(text);
  const buf = new Uint8Array(offset + bytes.length + 3).fill(0xee);
  buf.set(bytes, offset);
  const view = new DataView(buf.buffer);
  const end = offset + bytes.length;
  const slot = cache.slot(view, buf, offset, end);
  const hit = cache.get(slot, view, buf, offset, end);
  if (hit === undefined) cache.set(slot, buf, offset, end, value);
  return { hit, stored: hit === undefined };
}

describe('ByteSequenceCache', () => {
  it('finds a value by its bytes in any later buffer, at any offset', () => {
    const cache = new ByteSequenceCache<string>();
    expect(lookUp(cache, 'http.route', 0, 'first').stored).toBe(true);
    expect(lookUp(cache, 'http.route', 5, 'second').hit).toBe('first');
    expect(lookUp(cache, 'http.route', 1, 'third').hit).toBe('first');
  });

  it('misses on bytes that differ anywhere, in the words or the tail, and on another length', () => {
    const cache = new ByteSequenceCache<string>();
    lookUp(cache, 'abcdefghij', 0, 'v');
    for (const other of ['Abcdefghij', 'abcdEfghij', 'abcdefghiJ', 'abcdefghi', 'abcdefghijk']) {
      // Each one is stored in its slot in turn; the original is stored again when it was replaced.
      expect(lookUp(cache, other, 2, other).hit, other).toBeUndefined();
    }
  });

  it('tells apart bytes of one length that share a slot, by their words and by their tail', () => {
    /** Two texts from `make` (given a counter) that land in one slot. */
    const collision = (make: (i: number) => string): [string, string] => {
      const cache = new ByteSequenceCache<string>();
      const bySlot = new Map<number, string>();
      for (let i = 0; ; i++) {
        const bytes = encoder.encode(make(i));
        const slot = cache.slot(new DataView(bytes.buffer), bytes, 0, bytes.length);
        const earlier = bySlot.get(slot);
        if (earlier !== undefined) return [earlier, make(i)];
        bySlot.set(slot, make(i));
      }
    };
    const base36 = (i: number): string => i.toString(36).padStart(3, '0');
    // 11 bytes: two 4-byte words, then a 3-byte tail; each pair differs only in one of the two parts.
    for (const [a, b] of [collision((i) => `abcdefgh${base36(i)}`), collision((i) => `a${base36(i)}efghijk`)]) {
      const cache = new ByteSequenceCache<string>();
      lookUp(cache, a, 0, a);
      expect(lookUp(cache, b, 1, b).hit, `${a} / ${b}`).toBeUndefined();
      expect(lookUp(cache, b, 2, b).hit).toBe(b);
    }
  });

  it('drops every entry when its copies fill the arena, and keeps answering right', () => {
    const cache = new ByteSequenceCache<string>();
    lookUp(cache, 'kept-at-first', 0, 'early');
    // ~300 kB of distinct 100-byte keys: more than the arena holds.
    const keys = Array.from({ length: 3000 }, (_, i) => `${String(i).padStart(6, '0')}${'x'.repeat(94)}`);
    for (const key of keys) lookUp(cache, key, 0, key);
    expect(lookUp(cache, 'kept-at-first', 0, 'again').hit).toBeUndefined();
    // Whatever is found is what was stored for those very bytes; the last keys stored are found (the
    // newest first: misses store again and fill the arena anew).
    let hits = 0;
    for (const key of [...keys].reverse()) {
      const { hit } = lookUp(cache, key, 3, `new ${key}`);
      if (hit !== undefined) {
        expect(hit).toBe(key);
        hits++;
      }
    }
    expect(hits).toBeGreaterThan(0);
  });
});
