import { DEFAULT_LIMITS, LimitError, type Limits, utf8ByteLength, utf8LongerThan } from '../limits.js';
import type { Histogram } from '../rw/types.js';
import { type DropReason, type ExemplarOutput, type FlatLabels, NO_LABEL, type SeriesMetadata, type SeriesSink } from '../translate/sink.js';
import { MERGE_PLAN_LENGTH, mergeLabelPairs } from '../engine/merge-labels.js';
import { LABELS_FIELD, SERIES_FIELDS, TYPE_FIELD } from '../engine/series-batch.js';
import { SampleColumns, grow } from './columns.js';
import { HashIndex } from './hash-index.js';
import { FIXED_NAMES, LabelSets, METRIC_NAME_ID, isBucketLabel, pairHash } from './label-sets.js';
import { StringIds } from './string-ids.js';
import { BoundedMemo } from '../translate/bounded-memo.js';
import { formatFloatPositional } from '../translate/format-float.js';

/** Where a series' `__name__` value and extra label are in its record (series-batch.ts). */
const NAME = LABELS_FIELD + 1;
const EXTRA_NAME = LABELS_FIELD + 2;
const EXTRA_VALUE = LABELS_FIELD + 3;

/** Series kinds: RW2 series carry samples XOR histograms, so the same labels make two series. */
const SAMPLES = 0;
const HISTOGRAMS = 1;
/** A set's chain length from which its series go into the index (see SeriesTable.series). */
const MAX_CHAIN = 32;

export type DropCounts = Record<DropReason | 'duplicate_timestamp', number>;

export interface DropStats {
  /** Data points not translated, by reason. */
  points: DropCounts;
  /** Metrics not translated (each with all its points). */
  metrics: number;
  /** The last few reasons, with the metric name, for logs. */
  recent: Array<{ reason: DropReason; metric: string; detail: string }>;
}

/** A copy of `drops` to restore on rollback (structuredClone was ~1% of a 100-point request). */
function copyDrops(drops: DropStats): DropStats {
  return { points: { ...drops.points }, metrics: drops.metrics, recent: drops.recent.slice() };
}

export function emptyDropCounts(): DropCounts {
  return {
    invalid_temporality: 0,
    no_data_points: 0,
    unsupported_metric_type: 0,
    invalid_metric_name: 0,
    invalid_label_name: 0,
    invalid_scale: 0,
    invalid_exemplar: 0,
    delta_temporality: 0,
    duplicate_timestamp: 0,
  };
}

const RECENT_DROPS = 10;
/** Float label texts kept across requests at most (floatTexts); bucket bounds and quantiles are few. */
const FLOAT_TEXTS = 4096;

/**
 * The output series of the requests added since the last reset, in first-seen order, stored
 * column-wise. A series is (label set, `__name__`, optional extra label, kind); its labels are the set's
 * with `__name__` and the extra label put in place (overwriting). The same labels arriving again (from
 * another point, resource, scope or request) are the same series and their points are merged. Samples,
 * histograms and exemplars are rows tagged with their series; the builder orders them (order-samples.ts).
 *
 * Each add() is journaled so a failing request can be rolled back without touching what came before.
 */
