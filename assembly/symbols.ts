// The per-request symbol table over UTF-8 bytes: a hash table plus a list plus reset, like Prometheus
// prompb/io/prometheus/write/v2/symbols.go, but keyed by byte ranges in linear memory instead of AS
// strings (which are UTF-16 and would need a conversion and an allocation per label).
//
//   arena      u8[arenaCapacity]        every symbol's UTF-8 bytes, back to back, in first-seen order
//   refs       u32[refsCapacity]        refs[index] = packed ref (refs.ts); refs[0] = "" at offset 0
//   longRefs   u32[2 * longCapacity]    (offset, length) pairs for refs that do not fit 24+8 bits
//   slots      u64[slotCapacity]        open addressing, linear probing: (hash << 32) | index, 0 = empty
//
// Storing the hash in the slot lets a probe reject a different symbol without touching its bytes.
// "" (index 0) never enters the slots, so index 0 doubles as the empty-slot marker.

import { allocateRegion, growRegion, grownCapacity } from './regions';
import {
  LONG_REF_BYTES, REF_OFFSET_LIMIT,
  directRefLength, fitsDirectRef, isLongRef, packDirectRef, packLongRef, refUpperBits,
} from './refs';

/** Results of table operations; mirrored by WASM_STATUS in src/engine/wasm.ts. */
export const enum Status {
  OK = 0,
  OUT_OF_MEMORY = 1,
  MALFORMED_BATCH = 2,
  OUTPUT_TOO_SMALL = 3,
  TOO_MANY_LONG_REFS = 4,
}

// Initial capacities: one typical request (a few thousand distinct label strings) fits without growing.
const INITIAL_ARENA_BYTES: u32 = 64 * 1024;
const INITIAL_SYMBOLS: u32 = 4096;
const INITIAL_SLOTS: u32 = 8192;
const INITIAL_LONG_REFS: u32 = 64;

let arenaStart: usize = 0;
let arenaLength: u32 = 0;
let arenaCapacity: u32 = 0;

let refsStart: usize = 0;
let symbolCount: u32 = 1;
let refsCapacity: u32 = 0;

let longRefsStart: usize = 0;
let longRefCount: u32 = 0;
let longRefsCapacity: u32 = 0;

let slotsStart: usize = 0;
let slotCapacity: u32 = 0; // a power of two
/** Grow the slots before the table holds more than half of them: linear probes stay short. */
let slotGrowThreshold: u32 = 0;

export function arenaPointer(): usize { return arenaStart; }
export function arenaByteLength(): u32 { return arenaLength; }
export function refsPointer(): usize { return refsStart; }
export function longRefsPointer(): usize { return longRefsStart; }
export function longRefTotal(): u32 { return longRefCount; }
export function symbolTotal(): u32 { return symbolCount; }

/** Allocates the initial regions and stores refs[0] for "". Safe to call again. */
export function initSymbols(): Status {
  if (refsStart != 0) return Status.OK;
  const arena = allocateRegion(INITIAL_ARENA_BYTES);
  const refs = allocateRegion(<usize>INITIAL_SYMBOLS << 2);
  const slots = allocateRegion(<usize>INITIAL_SLOTS << 3);
  if (arena == 0 || refs == 0 || slots == 0) return Status.OUT_OF_MEMORY;
  arenaStart = arena;
  arenaCapacity = INITIAL_ARENA_BYTES;
  refsStart = refs;
  refsCapacity = INITIAL_SYMBOLS;
  store<u32>(refsStart, packDirectRef(0, 0)); // RW2 spec: symbols[0] MUST be ""
  setSlots(slots, INITIAL_SLOTS);
  return Status.OK;
}

/** Forgets every symbol but "" and keeps every region's capacity. */
export function resetSymbols(): void {
  symbolCount = 1;
  arenaLength = 0;
  longRefCount = 0;
  memory.fill(slotsStart, 0, <usize>slotCapacity << 3);
}

/**
 * Interns the `length` bytes at `bytes`. Returns the symbol index (>= 0), or a negated Status: indices
 * stay far below 2^31 because each new symbol adds distinct bytes to an arena smaller than 4 GiB.
 */
export function internBytes(bytes: usize, length: u32): i32 {
  if (length == 0) return 0;
  if (symbolCount > slotGrowThreshold && !growSlots()) return -Status.OUT_OF_MEMORY;
  const hash = hashBytes(bytes, length);
  const mask = slotCapacity - 1;
  let slot = hash & mask;
  while (true) {
    const entry = load<u64>(slotsStart + (<usize>slot << 3));
    if (entry == 0) break;
    if (<u32>(entry >>> 32) == hash) {
      const index = <u32>entry;
      if (symbolEquals(index, bytes, length)) return <i32>index;
    }
    slot = (slot + 1) & mask;
  }
  const status = appendSymbol(bytes, length);
  if (status != Status.OK) return -status;
  const index = symbolCount - 1;
  store<u64>(slotsStart + (<usize>slot << 3), (<u64>hash << 32) | <u64>index);
  return <i32>index;
}

