// The strings of the fused path by id (ids are JS's, src/engine/fused-strings.ts): their UTF-8 bytes
// for the symbols, and for label names their rank in UTF-8 byte order, so that merging a point's
// labels compares integers. Id 0 is "" (symbol 0). JS appends new strings' bytes in batches and keeps
// the ranks up to date, before any walk that may use them.

import { RANKS, SCRATCH, STRING_BYTES, STRING_SPANS, capacity, ensure, start } from './regions';

export const NO_RANK: u32 = 0xffffffff;

let stringCount: u32 = 0;
let byteLength: u32 = 0;

/** Forgets every string (JS cleared its table); keeps the capacity. */
export function fusedClearStrings(): void {
  stringCount = 0;
  byteLength = 0;
}

/** Room for `bytes` more string bytes, written by JS at fusedStringBytesPointer() + fusedStringByteLength(). */
export function fusedEnsureStringBytes(bytes: u32): bool {
  return ensure(STRING_BYTES, <u64>byteLength + bytes + 8);
}

export function fusedStringBytesPointer(): usize { return start(STRING_BYTES); }
export function fusedStringByteLength(): u32 { return byteLength; }

/** Room for ids below `count` (spans and ranks); new ranks read NO_RANK. */
export function fusedEnsureIds(count: u32): bool {
  const had = <u32>(capacity(RANKS) >> 2);
  if (!ensure(STRING_SPANS, <u64>count << 3) || !ensure(RANKS, <u64>count << 2)) return false;
  const now = <u32>(capacity(RANKS) >> 2);
  if (now > had) memory.fill(start(RANKS) + (<usize>had << 2), 0xff, <usize>(now - had) << 2);
  return true;
}

/** Records `count` strings JS appended to the bytes, their lengths as u32 at `lengths`. */
export function fusedAddStrings(lengths: usize, count: u32): bool {
  if (!fusedEnsureIds(stringCount + count)) return false;
  const spans = start(STRING_SPANS);
  for (let i: u32 = 0; i < count; i++) {
    const length = load<u32>(lengths + (<usize>i << 2));
    const span = spans + (<usize>stringCount << 3);
    store<u32>(span, byteLength);
    store<u32>(span, length, 4);
    byteLength += length;
    stringCount++;
  }
  return true;
}

export function fusedRanksPointer(): usize { return start(RANKS); }
export function fusedStringCount(): u32 { return stringCount; }

// @ts-ignore: decorator
@inline export function rankOf(id: u32): u32 {
  return load<u32>(start(RANKS) + (<usize>id << 2));
}

// @ts-ignore: decorator
@inline export function stringOffset(id: u32): u32 {
  return load<u32>(start(STRING_SPANS) + (<usize>id << 3));
}

// @ts-ignore: decorator
@inline export function stringLength(id: u32): u32 {
  return load<u32>(start(STRING_SPANS) + (<usize>id << 3), 4);
}

/** Room for `count` u32 lengths at fusedScratchPointer() (fusedAddStrings' input). */
export function fusedEnsureScratch(bytes: u32): bool { return ensure(SCRATCH, bytes); }
export function fusedScratchPointer(): usize { return start(SCRATCH); }