export class SeriesTable implements SeriesSink {
  readonly strings = new StringIds();
  readonly sets: LabelSets;
  size = 0;
  kindOf: Uint8Array = new Uint8Array(1024);
  /** Per indexed series, the hash of its labels and kind, and where its index probe starts (see `series`). */
  private hashOf: Int32Array = new Int32Array(1024);
  private keyOf: Int32Array = new Int32Array(1024);
  /**
   * Each set's series, newest first: chainHead per set (-1: none), chainNext per series. A series is
   * looked up in its set's chain while the set is short and no set could alias (see `series`).
   */
  private chainHead: Int32Array = new Int32Array(1024).fill(-1);
  private chainNext: Int32Array = new Int32Array(1024);
  /**
   * Per set, its chain's length and a 64-bit filter of its series (two words; see chainBit): a
   * lookup whose bit is clear is of a new series and walks nothing. A histogram point's ~17 series
   * share a set, and each new one walked the chain (the filter: add() at 10k points -17%, 100k -6%).
   */
  private chainLength: Int32Array = new Int32Array(1024);
  private chainBits: Int32Array = new Int32Array(2048);
  /** Per set, 1 once its series are in the index (its chain grew past MAX_CHAIN). */
  private setIndexed: Uint8Array = new Uint8Array(1024);
  /** Whether every series is in the index: once a set with `__name__`, `le` or `quantile` is used. */
  private aliasing = false;
  /** Per series, its metadata; only [0, size) is current (see reset). */
  readonly metadataOf: SeriesMetadata[] = [];
  /**
   * Per series, its engine record (SERIES_FIELDS numbers, series-batch.ts): set, `__name__` and name,
   * extra label, type, help id, unit id; viewed as unsigned, NO_LABEL reads as NO_SECOND_LABEL. Written
   * as series are made, so encoding all series hands the engine this column as it is: filling records
   * in a loop at encode time was ~8% of end to end at 10k points. It is also the table's only copy of a
   * series' set, name and extra label (a chain walk reads one record line).
   */
  records: Int32Array = new Int32Array(SERIES_FIELDS * 1024);
  /** The help and unit ids of the last metadata recorded: a metric's series share one metadata object. */
  private recordedMetadata: SeriesMetadata | undefined;
  private recordedHelp = 0;
  private recordedUnit = 0;
  private readonly index = new HashIndex(4096);
  samples = new SampleColumns();
  readonly histogramSeries: number[] = [];
  readonly histograms: Histogram[] = [];
  readonly exemplarSeries: number[] = [];
  readonly exemplars: ExemplarOutput[] = [];
  drops: DropStats = { points: emptyDropCounts(), metrics: 0, recent: [] };
  /** Label values formatted like `le` and `quantile`, by number (not -0), as string ids. */
  private readonly floatIds = new Map<number, number>();
  /**
   * The same texts across requests (kept by reset): an exporter sends the same bucket bounds every
   * time, and formatting them was ~2% of a 100-point request.
   */
  private readonly floatTexts = new BoundedMemo<number, string>(FLOAT_TEXTS);

  private start = { series: 0, sets: 0, samples: 0, histograms: 0, exemplars: 0 };
  private metadataJournal: Array<[number, SeriesMetadata]> = [];
  private dropsAtStart: DropStats = this.drops;
  /** Scratch for the labels of two series being compared. */
  private scratchA: Int32Array = new Int32Array(64);
  private scratchB: Int32Array = new Int32Array(64);
  /** Scratch for one merge plan (merge-labels.ts). */
  private readonly plan = new Int32Array(MERGE_PLAN_LENGTH);
  /** Scratch for the ids of a label set being looked up. */
  private scratchSet: Int32Array = new Int32Array(64);
  /**
   * Per string id, whether it is over the label name and value byte limits (bit 1 measured, bit 2 over
   * the name limit, bit 4 over the value limit): measured once per string instead of once per series.
   */
  private stringLimits: Uint8Array = new Uint8Array(1024);

  constructor(private readonly limits: Readonly<Limits> = DEFAULT_LIMITS) {
    this.sets = new LabelSets(
      this.strings,
      (id, name) => this.oversizedString(id, name),
      () => this.couldBeOversized(),
    );
    for (const name of FIXED_NAMES) this.strings.id(name);
  }

  reset(): void {
    this.chainHead.fill(-1, 0, this.sets.size);
    this.chainLength.fill(0, 0, this.sets.size);
    this.chainBits.fill(0, 0, 2 * this.sets.size);
    this.setIndexed.fill(0, 0, this.sets.size);
    this.aliasing = false;
    this.size = 0;
    this.index.clear();
    this.sets.clear();
    this.strings.clear();
    for (const name of FIXED_NAMES) this.strings.id(name);
    this.recordedMetadata = undefined;
    this.stringLimits.fill(0);
    this.floatIds.clear();
    // metadataOf keeps its length (entries from `size` on are stale): truncating it freed its backing
    // store, and regrowing it by push was ~5% of add() on the 10k-point bench workload.
    this.samples.length = 0;
    this.histogramSeries.length = 0;
    this.histograms.length = 0;
    this.exemplarSeries.length = 0;
    this.exemplars.length = 0;
    this.drops = { points: emptyDropCounts(), metrics: 0, recent: [] };
    this.metadataJournal = [];
  }

