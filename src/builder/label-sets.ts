import { compareUtf8 } from '../rw/label-order.js';
import { grow } from './columns.js';
import { HashIndex } from './hash-index.js';
import type { StringIds } from './string-ids.js';

/** Label name of the metric name, id 0 in every table (interned first). */
export const METRIC_NAME = '__name__';
export const METRIC_NAME_ID = 0;
/** The bucket label names of histograms and summaries, ids 1 and 2 in every table. */
export const LE_ID = 1;
export const QUANTILE_ID = 2;
/** What a table interns first, so that the ids above are constants. */
export const FIXED_NAMES: readonly string[] = [METRIC_NAME, 'le', 'quantile'];

/** Whether string id `name` is `le` or `quantile`. */
export function isBucketLabel(name: number): boolean {
  return name === LE_ID || name === QUANTILE_ID;
}

/**
 * The label sets a request's data points share: one per distinct set of (name, value) string ids, stored
 * as flat sorted id pairs. A histogram point's ~17 series all reference one set and differ only in
 * `__name__` and `le`, so series carry (set, name, extra label) instead of their own label arrays.
 *
 * Sets live back to back in one pool and are found through an open-addressing index on their hash
 * (no key string and no typed array per set: on the 10k-point bench workload almost every point has its
 * own set, and those allocations showed up as GC time).
 */
export class LabelSets {
  size = 0;
  /** Every set's flat (name id, value id) pairs, back to back: set `s` is pool[start[s], start[s + 1]). */
  pool: Int32Array = new Int32Array(16 * 1024);
  /** Where each set's pairs start in `pool`; start[size] is the pool's used length. */
  start: Int32Array = new Int32Array(1025);
  /** Order-independent hash of each set's pairs (see pairHash). */
  hashes: Int32Array = new Int32Array(1024);
  /** Per set, the part of `hashes` its `le` and `quantile` pairs make, and the sum of their value ids (0 when it has neither). */
  bucketHashes: Int32Array = new Int32Array(1024);
  bucketValues: Int32Array = new Int32Array(1024);
  /** Value id of `__name__` in each set, -1 when absent (a promoted attribute or external label can be named so). */
  metricNameValue: Int32Array = new Int32Array(1024);
  /**
   * Whether the set has a `__name__`, `le` or `quantile` label: only then can a series of another set
   * have the same labels as one of it (see SeriesTable.series).
   */
  special: Uint8Array = new Uint8Array(1024);
  /** Whether any name or value of the set is over the byte limits: series of it take the slow check. */
  oversized: Uint8Array = new Uint8Array(1024);
  /** Per set, the insertion point of `__name__` (-1 = not computed) and of the last extra label name asked for (see insertionPoint). */
  private namePoint: Int32Array = new Int32Array(1024);
  private extraName: Int32Array = new Int32Array(1024);
  private extraPoint: Int32Array = new Int32Array(1024);
  private readonly index = new HashIndex(4096);

  constructor(
    private readonly strings: StringIds,
    /** Whether the string of an id is over the label name (`name`) or value byte limit. */
    private readonly isOversized: (id: number, name: boolean) => boolean,
    /** False when no string can be over the byte limits, so no set needs its strings checked. */
    private readonly couldBeOversized: () => boolean,
  ) {}

  /** Pairs in set `set`. */
  pairCount(set: number): number {
    return (this.start[set + 1] - this.start[set]) >> 1;
  }