/** Copies the bytes into the arena and appends their ref; changes nothing unless it returns OK. */
function appendSymbol(bytes: usize, length: u32): Status {
  const offset = arenaLength;
  if (<u64>offset + <u64>length > <u64>u32.MAX_VALUE) return Status.OUT_OF_MEMORY;
  if (!reserveArena(offset + length) || !reserveRefs(symbolCount + 1)) return Status.OUT_OF_MEMORY;
  let ref: u32;
  if (fitsDirectRef(offset, length)) {
    ref = packDirectRef(offset, length);
  } else {
    const longIndex = longRefCount;
    if (longIndex >= REF_OFFSET_LIMIT) return Status.TOO_MANY_LONG_REFS;
    if (!reserveLongRefs(longIndex + 1)) return Status.OUT_OF_MEMORY;
    const entry = longRefsStart + <usize>longIndex * LONG_REF_BYTES;
    store<u32>(entry, offset);
    store<u32>(entry, length, 4);
    longRefCount = longIndex + 1;
    ref = packLongRef(longIndex);
  }
  memory.copy(arenaStart + offset, bytes, length);
  arenaLength = offset + length;
  store<u32>(refsStart + (<usize>symbolCount << 2), ref);
  symbolCount++;
  return Status.OK;
}

// @ts-ignore: decorator
@inline function symbolOffset(ref: u32): u32 {
  return isLongRef(ref)
    ? load<u32>(longRefsStart + <usize>refUpperBits(ref) * LONG_REF_BYTES)
    : refUpperBits(ref);
}

// @ts-ignore: decorator
@inline function symbolLength(ref: u32): u32 {
  return isLongRef(ref)
    ? load<u32>(longRefsStart + <usize>refUpperBits(ref) * LONG_REF_BYTES, 4)
    : directRefLength(ref);
}

function symbolEquals(index: u32, bytes: usize, length: u32): bool {
  const ref = load<u32>(refsStart + (<usize>index << 2));
  if (symbolLength(ref) != length) return false;
  return bytesEqual(arenaStart + symbolOffset(ref), bytes, length);
}

function bytesEqual(a: usize, b: usize, length: u32): bool {
  let i: usize = 0;
  const n = <usize>length;
  for (; i + 8 <= n; i += 8) {
    if (load<u64>(a + i) != load<u64>(b + i)) return false;
  }
  for (; i < n; i++) {
    if (load<u8>(a + i) != load<u8>(b + i)) return false;
  }
  return true;
}

/**
 * MurmurHash3 (x86, 32-bit) over 4-byte words: a multiply-rotate per word instead of FNV-1a's
 * multiply per byte, and the final mix spreads the bits the mask keeps.
 */
function hashBytes(bytes: usize, length: u32): u32 {
  let h: u32 = length;
  const n = <usize>length;
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) {
    h = mixWord(h, load<u32>(bytes + i));
    h = rotl<u32>(h, 13) * 5 + 0xe6546b64;
  }
  let tail: u32 = 0;
  for (let shift: u32 = 0; i < n; i++, shift += 8) {
    tail |= <u32>load<u8>(bytes + i) << shift;
  }
  if ((n & 3) != 0) h = mixWord(h, tail);
  h ^= length;
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  h ^= h >>> 16;
  return h;
}

// @ts-ignore: decorator
@inline function mixWord(h: u32, word: u32): u32 {
  word *= 0xcc9e2d51;
  word = rotl<u32>(word, 15);
  word *= 0x1b873593;
  return h ^ word;
}

function setSlots(start: usize, capacity: u32): void {
  memory.fill(start, 0, <usize>capacity << 3);
  slotsStart = start;
  slotCapacity = capacity;
  slotGrowThreshold = capacity >>> 1;
}

/** Doubles the slots and re-inserts every entry by its stored hash (no bytes re-read). */
function growSlots(): bool {
  if (slotCapacity >= (1 << 28)) return false; // 2^28 slots * 8 bytes = 2 GiB: memory would not hold it
  const oldStart = slotsStart;
  const oldCapacity = slotCapacity;
  const capacity = max<u32>(oldCapacity << 1, INITIAL_SLOTS);
  const start = allocateRegion(<usize>capacity << 3);
  if (start == 0) return false;
  setSlots(start, capacity);
  const mask = capacity - 1;
  for (let i: u32 = 0; i < oldCapacity; i++) {
    const entry = load<u64>(oldStart + (<usize>i << 3));
    if (entry == 0) continue;
    let slot = <u32>(entry >>> 32) & mask;
    while (load<u64>(start + (<usize>slot << 3)) != 0) slot = (slot + 1) & mask;
    store<u64>(start + (<usize>slot << 3), entry);
  }
  return true;
}

function reserveArena(required: u32): bool {
  if (required <= arenaCapacity) return true;
  const capacity = grownCapacity(arenaCapacity, required, INITIAL_ARENA_BYTES);
  const start = growRegion(arenaStart, arenaLength, capacity);
  if (start == 0) return false;
  arenaStart = start;
  arenaCapacity = capacity;
  return true;
}

function reserveRefs(required: u32): bool {
  if (required <= refsCapacity) return true;
  const capacity = grownCapacity(refsCapacity, required, INITIAL_SYMBOLS);
  if (capacity > (u32.MAX_VALUE >>> 2)) return false;
  const start = growRegion(refsStart, <usize>symbolCount << 2, <usize>capacity << 2);
  if (start == 0) return false;
  refsStart = start;
  refsCapacity = capacity;
  return true;
}

function reserveLongRefs(required: u32): bool {
  if (required <= longRefsCapacity) return true;
  const capacity = grownCapacity(longRefsCapacity, required, INITIAL_LONG_REFS);
  const start = growRegion(
    longRefsStart, <usize>longRefCount * LONG_REF_BYTES, <usize>capacity * LONG_REF_BYTES,
  );
  if (start == 0) return false;
  longRefsStart = start;
  longRefsCapacity = capacity;
  return true;
}