  /** Opens a journal for one add(). */
  begin(): void {
    this.start = { series: this.size, sets: this.sets.size, samples: this.samples.length, histograms: this.histograms.length, exemplars: this.exemplars.length };
    this.metadataJournal = [];
    this.dropsAtStart = copyDrops(this.drops);
  }

  /** Undoes everything since begin(). Strings stay interned (unused ids are harmless until reset). */
  rollback(): void {
    const { series, sets, samples, histograms, exemplars } = this.start;
    for (let i = this.metadataJournal.length - 1; i >= 0; i--) {
      const [s, metadata] = this.metadataJournal[i];
      this.metadataOf[s] = metadata;
      this.recordMetadata(s, metadata);
    }
    this.metadataJournal = [];
    this.size = series;
    this.metadataOf.length = series;
    this.truncateChains(series, sets);
    this.sets.truncate(sets);
    this.samples.length = samples;
    this.histogramSeries.length = histograms;
    this.histograms.length = histograms;
    this.exemplarSeries.length = exemplars;
    this.exemplars.length = exemplars;
    this.drops = this.dropsAtStart;
    this.index.truncate(this.size, this.keyOf);
  }

  /** Drops series from `series` on from their sets' chains, and the sets from `sets` on. */
  private truncateChains(series: number, sets: number): void {
    for (let set = 0; set < sets; set++) {
      let head = this.chainHead[set];
      if (head < series) continue;
      while (head >= series) head = this.chainNext[head];
      this.chainHead[set] = head;
      this.chainLength[set] = 0;
      this.chainBits[2 * set] = 0;
      this.chainBits[2 * set + 1] = 0;
      for (let c = head; c >= 0; c = this.chainNext[c]) this.chain(set, c);
    }
    this.chainHead.fill(-1, sets, this.sets.size);
    this.chainLength.fill(0, sets, this.sets.size);
    this.chainBits.fill(0, 2 * sets, 2 * this.sets.size);
    this.setIndexed.fill(0, sets, this.sets.size);
  }

  stringId(value: string): number {
    return this.strings.id(value);
  }

  floatLabelId(value: number): number {
    // -0 is one Map key with 0 but formats as "-0", as Prometheus's le does: it takes its own path.
    if (Object.is(value, -0)) return this.strings.id(formatFloatPositional(value));
    let id = this.floatIds.get(value);
    if (id === undefined) {
      let text = this.floatTexts.get(value);
      if (text === undefined) {
        text = formatFloatPositional(value);
        this.floatTexts.set(value, text);
      }
      id = this.strings.id(text);
      this.floatIds.set(value, id);
    }
    return id;
  }

  labelSet(labels: FlatLabels): number {
    if (this.scratchSet.length < labels.length) this.scratchSet = new Int32Array(2 * labels.length);
    const ids = this.scratchSet;
    for (let i = 0; i < labels.length; i++) ids[i] = this.strings.id(labels[i]);
    return this.sets.id(ids, labels.length);
  }

  labelSetOfIds(ids: Int32Array, length: number): number {
    return this.sets.id(ids, length);
  }

  sample(set: number, name: number, extraName: number, extraValue: number, metadata: SeriesMetadata, timestamp: number, value: number, startTimestamp: number, stale: boolean, exemplars: readonly ExemplarOutput[] | undefined): void {
    const series = this.series(set, name, extraName, extraValue, SAMPLES, metadata);
    this.samples.push(series, timestamp, stale ? Number.NaN : value, startTimestamp, stale);
    if (exemplars !== undefined) this.addExemplars(series, exemplars);
  }

