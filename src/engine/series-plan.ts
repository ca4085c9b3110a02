import { malformedSeries } from './errors.js';
import { type LabelSetViews, NO_SECOND_LABEL } from './series-batch.js';

/** A series' second put-in label name when it has one only: NO_SECOND_LABEL as an int32. */
const NO_LABEL = -1;
/** Ranks and cache names: none (no rank; an empty cache slot), and a name labelNames listed that rankNames has not ranked yet. */
const NONE = -1;
const UNRANKED = -2;

/**
 * Where a series' two put-in labels (`__name__`, and `le` or `quantile`) go among its label set's pairs:
 * the six-number merge plan of merge-labels.ts, computed from each label name's rank in UTF-8 order,
 * so the builder hands over plain columns and compares no strings per series. Once per request, after
 * the label sets: labelNames lists the sets' distinct names, the builder sorts them with the put-in
 * names (it has the strings), rankNames numbers them. The js engine's twin of assembly/series-plan.ts:
 * both must plan alike.
 *
 * Each set caches two (name, insertion point) entries, the first name asked for (`__name__`) and the
 * last other one, as a histogram point's ~17 series share a set.
 */
export class SeriesPlanner {
  /**
   * The plan of the last planSeries call: six numbers (merge-labels.ts). A Uint32Array like the pool and
   * the batch, so the mergeLabelPairs call in numbering sees the element types it always did.
   */
  readonly plan = new Uint32Array(6);
  /** Per string id below rankedIds: its rank, UNRANKED or NONE. */
  private ranks = new Int32Array(0);
  private rankedIds = 0;
  /** Whether rankNames has ranked every listed name since labelNames. */
  private ranked = false;
  private names = new Uint32Array(0);
  private nameCount = 0;
  private points = new Int32Array(0);

  /**
   * The distinct label names of the sets [0, setCount) (string ids below `idCount`), first seen first;
   * a view valid until the next call. Clears every rank and cached point.
   */
  labelNames(sets: LabelSetViews, setCount: number, idCount: number): Uint32Array {
    if (this.ranks.length < idCount) {
      this.ranks = new Int32Array(idCount);
      this.names = new Uint32Array(idCount);
    }
    if (this.points.length < 4 * setCount) this.points = new Int32Array(Math.max(4 * setCount, 2 * this.points.length));
    this.ranks.fill(NONE, 0, idCount);
    this.points.fill(NONE, 0, 4 * setCount);
    const { pool } = sets;
    const end = sets.start[setCount];
    const ranks = this.ranks;
    const names = this.names;
    let count = 0;
    for (let at = 0; at < end; at += 2) {
      const name = pool[at];
      if (ranks[name] === NONE) {
        if (name >= idCount) throw malformedSeries(`string id ${name}`);
        ranks[name] = UNRANKED;
        names[count++] = name;
      }
    }
    this.rankedIds = idCount;
    this.nameCount = count;
    this.ranked = false;
    return this.names.subarray(0, count);
  }

  /** Ranks `sorted` in order: every listed name and any put-in name, sorted by their strings. */
  rankNames(sorted: ArrayLike<number>): void {
    let unranked = this.nameCount;
    for (let i = 0; i < sorted.length; i++) {
      const name = sorted[i];
      if (!(name < this.rankedIds)) throw malformedSeries(`label name id ${name}`);
      const rank = this.ranks[name];
      if (rank !== NONE && rank !== UNRANKED) throw malformedSeries(`label name id ${name} ranked twice`);
      if (rank === UNRANKED) unranked--;
      this.ranks[name] = i;
    }
    if (unranked !== 0) throw malformedSeries(`label names: ${unranked} of the sets' names not ranked`);
    this.ranked = true;
  }

  /**
   * Plans the labels at `labels[at..at + 4)` (name, value, second name or NO_SECOND_LABEL, second value) into set
   * `set`, whose `pairs` pairs start at `pool[from]`, to `this.plan`.
   */
  planSeries(labels: Uint32Array, at: number, set: number, pool: Uint32Array, from: number, pairs: number): Uint32Array {
    if (!this.ranked) throw malformedSeries('series planned before their label names were ranked');
    const plan = this.plan;
    const name = labels[at];
    const value = labels[at + 1];
    // As an int32: NO_SECOND_LABEL (2^32 - 1) would be a double, and V8 compares those slower.
    const extraName = labels[at + 2] | 0;
    const extraValue = labels[at + 3];
    const points = this.points;
    const cache = 4 * set;
    // Cache hits first: a set's series (a histogram point's ~17) mostly put in names asked for before.
    const namePoint = points[cache] === name ? points[cache + 1] : this.insertionPoint(set, pool, from, pairs, name);
    if (extraName === NO_LABEL) {
      plan[0] = namePoint;
      plan[1] = name;
      plan[2] = value;
      plan[3] = pairs + 1;
      plan[4] = NO_SECOND_LABEL;
      plan[5] = 0;
      return plan;
    }
    if (extraName === name) throw malformedSeries(`label name id ${name} put in twice`);
    const extraPoint = points[cache + 2] === extraName ? points[cache + 3] : this.insertionPoint(set, pool, from, pairs, extraName);
    const nameFirst = namePoint !== extraPoint ? namePoint < extraPoint : this.ranks[name] < this.ranks[extraName];
    plan[0] = nameFirst ? namePoint : extraPoint;
    plan[1] = nameFirst ? name : extraName;
    plan[2] = nameFirst ? value : extraValue;
    plan[3] = nameFirst ? extraPoint : namePoint;
    plan[4] = nameFirst ? extraName : name;
    plan[5] = nameFirst ? extraValue : value;
    return plan;
  }

  private rankOf(name: number): number {
    return name >= 0 && name < this.rankedIds ? this.ranks[name] : NONE;
  }

  /** Finds label `name`'s insertion point in the set and caches it (see the class comment). */
  private insertionPoint(set: number, pool: Uint32Array, from: number, pairs: number, name: number): number {
    const rank = this.rankOf(name);
    if (rank < 0) throw malformedSeries(`label name id ${name} (not ranked)`);
    let point = 0;
    while (point < pairs && this.rankOf(pool[from + 2 * point]) < rank) point++;
    const points = this.points;
    const cache = 4 * set;
    const slot = points[cache] === NONE || points[cache] === name ? cache : cache + 2;
    points[slot] = name;
    points[slot + 1] = point;
    return point;
  }
}
