// Where a series' two put-in labels (`__name__`, and `le` or `quantile`) go among its label set's
// pairs: the six-number merge plan of src/engine/merge-labels.ts, computed in the engine from each
// label name's rank in UTF-8 order, so the builder hands over plain columns (set, names, values) and
// compares no strings per series. Once per request, after the label sets: labelNames lists the sets'
// distinct names, JS sorts them with the put-in names (it has the strings) and rankNames numbers them.
// src/engine/series-plan.ts is the same for the js engine; both must plan alike.
//
// An insertion point is the index of the set's first pair whose name ranks at or after the label's.
// Each set caches two (name, point) entries: the first name asked for (`__name__`) and the last other
// one (a set is used with one of `le` and `quantile`), as a histogram point's ~17 series share a set.

import { NAMES, POINTS, POOL, RANKS, SET_STARTS, ensureRegion, regionStart, setCount } from './request';

/** No label (the second put-in label of a series that has one only), and a name without a rank. */
const NONE: u32 = 0xffffffff;
/** A name labelNames listed that rankNames has not ranked yet. */
const UNRANKED: u32 = 0xfffffffe;

/** Where planSeries writes a plan (24 bytes). */
export const PLAN: usize = memory.data(24);

let rankedIds: u32 = 0;
let nameCount: u32 = 0;
/** Whether rankNames has ranked every listed name since labelNames. */
let ranked: bool = false;

/**
 * Lists the distinct label names of the label sets, first seen first, as string ids below `ids`;
 * returns how many, -1 when a name is `ids` or above, -2 when memory cannot grow. Clears every rank
 * and cached point.
 */
export function labelNames(ids: u32): i32 {
  if (!ensureRegion(RANKS, <u64>ids << 2) || !ensureRegion(NAMES, (<u64>ids << 2) + 16)) return -2;
  const ranks = regionStart(RANKS);
  const names = regionStart(NAMES);
  memory.fill(ranks, 0xff, <usize>ids << 2);
  memory.fill(regionStart(POINTS), 0xff, <usize>setCount << 4);
  rankedIds = ids;
  nameCount = 0;
  ranked = false;
  const pool = regionStart(POOL);
  const end = pool + (<usize>load<u32>(regionStart(SET_STARTS) + (<usize>setCount << 2)) << 2);
  for (let at = pool; at < end; at += 8) {
    const name = load<u32>(at);
    if (name >= ids) return -1;
    const rank = ranks + (<usize>name << 2);
    if (load<u32>(rank) == NONE) {
      store<u32>(rank, UNRANKED);
      store<u32>(names + (<usize>nameCount << 2), name);
      nameCount++;
    }
  }
  return <i32>nameCount;
}

export function labelNamesPointer(): usize { return regionStart(NAMES); }

/**
 * Ranks the `count` names JS wrote at labelNamesPointer, in order: every listed name and any put-in
 * name, sorted. False when a name is out of range or repeated, or a listed one is missing.
 */
export function rankNames(count: u32): bool {
  const ranks = regionStart(RANKS);
  const names = regionStart(NAMES);
  const listed = nameCount;
  for (let i: u32 = 0; i < count; i++) {
    const name = load<u32>(names + (<usize>i << 2));
    if (name >= rankedIds) return false;
    const rank = ranks + (<usize>name << 2);
    if (load<u32>(rank) != NONE && load<u32>(rank) != UNRANKED) return false;
    if (load<u32>(rank) == UNRANKED) nameCount--;
    store<u32>(rank, i);
  }
  ranked = nameCount == 0;
  nameCount = listed;
  return ranked;
}

// @ts-ignore: decorator
@inline function rankOf(name: u32): u32 {
  return name < rankedIds ? load<u32>(regionStart(RANKS) + (<usize>name << 2)) : NONE;
}

/** Finds label `name`'s insertion point among the `pairs` pairs at `pool` of set `set` and caches it; NONE when it has no rank. */
function insertionPoint(set: u32, pool: usize, pairs: u32, name: u32): u32 {
  const rank = rankOf(name);
  if (rank >= UNRANKED) return NONE;
  let point: u32 = 0;
  while (point < pairs && rankOf(load<u32>(pool + (<usize>point << 3))) < rank) point++;
  const cache = regionStart(POINTS) + (<usize>set << 4);
  const slot = load<u32>(cache) == NONE || load<u32>(cache) == name ? cache : cache + 8;
  store<u32>(slot, name);
  store<u32>(slot, point, 4);
  return point;
}

/**
 * Writes the merge plan of the labels at `labels` (name, value, second name or NONE, second value)
 * into set `set` (`pairs` pairs at `pool`) to PLAN. False when a put-in name has no rank or both are
 * one name.
 */
export function planSeries(labels: usize, set: u32, pool: usize, pairs: u32): bool {
  if (!ranked) return false;
  const name = load<u32>(labels);
  const value = load<u32>(labels, 4);
  const extraName = load<u32>(labels, 8);
  const extraValue = load<u32>(labels, 12);
  const cache = regionStart(POINTS) + (<usize>set << 4);
  // Cache hits first: a set's series (a histogram point's ~17) mostly put in names asked for before.
  const namePoint = load<u32>(cache) == name ? load<u32>(cache, 4) : insertionPoint(set, pool, pairs, name);
  if (namePoint == NONE) return false;
  if (extraName == NONE) {
    store<u32>(PLAN, namePoint);
    store<u32>(PLAN, name, 4);
    store<u32>(PLAN, value, 8);
    store<u32>(PLAN, pairs + 1, 12);
    store<u32>(PLAN, NONE, 16);
    store<u32>(PLAN, 0, 20);
    return true;
  }
  if (extraName == name) return false;
  const extraPoint = load<u32>(cache, 8) == extraName ? load<u32>(cache, 12) : insertionPoint(set, pool, pairs, extraName);
  if (extraPoint == NONE) return false;
  const nameFirst = namePoint != extraPoint ? namePoint < extraPoint : rankOf(name) < rankOf(extraName);
  store<u32>(PLAN, nameFirst ? namePoint : extraPoint);
  store<u32>(PLAN, nameFirst ? name : extraName, 4);
  store<u32>(PLAN, nameFirst ? value : extraValue, 8);
  store<u32>(PLAN, nameFirst ? extraPoint : namePoint, 12);
  store<u32>(PLAN, nameFirst ? extraName : name, 16);
  store<u32>(PLAN, nameFirst ? extraValue : value, 20);
  return true;
}