  sampleRun(set: number, name: number, extraName: number, extraValues: Int32Array, values: Float64Array, count: number, metadata: SeriesMetadata, timestamp: number, startTimestamp: number, stale: boolean): void {
    if (set >= this.chainHead.length) this.growSetColumns(set + 1);
    if (!this.runOnChain(set, name, extraName, extraValues, count)) {
      for (let i = 0; i < count; i++) this.sample(set, name, extraName, extraValues[i], metadata, timestamp, values[i], startTimestamp, stale, undefined);
      return;
    }
    // What series() does per sample, less what runOnChain settled for the whole run: no index, no
    // aliasing, and every series the run adds passes the limits.
    for (let i = 0; i < count; i++) {
      const extraValue = extraValues[i];
      let s = this.findOnChain(set, name, extraName, extraValue, SAMPLES);
      if (s >= 0) this.updateMetadata(s, metadata);
      else s = this.addSeries(set, name, extraName, extraValue, SAMPLES, metadata);
      this.samples.push(s, timestamp, stale ? Number.NaN : values[i], startTimestamp, stale);
    }
  }

  /**
   * Whether a run of `count` series of `set` with these names can be looked up on the set's chain and
   * added without the per-series checks: nothing is indexed or can alias, the chain stays within
   * MAX_CHAIN, and no series of the run can break a limit (else sampleRun takes series() per sample,
   * which throws the exact error).
   */
  private runOnChain(set: number, name: number, extraName: number, extraValues: Int32Array, count: number): boolean {
    if (this.aliasing || this.setIndexed[set] === 1 || this.sets.special[set] === 1 || !isBucketLabel(extraName)) return false;
    if (this.chainLength[set] + count > MAX_CHAIN) return false;
    const { maxSeries, maxLabelsPerSeries } = this.limits;
    if (this.size + count > maxSeries || this.countLabels(set, extraName) > maxLabelsPerSeries) return false;
    if (!this.couldBeOversized()) return true;
    if (this.sets.oversized[set] === 1 || this.oversizedString(name, false) || this.oversizedString(extraName, true)) return false;
    for (let i = 0; i < count; i++) if (this.oversizedString(extraValues[i], false)) return false;
    return true;
  }

  histogram(set: number, name: number, metadata: SeriesMetadata, histogram: Histogram, exemplars: readonly ExemplarOutput[] | undefined): void {
    const series = this.series(set, name, NO_LABEL, 0, HISTOGRAMS, metadata);
    this.histogramSeries.push(series);
    this.histograms.push(histogram);
    if (exemplars !== undefined) this.addExemplars(series, exemplars);
  }

  dropped(reason: DropReason, metric: string, points: number, detail: string): void {
    this.drops.points[reason] += points;
    this.drops.metrics++;
    this.drops.recent.push({ reason, metric, detail });
    if (this.drops.recent.length > RECENT_DROPS) this.drops.recent.shift();
  }

  /**
   * Writes series `s`'s labels as sorted (name id, value id) pairs into `out`, or into a larger array
   * when `out` is short, and returns the array written; labelCount(s) says how many pairs.
   */
  labelIds(s: number, out: Int32Array): Int32Array {
    const at = SERIES_FIELDS * s;
    const records = this.records;
    return this.mergeLabels(records[at], records[at + NAME], records[at + EXTRA_NAME], records[at + EXTRA_VALUE], out);
  }

  /** Series `s`'s label set, `__name__` value, extra label name (NO_LABEL: none) and value (string ids). */
  setOf(s: number): number {
    return this.records[SERIES_FIELDS * s];
  }

  nameOf(s: number): number {
    return this.records[SERIES_FIELDS * s + NAME];
  }

  extraNameOf(s: number): number {
    return this.records[SERIES_FIELDS * s + EXTRA_NAME];
  }

  extraValueOf(s: number): number {
    return this.records[SERIES_FIELDS * s + EXTRA_VALUE];
  }

  /** Label count of series `s` (what labelIds writes / 2). */
  labelCount(s: number): number {
    return this.countLabels(this.setOf(s), this.extraNameOf(s));
  }

  private addExemplars(series: number, exemplars: readonly ExemplarOutput[]): void {
    for (const exemplar of exemplars) {
      this.exemplarSeries.push(series);
      this.exemplars.push(exemplar);
    }
  }

