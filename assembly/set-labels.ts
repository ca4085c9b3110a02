// Each label set's labels as the bytes writeSeries writes them (symbol index varints), made once per
// batch per set. A histogram point's ~17 series share a set; writing one then copies up to three runs
// of these bytes around its `__name__` and extra label, instead of merging, mapping and encoding each
// of its ~20 labels. src/engine/set-labels.ts is the same cache for the js engine.
//
//   cache     (request.ts) per set the batch uses: u32 end[pairs + 1] (end[k]: bytes of pairs [0, k)), then the bytes
//   stamps    u32 per set (request.ts): the batch its entry is from
//   entries   u32 per set (request.ts): where its entry starts in the cache

import { CACHE, ENTRIES, POOL, STAMPS, SYMBOLS, ensureRegion, idCount, regionStart } from './request';
import { Status } from './symbols';
import { writeVarint } from './varint';

/** Bytes readable past any entry: copyBytes moves 8 bytes at a time. */
const SLACK: u32 = 8;

let stamp: u32 = 0;
let cacheUsed: u32 = 0;

/** Forgets every entry: the next batch (or new symbol indices) makes them anew. */
export function beginSetCache(): void {
  stamp++;
  cacheUsed = 0;
}

export function setCachePointer(): usize { return regionStart(CACHE); }

/**
 * The cache offset of the entry of `set` (its `pairs` pairs at pool index `from`), made if this batch
 * has none; a negative Status when a label id is beyond the request's or memory cannot grow. May move
 * the cache: read setCachePointer() after it.
 */
export function setEntry(set: u32, from: u32, pairs: u32): i64 {
  const slot = <usize>set << 2;
  if (load<u32>(regionStart(STAMPS) + slot) == stamp) return <i64>load<u32>(regionStart(ENTRIES) + slot);
  const entry = cacheUsed;
  if (!ensureRegion(CACHE, <u64>entry + (<u64>pairs + 1) * 4 + <u64>pairs * 10 + <u64>SLACK + 4)) return -<i64>Status.OUT_OF_MEMORY;
  const cacheStart = regionStart(CACHE);
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
