// A data point's label set, as PointLabelSets.pointSet builds it (src/translate/point-label-sets.ts):
// its attributes sorted by label name rank (two attributes with one name: declined, the general path
// joins their values), merged with the metric's context labels (forced ones replace the point's, the
// others fill in), empty values dropped, then found or added as a set.

import { DECLINED, NO_VALUE, SKIP, labelOfAttribute } from './attribute-labels';
import { NO_SET, findOrAddHashedSet, findOrAddSet, hashPairs, pairsHavePutInName, prefetchSet } from './label-sets';
import { rankOf } from './strings';

/** Point attributes at most (more: declined). */
const MAX_ATTRIBUTES: u32 = 1024;
/** Context labels at most (JS declines more before writing them). */
export const MAX_CONTEXT: u32 = 1024;

const NAMES: usize = memory.data(<i32>MAX_ATTRIBUTES * 4);
const VALUES: usize = memory.data(<i32>MAX_ATTRIBUTES * 4);
/**
 * A batch of prepared points (preparePointSet): their merged pairs back to back, room for two points
 * of the most pairs (batchHasRoom), and per slot: first pair, pair count, hash, whether a pair is
 * `le` or `quantile` (u32 each).
 */
export const BATCH_POINTS: u32 = 16;
const MOST_PAIRS: u32 = MAX_ATTRIBUTES + MAX_CONTEXT;
const MERGED: usize = memory.data(<i32>MOST_PAIRS * 8 * 2);
const PREPARED: usize = memory.data(<i32>BATCH_POINTS * 16);
let mergedCount: u32 = 0;
/** The metric's context labels, written by JS: per label name id, value id (NO_VALUE: delete), forced. */
export const CONTEXT: usize = memory.data(<i32>MAX_CONTEXT * 12);
export let contextCount: u32 = 0;
/** maxLabelsPerSeries: a set with more than this less 2 pairs is declined (`__name__` and `le` join it). */
export let maxSetPairs: u32 = 0;

let count: u32 = 0;
/** The point's attributes met so far, skipped ones included. */
let position: u32 = 0;
/** Set when the point cannot be labelled here. */
export let declined: bool = false;

/**
 * The label name the current metric's series put in besides `__name__` (`le` for classic histograms,
 * `quantile` for summaries): a point label of that name would be replaced in some of its series only,
 * which the general path's series table settles; declined here.
 */
let putInName: u32 = 0xffffffff;

export function setPutInName(value: u32): void { putInName = value; }
export function setContextCount(value: u32): void { contextCount = value; }
export function setMaxSetPairs(value: u32): void { maxSetPairs = value; }

export function clearDeclined(): void {
  declined = false;
}

export function beginPoint(): void {
  count = 0;
  position = 0;
}

/** Adds the attribute whose KeyValue bytes are [at, at + length). */
export function addAttribute(at: usize, length: u32): void {
  const label = labelOfAttribute(at, length, position++);
  if (label == SKIP) return;
  if (label == DECLINED || count == MAX_ATTRIBUTES) {
    declined = true;
    return;
  }
  const name = <u32>label;
  const value = <u32>(label >> 32);
  if (name == putInName) {
    declined = true;
    return;
  }
  // Ranks are read again each time: a name first seen in this point renumbers later ones.
  const rank = rankOf(name);
  let at4 = <usize>count << 2;
  while (at4 > 0) {
    const before = rankOf(load<u32>(NAMES + at4 - 4));
    if (before < rank) break;
    if (before == rank) {
      declined = true;
      return;
    }
    store<u32>(NAMES + at4, load<u32>(NAMES + at4 - 4));
    store<u32>(VALUES + at4, load<u32>(VALUES + at4 - 4));
    at4 -= 4;
  }
  store<u32>(NAMES + at4, name);
  store<u32>(VALUES + at4, value);
  count++;
}

/** Whether the batch has room for the pairs of any point. */
export function batchHasRoom(): bool {
  return mergedCount <= MOST_PAIRS;
}

export function clearBatch(): void {
  mergedCount = 0;
}

/**
 * The point's pairs (after its attributes) merged and hashed into batch slot `slot`; preparedSet(slot)
 * then finds or adds the set. False when declined.
 */
export function preparePointSet(slot: u32): bool {
  if (declined) return false;
  const first = mergedCount;
  const merged = MERGED + (<usize>first << 3);
  let n: u32 = 0;
  let i: u32 = 0;
  let j: u32 = 0;
  while (i < count || j < contextCount) {
    let order: i64;
    if (i == count) order = 1;
    else if (j == contextCount) order = -1;
    else order = <i64>rankOf(load<u32>(NAMES + (<usize>i << 2))) - <i64>rankOf(load<u32>(CONTEXT + <usize>j * 12));
    let name: u32;
    let value: u32;
    if (order < 0) {
      name = load<u32>(NAMES + (<usize>i << 2));
      value = load<u32>(VALUES + (<usize>i << 2));
      i++;
    } else if (order > 0) {
      name = load<u32>(CONTEXT + <usize>j * 12);
      value = load<u32>(CONTEXT + <usize>j * 12, 4);
      j++;
    } else {
      const forced = load<u32>(CONTEXT + <usize>j * 12, 8) != 0;
      const own = load<u32>(VALUES + (<usize>i << 2));
      name = load<u32>(NAMES + (<usize>i << 2));
      value = forced || own == NO_VALUE ? load<u32>(CONTEXT + <usize>j * 12, 4) : own;
      i++;
      j++;
    }
    if (value == NO_VALUE) continue;
    store<u64>(merged + (<usize>n << 3), <u64>name | (<u64>value << 32));
    n++;
  }
  if (n > maxSetPairs) {
    declined = true;
    return false;
  }
  mergedCount += n;
  const prepared = PREPARED + (<usize>slot << 4);
  store<u32>(prepared, first);
  store<u32>(prepared, n, 4);
  store<u32>(prepared, hashPairs(merged, n), 8);
  store<u32>(prepared, pairsHavePutInName ? 1 : 0, 12);
  return true;
}

/**
 * Loads the set table's first probe of each of the batch's `count` prepared points, back to back: at
 * 100k points the slots are megabytes and each probe a cache miss (~6% of the walk, one at a time).
 */
export function prefetchBatch(count: u32): void {
  for (let slot: u32 = 0; slot < count; slot++) prefetchSet(load<u32>(PREPARED + (<usize>slot << 4), 8));
}

/** The set of the pairs preparePointSet put in `slot`; NO_SET when declined or memory cannot grow. */
export function preparedSet(slot: u32): u32 {
  if (declined) return NO_SET;
  const prepared = PREPARED + (<usize>slot << 4);
  const pairs = MERGED + (<usize>load<u32>(prepared) << 3);
  const set = findOrAddHashedSet(pairs, load<u32>(prepared, 4), load<u32>(prepared, 8), load<u32>(prepared, 12) != 0);
  if (set == NO_SET) declined = true;
  return set;
}

/** Labels given whole by JS (target_info): `n` sorted pairs at `pairs`. */
export function setOfPairs(pairs: usize, n: u32): u32 {
  if (n > maxSetPairs) return NO_SET;
  return findOrAddSet(pairs, n);
}