  /**
   * The series of these labels and kind, added when new; its metadata becomes `metadata`.
   *
   * Most lookups walk the set's chain and compare (name, extra label, kind), no hashing: series of
   * sets without `__name__`, `le` and `quantile` labels, with `le` or `quantile` as extra label, have
   * the same labels only if they have the same set, name and extra label. The index (a hash of the
   * labels) is for the rest. Once a set with such a label (or another extra label) is used, every
   * series goes into the index, as a series of it may have the labels of a series of another set (a
   * point attribute `le` on a gauge named like a bucket). A set whose chain grows past MAX_CHAIN
   * (many metrics without attributes share one set) has its series indexed. At 100k points the
   * index is ~8 MB and a probe into it a cache miss: walking the chains instead cut add() by ~13%
   * there (~6% at 10k; measured without the limits checks and journal).
   */
  private series(set: number, name: number, extraName: number, extraValue: number, kind: number, metadata: SeriesMetadata): number {
    if (set >= this.chainHead.length) this.growSetColumns(set + 1);
    // The translator's extra labels are `le` and `quantile`; another name could alias too.
    if (!this.aliasing && (this.sets.special[set] === 1 || (extraName !== NO_LABEL && !isBucketLabel(extraName)))) this.indexAll();
    const indexed = this.aliasing || this.setIndexed[set] === 1;
    let s = indexed ? this.findIndexed(set, name, extraName, extraValue, kind) : this.findOnChain(set, name, extraName, extraValue, kind);
    if (s >= 0) {
      this.updateMetadata(s, metadata);
      return s;
    }
    this.checkNewSeries(set, name, extraName, extraValue);
    s = this.addSeries(set, name, extraName, extraValue, kind, metadata);
    if (indexed) this.indexSeries(s);
    else if (this.chainLength[set] > MAX_CHAIN) {
      this.setIndexed[set] = 1;
      for (let c = s; c >= 0; c = this.chainNext[c]) this.indexSeries(c);
    }
    return s;
  }

  /** The series of these labels and kind on set `set`'s chain (the set is not indexed), or -1. */
  private findOnChain(set: number, name: number, extraName: number, extraValue: number, kind: number): number {
    const bit = chainBit(name, extraName, extraValue, kind);
    if ((this.chainBits[2 * set + (bit >>> 5)] & (1 << (bit & 31))) === 0) return -1;
    const records = this.records;
    for (let c = this.chainHead[set]; c >= 0; c = this.chainNext[c]) {
      const at = SERIES_FIELDS * c;
      if (records[at + NAME] === name && records[at + EXTRA_NAME] === extraName && records[at + EXTRA_VALUE] === extraValue && this.kindOf[c] === kind) return c;
    }
    return -1;
  }

  /** A known series' metadata becomes `metadata` (the last metric to name it wins), journaled. */
  private updateMetadata(s: number, metadata: SeriesMetadata): void {
    if (this.metadataOf[s] === metadata) return;
    if (s < this.start.series) this.metadataJournal.push([s, this.metadataOf[s]]);
    this.metadataOf[s] = metadata;
    this.recordMetadata(s, metadata);
  }

  /** Stores a new series and puts it on its set's chain (not into the index). */
  private addSeries(set: number, name: number, extraName: number, extraValue: number, kind: number, metadata: SeriesMetadata): number {
    const s = this.size;
    if (s === this.kindOf.length) this.growSeries(s + 1);
    this.kindOf[s] = kind;
    this.metadataOf[s] = metadata;
    const records = this.records;
    const at = SERIES_FIELDS * s;
    records[at] = set;
    records[at + LABELS_FIELD] = METRIC_NAME_ID;
    records[at + NAME] = name;
    records[at + EXTRA_NAME] = extraName;
    records[at + EXTRA_VALUE] = extraValue;
    this.recordMetadata(s, metadata);
    this.chainNext[s] = this.chainHead[set];
    this.chainHead[set] = s;
    this.chain(set, s);
    this.size = s + 1;
    return s;
  }

