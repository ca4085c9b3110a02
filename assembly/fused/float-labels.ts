// `le` and `quantile` values by the bits of their double: their label value's string id. A value met
// for the first time is formatted by JS (the `fusedFloatLabel` import: formatFloatPositional, Go's
// FormatFloat(x, 'f', -1, 64)), so texts are the general path's by construction; 0 and -0 have their
// own bits and texts. Entries live across requests until JS clears the caches.
//
//   entries  per entry (16 bytes): bits u64, string id u32, (pad)
//   slots    u32, open addressing: entry index + 1, 0 = empty

import { FLOATS, FLOAT_SLOTS, ensure, ensureSlots, start } from './regions';

/** JS's string id of the formatted `value`, or -1 (an error). */
@external('env', 'fusedFloatLabel')
declare function floatLabel(value: f64): i32;

export const NO_FLOAT_LABEL: u32 = 0xffffffff;
const ENTRY_BYTES: usize = 16;

let entryCount: u32 = 0;
let slotCount: u32 = 0;

export function clearFloatLabels(): void {
  entryCount = 0;
  store<u32>(BOUND_TEXTS, 0);
  store<u32>(QUANTILE_TEXTS, 0);
  if (slotCount != 0) memory.fill(start(FLOAT_SLOTS), 0, <usize>slotCount << 2);
}

export function fusedFloatCount(): u32 { return entryCount; }

// @ts-ignore: decorator
@inline function hashBits(bits: u64): u32 {
  const mixed = (bits ^ (bits >> 29)) * 0xbf58476d1ce4e5b9;
  return <u32>(mixed ^ (mixed >> 32));
}

/** The label value id of `value`; NO_FLOAT_LABEL when JS failed or memory cannot grow. */
export function labelOfFloat(value: f64): u32 {
  const bits = reinterpret<u64>(value);
  const hash = hashBits(bits);
  if (slotCount != 0) {
    const mask = slotCount - 1;
    const slots = start(FLOAT_SLOTS);
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = load<u32>(slots + (<usize>slot << 2));
      if (held == 0) break;
      const entry = start(FLOATS) + <usize>(held - 1) * ENTRY_BYTES;
      if (load<u64>(entry) == bits) return load<u32>(entry, 8);
    }
  }
  const id = floatLabel(value);
  if (id < 0) return NO_FLOAT_LABEL;
  const slots = ensureSlots(FLOAT_SLOTS, entryCount + 1, slotCount);
  if (slots == 0 || !ensure(FLOATS, <u64>(entryCount + 1) * ENTRY_BYTES)) return NO_FLOAT_LABEL;
  if (slots != slotCount) {
    slotCount = slots;
    for (let e: u32 = 0; e < entryCount; e++) insert(e, hashBits(load<u64>(start(FLOATS) + <usize>e * ENTRY_BYTES)));
  }
  const index = entryCount++;
  const entry = start(FLOATS) + <usize>index * ENTRY_BYTES;
  store<u64>(entry, bits);
  store<u32>(entry, <u32>id, 8);
  insert(index, hash);
  return <u32>id;
}

// The last texts met by position in a point's bounds (BOUND_TEXTS) or quantiles (QUANTILE_TEXTS):
// most points of a metric share their layout, so a position's value is most often the one before it,
// found without hashing (the 10k-point bench request's lookups: 0.42 -> 0.15 ms, profiled). An id kept
// here is the table's for the same bits, so reusing it is labelOfFloat's answer.
//
//   cache  known positions u32, (pad), then per position (16 bytes): bits u64, string id u32, (pad)
const CACHED_POSITIONS: u32 = 64;
export const BOUND_TEXTS: usize = memory.data(16 + <i32>CACHED_POSITIONS * 16);
export const QUANTILE_TEXTS: usize = memory.data(16 + <i32>CACHED_POSITIONS * 16);

/** labelOfFloat(value) for the value at `position` of a layout, through `cache`. */
export function labelOfFloatAt(cache: usize, position: u32, value: f64): u32 {
  const bits = reinterpret<u64>(value);
  const known = load<u32>(cache);
  const entry = cache + 16 + (<usize>position << 4);
  if (position < known && load<u64>(entry) == bits) return load<u32>(entry, 8);
  const id = labelOfFloat(value);
  // Positions are met in order from 0, so the known ones stay a prefix.
  if (id != NO_FLOAT_LABEL && position <= known && position < CACHED_POSITIONS) {
    store<u64>(entry, bits);
    store<u32>(entry, id, 8);
    if (position == known) store<u32>(cache, known + 1);
  }
  return id;
}

/** Whether the `count` f64 values at `values` are the first `count` of `cache`, bit for bit: then their texts are cachedText's. */
export function isKnownLayout(cache: usize, values: usize, count: u32): bool {
  if (count > load<u32>(cache)) return false;
  for (let i: u32 = 0; i < count; i++) {
    if (load<u64>(cache + 16 + (<usize>i << 4)) != load<u64>(values + (<usize>i << 3))) return false;
  }
  return true;
}

/** The text id at `position` of the layout `cache` knows (isKnownLayout). */
// @ts-ignore: decorator
@inline export function cachedText(cache: usize, position: u32): u32 {
  return load<u32>(cache + 16 + (<usize>position << 4), 8);
}

function insert(index: u32, hash: u32): void {
  const mask = slotCount - 1;
  const slots = start(FLOAT_SLOTS);
  let slot = hash & mask;
  while (load<u32>(slots + (<usize>slot << 2)) != 0) slot = (slot + 1) & mask;
  store<u32>(slots + (<usize>slot << 2), index + 1);
}
