// What series batches refer to (src/engine/series-batch.ts): the request's label sets and its string
// ids, which are the builder's small integers for distinct strings. JS fills the sets once per request;
// numbering (numberSeries) then orders the ids in first use, which is the request's symbol order, and
// after JS has interned the strings in that order it fills each id's symbol index, which writeSeries
// (series.ts) writes labels, help and unit with.
//
//   pool       u32[]              every set's sorted (name id, value id) pairs, back to back
//   setStarts  u32[setCount + 1]  set s is pool[setStarts[s], setStarts[s + 1])
//   symbols    u32[idCount]       each id's symbol index
//   used       u8[idCount]        numbering: 1 once the id has a number
//   order      u32[idCount]       numbering: the ids in first-use order
//   setDone    u8[setCount]       numbering: 1 once a series of the set has used all its labels (none
//                                 replaced by its `__name__` or extra label)
//   stamps, entries  u32[setCount]  writing: each set's encoded labels (set-labels.ts), in `cache`
//   ranks      u32[idCount]       each label name's place in UTF-8 order (series-plan.ts)
//   names      u32[]              the sets' distinct label names (series-plan.ts)
//   points     u32[4 * setCount]  per set, two cached insertion points (series-plan.ts)
//
// src/engine/series-numbering.ts is numberSeries in TypeScript for the js engine; both must give the
// same order.

import { mergeLabelPairs } from './merge-labels';
import { PLAN, planSeries } from './series-plan';
import { growRegion, grownCapacity } from './regions';
import { Status } from './symbols';

const MINIMUM_BYTES: u32 = 16 * 1024;
/**
 * Fields per series in a batch (SERIES_FIELDS): set, the two labels put in (name id, value id each;
 * the second name is NO_LABEL when there is none), type, help id, unit id.
 */
export const SERIES_BYTES: usize = 32;
export const LABELS_OFFSET: usize = 4;
export const TYPE_OFFSET: usize = 20;
export const HELP_OFFSET: usize = 24;
export const UNIT_OFFSET: usize = 28;

// The regions above, each a (start, capacity in bytes) pair of this table.
export const POOL: u32 = 0;
export const SET_STARTS: u32 = 1;
export const SYMBOLS: u32 = 2;
const SET_DONE: u32 = 3;
const USED: u32 = 4;
const ORDER: u32 = 5;
export const STAMPS: u32 = 6;
export const ENTRIES: u32 = 7;
export const CACHE: u32 = 8;
export const RANKS: u32 = 9;
export const NAMES: u32 = 10;
export const POINTS: u32 = 11;
const REGIONS: usize = memory.data(12 * 8);

export let setCount: u32 = 0;
export let idCount: u32 = 0;
let orderLength: u32 = 0;
let numberingIds: u32 = 0;

export function regionStart(region: u32): usize {
  return <usize>load<u32>(REGIONS + (<usize>region << 3));
}

/** Makes `region` hold at least `needed` bytes, keeping its contents; false when memory cannot grow. */
export function ensureRegion(region: u32, needed: u64): bool {
  if (needed > <u64>u32.MAX_VALUE) return false;
  const slot = REGIONS + (<usize>region << 3);
  const bytes = load<u32>(slot, 4);
  if (<u32>needed <= bytes) return true;
  const capacity = grownCapacity(bytes, <u32>needed, MINIMUM_BYTES);
  const start = growRegion(<usize>load<u32>(slot), bytes, capacity);
  if (start == 0) return false;
  store<u32>(slot, <u32>start);
  store<u32>(slot, capacity, 4);
  return true;
}

/** Room for `poolLength` ids of `sets` label sets; JS then fills labelPoolPointer and setStartsPointer. */
export function ensureLabelSets(poolLength: u32, sets: u32): Status {
  if (
    !ensureRegion(POOL, <u64>poolLength << 2) || !ensureRegion(SET_STARTS, (<u64>sets << 2) + 4) || !ensureRegion(SET_DONE, sets) ||
    !ensureRegion(STAMPS, <u64>sets << 2) || !ensureRegion(ENTRIES, <u64>sets << 2) || !ensureRegion(POINTS, <u64>sets << 4)
  ) {
    return Status.OUT_OF_MEMORY;
  }
  setCount = sets;
  return Status.OK;
}