  /** Series `s`'s record takes `metadata`'s type, help id and unit id. */
  private recordMetadata(s: number, metadata: SeriesMetadata): void {
    if (metadata !== this.recordedMetadata) {
      this.recordedMetadata = metadata;
      this.recordedHelp = this.strings.id(metadata.help);
      this.recordedUnit = this.strings.id(metadata.unit);
    }
    const at = SERIES_FIELDS * s + TYPE_FIELD;
    this.records[at] = metadata.type;
    this.records[at + 1] = this.recordedHelp;
    this.records[at + 2] = this.recordedUnit;
  }

  /** Counts series `s` into its set's chain length and filter. */
  private chain(set: number, s: number): void {
    this.chainLength[set]++;
    const at = SERIES_FIELDS * s;
    const bit = chainBit(this.records[at + NAME], this.records[at + EXTRA_NAME], this.records[at + EXTRA_VALUE], this.kindOf[s]);
    this.chainBits[2 * set + (bit >>> 5)] |= 1 << (bit & 31);
  }

  /** The series of these labels and kind in the index, or -1. */
  private findIndexed(set: number, name: number, extraName: number, extraValue: number, kind: number): number {
    const hash = this.labelsHash(set, name, extraName, extraValue, kind);
    const index = this.index;
    for (let slot = index.first(this.lastKey); index.entry(slot) >= 0; slot = index.next(slot)) {
      const s = index.entry(slot);
      if (index.hashAt(slot) === hash && this.sameSeries(s, set, name, extraName, extraValue, kind)) return s;
    }
    return -1;
  }

  /** Puts series `s` into the index. */
  private indexSeries(s: number): void {
    const at = SERIES_FIELDS * s;
    const records = this.records;
    this.hashOf[s] = this.labelsHash(records[at], records[at + NAME], records[at + EXTRA_NAME], records[at + EXTRA_VALUE], this.kindOf[s]);
    this.keyOf[s] = this.lastKey;
    this.index.add(s, this.keyOf, this.hashOf);
  }

  /** Puts every series not yet indexed into the index, from now on the only way series are found. */
  private indexAll(): void {
    this.aliasing = true;
    for (let s = 0; s < this.size; s++) if (this.setIndexed[this.setOf(s)] === 0) this.indexSeries(s);
  }

  /** Probe key of the last labelsHash call (see probeKey). */
  private lastKey = 0;

  /**
   * A hash of the labels of a series (its set with `__name__` and the extra label put in) and its
   * kind, which depends on the labels only (see pairHash); sets lastKey to its probe key.
   */
  private labelsHash(set: number, name: number, extraName: number, extraValue: number, kind: number): number {
    const sets = this.sets;
    let hash = sets.hashes[set];
    let bucketHash = sets.bucketHashes[set];
    let bucketValues = sets.bucketValues[set];
    const oldName = sets.metricNameValue[set];
    if (oldName >= 0) hash -= pairHash(METRIC_NAME_ID, oldName);
    hash += pairHash(METRIC_NAME_ID, name);
    if (extraName !== NO_LABEL) {
      const old = this.existingValue(set, extraName);
      const change = pairHash(extraName, extraValue) - (old >= 0 ? pairHash(extraName, old) : 0);
      hash += change;
      if (isBucketLabel(extraName)) {
        bucketHash += change;
        bucketValues += extraValue - (old >= 0 ? old : 0);
      }
    }
    hash = (hash + kind * 0x632be5ab) | 0;
    this.lastKey = probeKey(hash, bucketHash, bucketValues);
    return hash;
  }

  /** The value id of label `name` in set `set`, or -1 when the set has no such label. */
  existingValue(set: number, name: number): number {
    const sets = this.sets;
    const pair = sets.insertionPoint(set, name);
    const at = sets.start[set] + 2 * pair;
    return at < sets.start[set + 1] && sets.pool[at] === name ? sets.pool[at + 1] : -1;
  }

  private countLabels(set: number, extraName: number): number {
    let count = this.sets.pairCount(set);
    if (this.sets.metricNameValue[set] < 0) count++;
    if (extraName !== NO_LABEL && this.existingValue(set, extraName) < 0) count++;
    return count;
  }

