import { compareUtf8 } from '../rw/label-order.js';
import { StringIds, idsKey } from './string-ids.js';

/** Label name of the metric name, id 0 in every table (interned first). */
export const METRIC_NAME = '__name__';
export const METRIC_NAME_ID = 0;

/**
 * The label sets a request's data points share: one per distinct set of (name, value) string ids, stored
 * as flat sorted id pairs. A histogram point's ~17 series all reference one set and differ only in
 * `__name__` and `le`, so series carry (set, name, extra label) instead of their own label arrays.
 */
export class LabelSets {
  readonly pairs: Int32Array[] = [];
  /** Order-independent hash of each set's pairs (see pairHash). */
  readonly hashes: number[] = [];
  /** Value id of `__name__` in each set, -1 when absent (a promoted attribute or external label can be named so). */
  readonly metricNameValue: number[] = [];
  /** Whether any name or value of the set is over the byte limits: series of it take the slow check. */
  readonly oversized: boolean[] = [];
  private readonly keys: Array<string | undefined> = [];
  private readonly byKey = new Map<string, number>();
  /** Per set, the insertion point of `__name__` and of the last extra label name asked for (see insertionPoint). */
  private readonly namePoint: number[] = [];
  private readonly extraName: number[] = [];
  private readonly extraPoint: number[] = [];

  constructor(
    private readonly strings: StringIds,
    private readonly isOversized: (flatIds: Int32Array) => boolean,
    /** Sets with more labels than this are not keyed (idsKey's argument list has a limit); a series of one fails the label-count limit. */
    private readonly maxKeyedLabels: number,
  ) {}

  get size(): number {
    return this.pairs.length;
  }

  /** The id of the set of `ids` (flat name/value id pairs sorted by name, names unique). */
  id(ids: Int32Array): number {
    let key: string | undefined;
    if (ids.length <= 2 * this.maxKeyedLabels) {
      key = idsKey(ids, 0);
      const known = this.byKey.get(key);
      if (known !== undefined) return known;
    }
    const id = this.pairs.length;
    if (key !== undefined) this.byKey.set(key, id);
    this.keys.push(key);
    this.pairs.push(ids);
    let hash = 0;
    let nameValue = -1;
    for (let i = 0; i < ids.length; i += 2) {
      hash = (hash + pairHash(ids[i], ids[i + 1])) | 0;
      if (ids[i] === METRIC_NAME_ID) nameValue = ids[i + 1];
    }
    this.hashes.push(hash);
    this.metricNameValue.push(nameValue);
    this.oversized.push(this.isOversized(ids));
    this.namePoint.push(-1);
    this.extraName.push(-1);
    this.extraPoint.push(-1);
    return id;
  }

  /** The value id of label `name` in set `set`, or -1. */
  valueOf(set: number, name: number): number {
    const ids = this.pairs[set];
    for (let i = 0; i < ids.length; i += 2) if (ids[i] === name) return ids[i + 1];
    return -1;
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

  private search(set: number, name: number): number {
    const ids = this.pairs[set];
    const text = this.strings.strings[name];
    let pair = 0;
    while (2 * pair < ids.length && compareUtf8(this.strings.strings[ids[2 * pair]], text) < 0) pair++;
    return pair;
  }

  /** Forgets sets from `count` on (an add() rolled back). */
  truncate(count: number): void {
    for (let set = count; set < this.pairs.length; set++) {
      const key = this.keys[set];
      if (key !== undefined) this.byKey.delete(key);
    }
    for (const column of [this.pairs, this.hashes, this.metricNameValue, this.oversized, this.keys, this.namePoint, this.extraName, this.extraPoint]) {
      column.length = count;
    }
  }

  clear(): void {
    this.truncate(0);
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