  /**
   * The id of the set of ids[0, length) (flat name/value id pairs sorted by name, names unique). `ids`
   * may be a scratch buffer: a new set's pairs are copied.
   */
  id(ids: Int32Array, length = ids.length): number {
    let hash = 0;
    let bucketHash = 0;
    let bucketValues = 0;
    let nameValue = -1;
    let special = 0;
    for (let i = 0; i < length; i += 2) {
      const mix = pairHash(ids[i], ids[i + 1]);
      hash = (hash + mix) | 0;
      if (ids[i] === METRIC_NAME_ID) nameValue = ids[i + 1];
      else if (isBucketLabel(ids[i])) {
        special = 1;
        bucketHash = (bucketHash + mix) | 0;
        bucketValues += ids[i + 1];
      }
    }
    const index = this.index;
    for (let slot = index.first(hash); index.entry(slot) >= 0; slot = index.next(slot)) {
      const set = index.entry(slot);
      if (index.hashAt(slot) === hash && this.equals(set, ids, length)) return set;
    }
    const set = this.size;
    if (set === this.hashes.length || set + 1 === this.start.length) this.growSets(set + 2);
    const from = this.start[set];
    if (from + length > this.pool.length) this.pool = grow(this.pool, from + length);
    let oversized = 0;
    const check = this.couldBeOversized();
    for (let p = 0; p < length; p += 2) {
      this.pool[from + p] = ids[p];
      this.pool[from + p + 1] = ids[p + 1];
      if (check && (this.isOversized(ids[p], true) || this.isOversized(ids[p + 1], false))) oversized = 1;
    }
    this.start[set + 1] = from + length;
    this.hashes[set] = hash;
    this.bucketHashes[set] = bucketHash;
    this.bucketValues[set] = bucketValues;
    this.metricNameValue[set] = nameValue;
    this.special[set] = nameValue >= 0 ? 1 : special;
    this.oversized[set] = oversized;
    this.namePoint[set] = -1;
    this.extraName[set] = -1;
    this.extraPoint[set] = -1;
    this.size = set + 1;
    index.add(set, this.hashes, this.hashes);
    return set;
  }

  /**
   * Where label `name` goes in set `set`: the index of the first pair whose name sorts at or after it.
   * Cached per set for `__name__` and for the last extra name (a set is used with one of `le` or
   * `quantile`), so merging a series' labels compares no strings.
   */
  insertionPoint(set: number, name: number): number {
    if (name === METRIC_NAME_ID) {
      if (this.namePoint[set] < 0) this.namePoint[set] = this.search(set, name);
      return this.namePoint[set];
    }
    if (this.extraName[set] !== name) {
      this.extraName[set] = name;
      this.extraPoint[set] = this.search(set, name);
    }
    return this.extraPoint[set];
  }

  /**
   * Whether `__name__` comes before label `extraName` in the labels of a series of `set`: at an earlier
   * insertion point, or at the same one and sorting first (it does before `le` and `quantile`).
   */
  nameBefore(set: number, extraName: number): boolean {
    const namePoint = this.insertionPoint(set, METRIC_NAME_ID);
    const extraPoint = this.insertionPoint(set, extraName);
    return namePoint !== extraPoint ? namePoint < extraPoint : compareUtf8(METRIC_NAME, this.strings.strings[extraName]) < 0;
  }

  private search(set: number, name: number): number {
    const strings = this.strings.strings;
    const pool = this.pool;
    const from = this.start[set];
    const pairs = this.pairCount(set);
    const text = strings[name];
    let pair = 0;
    while (pair < pairs && compareUtf8(strings[pool[from + 2 * pair]], text) < 0) pair++;
    return pair;
  }

  private equals(set: number, ids: Int32Array, length: number): boolean {
    const from = this.start[set];
    if (this.start[set + 1] - from !== length) return false;
    const pool = this.pool;
    for (let i = 0; i < length; i++) if (pool[from + i] !== ids[i]) return false;
    return true;
  }

  /** Forgets sets from `count` on (an add() rolled back). */
  truncate(count: number): void {
    if (count >= this.size) return;
    this.size = count;
    this.index.truncate(count, this.hashes);
  }

  clear(): void {
    this.truncate(0);
  }

  private growSets(needed: number): void {
    this.start = grow(this.start, needed);
    this.hashes = grow(this.hashes, needed);
    this.bucketHashes = grow(this.bucketHashes, needed);
    this.bucketValues = grow(this.bucketValues, needed);
    this.metricNameValue = grow(this.metricNameValue, needed);
    this.oversized = grow(this.oversized, needed);
    this.special = grow(this.special, needed);
    this.namePoint = grow(this.namePoint, needed);
    this.extraName = grow(this.extraName, needed);
    this.extraPoint = grow(this.extraPoint, needed);
  }
}

/**
 * A 32-bit mix of one (name, value) pair. A set's hash is the sum of its pairs' mixes, so replacing or
 * adding one label updates it in O(1), whatever order the labels were added in.
 */
export function pairHash(name: number, value: number): number {
  let h = Math.imul(name ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(value + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  return h ^ (h >>> 15);
}