  private sameSeries(s: number, set: number, name: number, extraName: number, extraValue: number, kind: number): boolean {
    if (this.kindOf[s] !== kind) return false;
    const at = SERIES_FIELDS * s;
    const records = this.records;
    if (records[at] === set && records[at + NAME] === name && records[at + EXTRA_NAME] === extraName && (extraName === NO_LABEL || records[at + EXTRA_VALUE] === extraValue)) return true;
    // Different parts can still make the same labels (a point attribute `le` on a gauge named like a bucket).
    this.scratchA = this.labelIds(s, this.scratchA);
    const length = 2 * this.labelCount(s);
    this.scratchB = this.mergeLabels(set, name, extraName, extraValue, this.scratchB);
    if (2 * this.countLabels(set, extraName) !== length) return false;
    for (let i = 0; i < length; i++) if (this.scratchA[i] !== this.scratchB[i]) return false;
    return true;
  }

  private mergeLabels(set: number, name: number, extraName: number, extraValue: number, out: Int32Array): Int32Array {
    const sets = this.sets;
    const pairs = sets.pairCount(set);
    if (out.length < 2 * pairs + 4) out = new Int32Array(2 * (2 * pairs + 4));
    this.planLabels(set, name, extraName, extraValue, this.plan, 0);
    mergeLabelPairs(sets.pool, sets.start[set], pairs, this.plan, 0, out);
    return out;
  }

  /** Series `s`'s merge plan (merge-labels.ts): where its `__name__` and extra label go in its set. */
  labelPlan(s: number, plan: Int32Array): void {
    const at = SERIES_FIELDS * s;
    const records = this.records;
    this.planLabels(records[at], records[at + NAME], records[at + EXTRA_NAME], records[at + EXTRA_VALUE], plan, 0);
  }

  /** `__name__` and the extra label go in at their insertion points, in the order LabelSets.nameBefore gives. */
  private planLabels(set: number, name: number, extraName: number, extraValue: number, plan: Int32Array | Uint32Array, at: number): void {
    const sets = this.sets;
    const namePoint = sets.insertionPoint(set, METRIC_NAME_ID);
    if (extraName === NO_LABEL) {
      plan[at] = namePoint;
      plan[at + 1] = METRIC_NAME_ID;
      plan[at + 2] = name;
      plan[at + 3] = sets.pairCount(set) + 1;
      plan[at + 4] = NO_LABEL;
      plan[at + 5] = 0;
      return;
    }
    const extraPoint = sets.insertionPoint(set, extraName);
    const nameFirst = sets.nameBefore(set, extraName);
    plan[at] = nameFirst ? namePoint : extraPoint;
    plan[at + 1] = nameFirst ? METRIC_NAME_ID : extraName;
    plan[at + 2] = nameFirst ? name : extraValue;
    plan[at + 3] = nameFirst ? extraPoint : namePoint;
    plan[at + 4] = nameFirst ? extraName : METRIC_NAME_ID;
    plan[at + 5] = nameFirst ? extraValue : name;
  }

  /** Limits checked once per series, when it is first seen: a known series has passed them. */
  private checkNewSeries(set: number, name: number, extraName: number, extraValue: number): void {
    const { maxSeries, maxLabelNameBytes, maxLabelValueBytes, maxLabelsPerSeries } = this.limits;
    const strings = this.strings.strings;
    const labelCount = this.countLabels(set, extraName);
    if (labelCount > maxLabelsPerSeries) {
      throw new LimitError('maxLabelsPerSeries', maxLabelsPerSeries, labelCount, `the label count of series ${shortName(strings[name])}`);
    }
    if (this.size >= maxSeries) {
      throw new LimitError('maxSeries', maxSeries, this.size + 1, `the series count with ${shortName(strings[name])}`);
    }
    const suspect =
      this.couldBeOversized() &&
      (this.sets.oversized[set] === 1 || this.oversizedString(name, false) || (extraName !== NO_LABEL && (this.oversizedString(extraName, true) || this.oversizedString(extraValue, false))));
    if (!suspect) return;
    const labels = this.mergeLabels(set, name, extraName, extraValue, new Int32Array(0));
    const length = 2 * this.countLabels(set, extraName);
    for (let i = 0; i < length; i += 2) {
      const labelName = strings[labels[i]];
      const value = strings[labels[i + 1]];
      if (utf8LongerThan(labelName, maxLabelNameBytes)) {
        throw new LimitError('maxLabelNameBytes', maxLabelNameBytes, utf8ByteLength(labelName), `the UTF-8 length of a label name of series ${shortName(strings[name])}`);
      }
      if (utf8LongerThan(value, maxLabelValueBytes)) {
        const shown = labelName.length > 64 ? `${labelName.slice(0, 64)}...` : labelName;
        throw new LimitError('maxLabelValueBytes', maxLabelValueBytes, utf8ByteLength(value), `the UTF-8 length of label ${JSON.stringify(shown)} of series ${shortName(strings[name])}`);
      }
    }
  }

