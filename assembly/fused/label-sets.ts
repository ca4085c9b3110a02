// The request's label sets (a point's labels without `__name__`): flat (name id, value id) pairs
// sorted by name, found or added by hash. A histogram point's ~17 series share one set.
//
//   records  per set (48 bytes): pool index of its first pair, pair count, hash, (pad), its run of
//            series records: first record, count, whether they are in the series hash (series.ts); the
//            writer's cache (writer.ts): its pairs' labels_refs bytes size, their offset, the insertion
//            point of `__name__`, the last other put-in name and its insertion point
//   pool     u64 pairs: name id | value id << 32
//   slots    u64, open addressing: set index + 1 | hash << 32 (the hash first, as in series.ts)

import { finishHash, insertHashedSlot, mixWord } from './hash';
import { SET_POOL, SET_RECORDS, SET_SLOTS, ensure, ensureSlots, start } from './regions';

const RECORD_BYTES: usize = 48;
export const NO_SET: u32 = 0xffffffff;

let setCount: u32 = 0;
let poolLength: u32 = 0;
let slotCount: u32 = 0;
/** Whether the last findOrAddSet added the set. */
export let setWasAdded: bool = false;
/** The ids of label names `le` and `quantile`, and whether a set of this request has one of them. */
let leName: u32 = 0;
let quantileName: u32 = 0;
export let putInNameInSet: bool = false;

export function resetLabelSets(le: u32, quantile: u32): void {
  setCount = 0;
  poolLength = 0;
  leName = le;
  quantileName = quantile;
  putInNameInSet = false;
  if (slotCount != 0) memory.fill(start(SET_SLOTS), 0, <usize>slotCount << 3);
}

// @ts-ignore: decorator
@inline export function setPairs(set: u32): usize {
  return start(SET_POOL) + (<usize>load<u32>(start(SET_RECORDS) + <usize>set * RECORD_BYTES) << 3);
}

// @ts-ignore: decorator
@inline export function setPairCount(set: u32): u32 {
  return load<u32>(start(SET_RECORDS) + <usize>set * RECORD_BYTES, 4);
}

/** Where set `set`'s run of series records is kept: first record u32, count u32, indexed u32 (series.ts). */
// @ts-ignore: decorator
@inline export function setSeriesRun(set: u32): usize {
  return start(SET_RECORDS) + <usize>set * RECORD_BYTES + 16;
}

/** Where set `set`'s writer cache is (writer.ts): pairs size, bytes offset, name point, extra name, extra point. */
// @ts-ignore: decorator
@inline export function setWriterCache(set: u32): usize {
  return start(SET_RECORDS) + <usize>set * RECORD_BYTES + 28;
}

/** hashPairs' second answer: whether the pairs have label name `le` or `quantile`. */
export let pairsHavePutInName: bool = false;
/** Where prefetchSet's loads go, so that they are not dropped as unused. */
let prefetched: u64 = 0;

/** The hash of the `count` pairs at `pairs` (and pairsHavePutInName). */
export function hashPairs(pairs: usize, count: u32): u32 {
  let mixed: u64 = 0x9e3779b97f4a7c15 ^ <u64>count;
  let hasPutInName = false;
  for (let i: u32 = 0; i < count; i++) {
    const pair = load<u64>(pairs + (<usize>i << 3));
    mixed = mixWord(mixed, pair);
    const name = <u32>pair;
    hasPutInName |= name == leName || name == quantileName;
  }
  pairsHavePutInName = hasPutInName;
  return finishHash(mixed);
}

/**
 * Loads the slot a set of hash `hash` probes first, before its findOrAddHashedSet (point-labels.ts
 * prefetchBatch): WebAssembly has no prefetch instruction; loads kept in a global, issued together,
 * wait for memory together.
 */
// @ts-ignore: decorator
@inline export function prefetchSet(hash: u32): void {
  if (slotCount != 0) prefetched ^= load<u64>(start(SET_SLOTS) + (<usize>(hash & (slotCount - 1)) << 3));
}

/** The set of the `count` pairs at `pairs`; NO_SET when memory cannot grow. */
export function findOrAddSet(pairs: usize, count: u32): u32 {
  const hash = hashPairs(pairs, count);
  return findOrAddHashedSet(pairs, count, hash, pairsHavePutInName);
}

/** findOrAddSet of pairs whose hashPairs was `hash` (and pairsHavePutInName `hasPutInName`). */
export function findOrAddHashedSet(pairs: usize, count: u32, hash: u32, hasPutInName: bool): u32 {
  setWasAdded = false;
  // The free slot the probe stops at takes a new set, unless the slots must grow first (then a
  // second probe): most sets are new (~95% of the 10k bench request's points), so one probe, not two.
  let freeSlot: usize = 0;
  if (slotCount != 0) {
    const mask = slotCount - 1;
    const slots = start(SET_SLOTS);
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = load<u64>(slots + (<usize>slot << 3));
      if (entry == 0) {
        freeSlot = slots + (<usize>slot << 3);
        break;
      }
      if (<u32>(entry >> 32) != hash) continue;
      const held = <u32>entry;
      const record = start(SET_RECORDS) + <usize>(held - 1) * RECORD_BYTES;
      if (load<u32>(record, 4) != count) continue;
      const pool = start(SET_POOL) + (<usize>load<u32>(record) << 3);
      let same = true;
      for (let i: u32 = 0; i < count; i++) {
        if (load<u64>(pool + (<usize>i << 3)) != load<u64>(pairs + (<usize>i << 3))) {
          same = false;
          break;
        }
      }
      if (same) return held - 1;
    }
  }
  if (<u64>(setCount + 1) << 1 >= <u64>slotCount) {
    const slots = ensureSlots(SET_SLOTS, setCount + 1, slotCount, 3);
    if (slots == 0) return NO_SET;
    slotCount = slots;
    for (let s: u32 = 0; s < setCount; s++) insert(s, load<u32>(start(SET_RECORDS) + <usize>s * RECORD_BYTES, 8));
    freeSlot = 0;
  }
  if (!ensure(SET_RECORDS, <u64>(setCount + 1) * RECORD_BYTES) || !ensure(SET_POOL, (<u64>poolLength + count) << 3)) return NO_SET;
  const set = setCount++;
  const record = start(SET_RECORDS) + <usize>set * RECORD_BYTES;
  store<u32>(record, poolLength);
  store<u32>(record, count, 4);
  store<u32>(record, hash, 8);
  store<u32>(record, 0, 16);
  store<u32>(record, 0, 20);
  store<u32>(record, 0, 24);
  // The writer's cache: all unknown (stores, not memory.fill: a fill is a call in V8).
  store<u64>(record, 0xffffffffffffffff, 28);
  store<u64>(record, 0xffffffffffffffff, 36);
  store<u32>(record, 0xffffffff, 44);
  // Series of such a set may have a group's series' labels (request.ts fusedSeriesMayMerge).
  if (hasPutInName) putInNameInSet = true;
  const pool = start(SET_POOL) + (<usize>poolLength << 3);
  for (let i: u32 = 0; i < count; i++) store<u64>(pool + (<usize>i << 3), load<u64>(pairs + (<usize>i << 3)));
  poolLength += count;
  if (freeSlot != 0) store<u64>(freeSlot, <u64>(set + 1) | (<u64>hash << 32));
  else insert(set, hash);
  setWasAdded = true;
  return set;
}

function insert(set: u32, hash: u32): void {
  insertHashedSlot(start(SET_SLOTS), slotCount, set, hash);
}