export function labelPoolPointer(): usize { return regionStart(POOL); }
export function setStartsPointer(): usize { return regionStart(SET_STARTS); }

/** Room for the symbol index of `ids` string ids; JS then fills idSymbolsPointer. */
export function ensureIdSymbols(ids: u32): Status {
  if (!ensureRegion(SYMBOLS, <u64>ids << 2)) return Status.OUT_OF_MEMORY;
  idCount = ids;
  return Status.OK;
}

export function idSymbolsPointer(): usize { return regionStart(SYMBOLS); }

/** Starts numbering string ids [0, ids) over the label sets of ensureLabelSets. */
export function beginNumbering(ids: u32): Status {
  if (!ensureRegion(USED, ids) || !ensureRegion(ORDER, <u64>ids << 2)) return Status.OUT_OF_MEMORY;
  memory.fill(regionStart(USED), 0, ids);
  memory.fill(regionStart(SET_DONE), 0, setCount);
  orderLength = 0;
  numberingIds = ids;
  return Status.OK;
}

export function numberedPointer(): usize { return regionStart(ORDER); }
export function numberedLength(): u32 { return orderLength; }

/** Numbers `id` unless it has a number; false when it is beyond the ids numbering began with. */
function use(id: u32): bool {
  if (id >= numberingIds) return false;
  const flag = regionStart(USED) + <usize>id;
  if (load<u8>(flag) == 0) {
    store<u8>(flag, 1);
    store<u32>(regionStart(ORDER) + (<usize>orderLength << 2), id);
    orderLength++;
  }
  return true;
}

/**
 * Numbers the strings `count` series use (batch columns at `series`, `labelScratch` with room for a
 * series' labels plus 2, `exemplarIdStart` and `exemplarIds`, absolute addresses): each series' labels
 * in label order (all merged labels until a series of the set has used all the set's labels, then only
 * its `__name__` and extra label), help, unit, exemplar labels.
 */
export function numberSeries(count: u32, series: usize, labelScratch: usize, exemplarIdStart: usize, exemplarIds: usize): Status {
  const setStarts = regionStart(SET_STARTS);
  const poolStart = regionStart(POOL);
  const setDoneStart = regionStart(SET_DONE);
  const plan = PLAN;
  for (let i: u32 = 0; i < count; i++) {
    const record = series + <usize>i * SERIES_BYTES;
    const set = load<u32>(record);
    if (set >= setCount) return Status.MALFORMED_BATCH;
    const from = load<u32>(setStarts + (<usize>set << 2));
    const pairs = (load<u32>(setStarts + (<usize>set << 2), 4) - from) >> 1;
    const pool = poolStart + (<usize>from << 2);
    if (!planSeries(record + LABELS_OFFSET, set, pool, pairs)) return Status.MALFORMED_BATCH;
    const done = setDoneStart + <usize>set;
    // The ids to number go to the scratch (room for the labels plus help and unit), then one loop.
    let length: u32;
    if (load<u8>(done) == 0) {
      length = mergeLabelPairs(pool, pairs, plan, labelScratch);
      // Done only if no set label was replaced: a replaced value may still be used by another series.
      if (length == (pairs << 1) + (load<u32>(plan, 12) <= pairs ? 4 : 2)) store<u8>(done, 1);
    } else {
      store<u64>(labelScratch, load<u64>(plan, 4));
      length = 2;
      if (load<u32>(plan, 12) <= pairs) {
        store<u64>(labelScratch, load<u64>(plan, 16), 8);
        length = 4;
      }
    }
    store<u64>(labelScratch + (<usize>length << 2), load<u64>(record + HELP_OFFSET));
    length += 2;
    for (let l: u32 = 0; l < length; l++) if (!use(load<u32>(labelScratch + (<usize>l << 2)))) return Status.MALFORMED_BATCH;
    const exemplarsTo = load<u32>(exemplarIdStart + (<usize>i << 2), 4);
    for (let e = load<u32>(exemplarIdStart + (<usize>i << 2)); e < exemplarsTo; e++) {
      if (!use(load<u32>(exemplarIds + (<usize>e << 2)))) return Status.MALFORMED_BATCH;
    }
  }
  return Status.OK;
}