  /**
   * Whether any string may be over a byte limit: false while the longest is at most a third of the
   * smaller limit (a UTF-16 code unit is at most 3 UTF-8 bytes), then no string needs measuring. Not
   * checking every pair of every new label set cut add() at 10k points by 2-2.5 ms (p10, of ~22).
   */
  private couldBeOversized(): boolean {
    return 3 * this.strings.longest > Math.min(this.limits.maxLabelNameBytes, this.limits.maxLabelValueBytes);
  }

  /** Whether string `id` is over the label name byte limit (`asName`) or the label value byte limit. */
  private oversizedString(id: number, asName: boolean): boolean {
    if (id >= this.stringLimits.length) this.stringLimits = grow(this.stringLimits, id + 1);
    let flags = this.stringLimits[id];
    if (flags === 0) {
      const text = this.strings.strings[id];
      flags = 1;
      if (utf8LongerThan(text, this.limits.maxLabelNameBytes)) flags |= 2;
      if (utf8LongerThan(text, this.limits.maxLabelValueBytes)) flags |= 4;
      this.stringLimits[id] = flags;
    }
    return (flags & (asName ? 2 : 4)) !== 0;
  }

  private growSetColumns(needed: number): void {
    const before = this.chainHead.length;
    this.chainHead = grow(this.chainHead, needed);
    this.chainHead.fill(-1, before);
    this.chainLength = grow(this.chainLength, needed);
    this.chainBits = grow(this.chainBits, 2 * needed);
    this.setIndexed = grow(this.setIndexed, needed);
  }

  private growSeries(needed: number): void {
    this.chainNext = grow(this.chainNext, needed);
    this.hashOf = grow(this.hashOf, needed);
    this.keyOf = grow(this.keyOf, needed);
    this.kindOf = grow(this.kindOf, needed);
    this.records = grow(this.records, SERIES_FIELDS * needed);
  }
}

/** A series' bit (0-63) in its set's chain filter: a mix of what tells series of one set apart. */
function chainBit(name: number, extraName: number, extraValue: number, kind: number): number {
  return (Math.imul(name ^ (kind << 24), 0x9e3779b1) ^ Math.imul(extraValue + 31 * extraName, 0x85ebca6b)) >>> 26;
}

/**
 * Where a series' index probe starts: the hash of its labels but `le` and `quantile`, plus an offset
 * below 64 that the string ids of those labels' values pick. A histogram point's ~15 bucket series
 * differ only in `le`, so they probe a few neighbouring cache lines instead of one random line each:
 * on large requests the index is far bigger than the caches, and at 100k points its misses were ~35% of
 * add(). Bounds are interned in order, so their ids are consecutive, and a stride of 5 (coprime with
 * 64) spreads them apart: linear probing degrades on runs of neighbours (on the bench workloads the
 * hash of the values as offset probed ~4 slots per lookup, consecutive ids ~8, this ~3). The key
 * depends on the labels only, not on which parts (set, name, extra label) made them, so equal series
 * still meet.
 */
function probeKey(hash: number, bucketHash: number, bucketValues: number): number {
  return (hash - bucketHash + ((bucketValues * 5) & 63)) | 0;
}

/** A series' metric name for error messages, shortened: the label that broke a limit may be it. */
function shortName(name: string): string {
  return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}...` : name);
}
