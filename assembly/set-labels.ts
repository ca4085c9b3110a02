// Each label set's labels as the bytes writeSeries writes them (symbol index varints), made once per
// batch per set. A histogram point's ~17 series share a set; writing one then copies up to three runs
// of these bytes around its `__name__` and extra label, instead of merging, mapping and encoding each
// of its ~20 labels. src/engine/set-labels.ts is the same cache for the js engine.
//
//   cache     per set the batch uses: u32 end[pairs + 1] (end[k]: bytes of pairs [0, k)), then the bytes
//   stamps    u32 per set (request.ts): the batch its entry is from
//   entries   u32 per set (request.ts): where its entry starts in the cache

import { growRegion, grownCapacity } from './regions';
import { ENTRIES, POOL, STAMPS, SYMBOLS, idCount, regionStart } from './request';
import { Status } from './symbols';

const MINIMUM_BYTES: u32 = 64 * 1024;
/** Bytes readable past any entry: copyBytes moves 8 bytes at a time. */
const SLACK: u32 = 8;

let stamp: u32 = 0;
let cacheStart: usize = 0;
let cacheBytes: u32 = 0;
let cacheUsed: u32 = 0;

/** Forgets every entry: the next batch (or new symbol indices) makes them anew. */
export function beginSetCache(): void {
  stamp++;
  cacheUsed = 0;
}

export function setCachePointer(): usize { return cacheStart; }

// @ts-ignore: decorator
@inline export function varintSize(value: u64): u32 {
  let size: u32 = 1;
  while (value > 0x7f) {
    value >>= 7;
    size++;
  }
  return size;
}

export function writeVarint(at: usize, value: u64): usize {
  while (value > 0x7f) {
    store<u8>(at++, <u8>(value & 0x7f) | 0x80);
    value >>= 7;
  }
  store<u8>(at++, <u8>value);
  return at;
}

/**
 * Copies `length` bytes 8 at a time: labels runs are ~10-40 bytes, too short for memory.copy, which
 * V8 calls out of line for. Writes up to 7 bytes past `to + length` (writers leave room for them).
 */
// @ts-ignore: decorator
@inline export function copyBytes(to: usize, from: usize, length: u32): void {
  for (let i: usize = 0; i < <usize>length; i += 8) store<u64>(to + i, load<u64>(from + i));
}

/**
 * The cache offset of the entry of `set` (its `pairs` pairs at pool index `from`), made if this batch
 * has none; a negative Status when a label id is beyond the request's or memory cannot grow. May move
 * the cache: read setCachePointer() after it.
 */
export function setEntry(set: u32, from: u32, pairs: u32): i64 {
  const slot = <usize>set << 2;
  if (load<u32>(regionStart(STAMPS) + slot) == stamp) return <i64>load<u32>(regionStart(ENTRIES) + slot);
  const entry = cacheUsed;
  const needed = <u64>entry + (<u64>pairs + 1) * 4 + <u64>pairs * 10 + <u64>SLACK + 4;
  if (needed > <u64>cacheBytes) {
    if (needed > <u64>u32.MAX_VALUE) return -<i64>Status.OUT_OF_MEMORY;
    const capacity = grownCapacity(cacheBytes, <u32>needed, MINIMUM_BYTES);
    const start = growRegion(cacheStart, cacheBytes, capacity);
    if (start == 0) return -<i64>Status.OUT_OF_MEMORY;
    cacheStart = start;
    cacheBytes = capacity;
  }
  const ends = cacheStart + <usize>entry;
  const bytes = ends + ((<usize>pairs + 1) << 2);
  const pool = regionStart(POOL) + (<usize>from << 2);
  const symbols = regionStart(SYMBOLS);
  let at = bytes;
  store<u32>(ends, 0);
  for (let k: u32 = 0; k < pairs; k++) {
    const name = load<u32>(pool + (<usize>k << 3));
    const value = load<u32>(pool + (<usize>k << 3), 4);
    if (name >= idCount || value >= idCount) return -<i64>Status.MALFORMED_BATCH;
    at = writeVarint(at, load<u32>(symbols + (<usize>name << 2)));
    at = writeVarint(at, load<u32>(symbols + (<usize>value << 2)));
    store<u32>(ends + ((<usize>k + 1) << 2), <u32>(at - bytes));
  }
  cacheUsed = (<u32>(at - cacheStart) + 3) & ~3;
  store<u32>(regionStart(STAMPS) + slot, stamp);
  store<u32>(regionStart(ENTRIES) + slot, entry);
  return <i64>entry;
}
