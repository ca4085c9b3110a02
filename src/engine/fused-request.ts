/**
 * The TS side of the wasm engine's fused path (assembly/fused/): one OTLP protobuf request translated
 * and written as a Remote-Write 2.0 request inside the module. The translator decides everything per
 * resource, scope, metric and distinct string (src/translate/translate.ts translateWalkedResource) and
 * hands each metric's data point bytes to `walk`; the module labels, sorts and merges the points'
 * attributes, makes the label sets, series and samples, and writes the request. An attribute or float
 * the module meets for the first time is labelled here, synchronously, by the translator's own rules
 * (`FusedRules`), so both paths name and format alike by construction.
 *
 * The request is also a SeriesSink for the few series the translator makes itself (target_info).
 * Anything the fused path does not settle exactly throws FastPathDeclinedError; the builder then
 * forgets the attempt and runs the general path.
 */

import type { Limits } from '../limits.js';
import type { DataScanner } from '../otlp/model.js';
import { utf8LongerThan } from '../limits.js';
import { MetricType } from '../rw/types.js';
import type { ExemplarOutput, FlatLabels, SeriesMetadata, SeriesSink } from '../translate/sink.js';
import { NO_LABEL } from '../translate/sink.js';
import type { ContextLabels } from '../translate/point-label-sets.js';
import type { TimeRange } from '../translate/time-range.js';
import type { PointBytesWalker, WalkedMetric } from '../translate/walked-points.js';
import { FastPathDeclinedError } from './errors.js';
import { FusedSeries } from './fused-series.js';
import { type FusedStringExports, FusedStrings } from './fused-strings.js';

/** The translator's rules for what the module meets for the first time. */
export interface FusedRules {
  /** A point attribute's label from its KeyValue bytes: [label name, value ("" = none)], or undefined to ignore it. Throws when the general path would not label it. */
  attributeLabel(keyValue: Uint8Array): [name: string, value: string] | undefined;
  /** An `le` or `quantile` value's text. */
  floatText(value: number): string;
}

/**
 * Counts of fast-path attempts in this process, and of held requests replayed through the general
 * path (tests assert that the fast path ran, and kept the request).
 */
export const fastPathCounts = { accepted: 0, declined: 0, replayed: 0 };

export interface FusedModuleExports extends FusedStringExports {
  fusedBeginRequest(bytes: number, nameLabel: number, leLabel: number, quantileLabel: number, maxSetPairs: number): number;
  fusedExtendInput(bytes: number): number;
  fusedNamesPointer(): number;
  fusedContextPointer(): number;
  fusedSetMetric(contextCount: number, type: number, help: number, unit: number): number;
  fusedWalkMetric(kind: number, from: number, to: number): number;
  fusedWalkedPoints(): number;
  fusedScanData(from: number, to: number): number;
  fusedScannedTemporality(): number;
  fusedScannedMonotonic(): number;
  fusedEarliest(): number;
  fusedLatest(): number;
  fusedLabelledSample(pairCount: number, name: number, timestamp: number, value: number): number;
  fusedSeriesMayMerge(): number;
  fusedSeriesCount(): number;
  fusedSampleCount(): number;
  fusedHistogramCount(): number;
  fusedWriteRequest(idCount: number, withCreated: number): number;
  fusedOutputPointer(): number;
  fusedOutputLength(): number;
  fusedWritePiece(count: number, idCount: number, withCreated: number): number;
  fusedRecordsPointer(): number;
  fusedRecordCount(): number;
  fusedRowsPointer(): number;
  fusedSetPairsPointer(set: number): number;
  fusedSetPairCount(set: number): number;
}

/** Where the module's `fusedAttributeLabel` and `fusedFloatLabel` imports go (one per instance). */
export interface FusedImportHandler {
  attributeLabel(at: number, length: number): bigint;
  floatLabel(value: number): number;
}

const WALK_OK = 0;
/** copyInputUpTo's least copy: big enough to cost little per call, small enough to stay in cache. */
const INPUT_CHUNK_BYTES = 256 * 1024;
const DECLINED_LABEL = -1n;
const SKIPPED_LABEL = -2n;
const NO_VALUE = 0xffffffff;
/** Context labels the module takes (assembly/fused/point-labels.ts MAX_CONTEXT). */
const MAX_CONTEXT = 1024;
/** Labels of a series the module takes at most: a set's pairs and its two put-ins (a point merges at most 2048 pairs, assembly/fused/point-labels.ts). */
const MAX_SERIES_LABELS = 2046;
/** Label names series put in: `__name__`, and `le` (classic histograms) or `quantile` (summaries). */
const PUT_IN_NAMES = ['__name__', 'le', 'quantile'];
const METRIC_NAME_LABEL = '__name__';
/** A metric's put-in label besides `__name__`, by PointKind (a point or context label of that name: declined). */
const PUT_IN_BY_KIND = ['', '', 'le', '', 'quantile'];

const NOT_CHECKED = { of: undefined, version: -1, kind: -1, ids: [] };

export class FusedRequest implements SeriesSink, PointBytesWalker, FusedImportHandler {
  private readonly strings: FusedStrings;
  private inputAt = 0;
  /** Bytes of input: the held requests', one after another, and the one being added. */
  private inputLength = 0;
  /** Where each held request starts in the input, and the one being added. */
  private readonly requestStarts: number[] = [];
  /** Whether the request being added was appended (its start is the last of requestStarts). */
  private appending = false;
  /**
   * Whether the module's tables hold exactly the held requests: false after a declined append, which
   * left part of its series there (until the next begin()).
   */
  intact = true;
  /** The request's bytes, copied into the module as the decoder reaches them (copyInputUpTo). */
  private input: Uint8Array = new Uint8Array(0);
  private inputCopied = 0;
  private readonly maxSetPairs: number;
  /** target_info's label sets, as sink set ids: flat (name id, value id). */
  private readonly labelledSets: Int32Array[] = [];
  private putInIds: number[] = [];
  /** contextIds' last answer (none at a request's start: string ids are per request). */
  private checkedContext: { of: ContextLabels | undefined; version: number; kind: number; ids: number[] } = NOT_CHECKED;
  private symbols = 0;
  /** Whether the module's output is the whole of the held requests (not yet, or a piece since: FusedSeries.write). */
  private written = false;

  constructor(
    private readonly wasm: FusedModuleExports,
    private readonly rules: FusedRules,
    private readonly limits: Limits,
    private readonly withCreated: boolean,
  ) {
    this.strings = new FusedStrings(wasm);
    // `__name__` and one of `le`/`quantile` join every set's pairs.
    this.maxSetPairs = Math.min(limits.maxLabelsPerSeries - 2, MAX_SERIES_LABELS - 2);
  }

  /** Copies `bytes` in and starts a request. */
  begin(bytes: Uint8Array): void {
    this.strings.beginRequest();
    this.labelledSets.length = 0;
    this.checkedContext = NOT_CHECKED;
    this.putInIds = PUT_IN_NAMES.map((name) => this.strings.labelName(name));
    // Addresses are unsigned: a 1M-point request takes the module past 2 GiB.
    const [nameLabel, leLabel, quantileLabel] = this.putInIds;
    const at = this.wasm.fusedBeginRequest(bytes.length, nameLabel, leLabel, quantileLabel, Math.max(0, this.maxSetPairs)) >>> 0;
    if (at === 0) throw new FastPathDeclinedError('out of memory');
    this.inputAt = at;
    this.inputLength = bytes.length;
    this.requestStarts.length = 0;
    this.requestStarts.push(0);
    this.appending = false;
    this.intact = true;
    this.input = bytes;
    this.inputCopied = 0;
  }

  /**
   * Starts another request after the held ones (a builder's next add()): its series join theirs, as
   * the general path's second add() adds to the first one's. write() then writes them all.
   */
  append(bytes: Uint8Array): void {
    this.copyInputUpTo(this.inputLength);
    const base = this.inputLength;
    const at = this.wasm.fusedExtendInput(base + bytes.length) >>> 0;
    if (at === 0) throw new FastPathDeclinedError('out of memory');
    this.inputAt = at;
    this.inputLength = base + bytes.length;
    this.requestStarts.push(base);
    this.appending = true;
    this.input = bytes;
    this.inputCopied = base;
    this.checkedContext = NOT_CHECKED;
  }

  /** Where the request being added (or the last one held) starts in the input: the decoder's offsets are its own. */
  private get base(): number {
    return this.requestStarts[this.requestStarts.length - 1];
  }

  /** Input bytes of the requests held (begun or appended and finished). */
  get heldBytes(): number {
    return this.inputLength;
  }

  /**
   * Copies the request's bytes into the module up to `end` at least, a chunk at a time, just before
   * the module reads them (scanData, walk): the bytes it scans and walks are then still in cache (at
   * 100k points the request is 21 MB, copied whole it left the cache long before the walk got there).
   */
  private copyInputUpTo(end: number): void {
    if (end <= this.inputCopied) return;
    const from = this.inputCopied;
    const to = Math.min(this.inputLength, Math.max(end, from + INPUT_CHUNK_BYTES));
    const base = this.base;
    new Uint8Array(this.wasm.memory.buffer, this.inputAt + from, to - from).set(this.input.subarray(from - base, to - base));
    this.inputCopied = to;
  }

  /**
   * Drops the caller's bytes of a request the fast path declined: begin() or append() kept them to copy
   * from. A declined append also leaves the module's tables with part of its series: the held
   * requests' bytes stay (requestBytes) for the general path, but nothing can be written from here
   * until the next begin().
   */
  abandon(): void {
    this.input = new Uint8Array(0);
    if (this.appending) {
      this.appending = false;
      this.intact = false;
      this.inputLength = this.requestStarts.pop() as number;
      this.inputCopied = Math.min(this.inputCopied, this.inputLength);
    }
  }

  /** Copies of the held requests' OTLP bytes, in the order they were added (valid until the next begin). */
  requestBytes(): Uint8Array[] {
    this.copyInputUpTo(this.inputLength);
    const starts = this.requestStarts;
    return starts.map((from, r) => new Uint8Array(this.wasm.memory.buffer, this.inputAt + from, (starts[r + 1] ?? this.inputLength) - from).slice());
  }

  /**
   * The decoder's DataScanner (src/otlp/model.ts): the module reads each data message of the request
   * begin() copied in, so the decoder does not step over the points in JS.
   */
  readonly scanData: DataScanner = (start, end) => {
    const base = this.base;
    this.copyInputUpTo(base + end);
    const count = this.wasm.fusedScanData(base + start, base + end);
    if (count < 0) return undefined;
    const scanned = this.scanned;
    scanned.count = count;
    scanned.temporality = this.wasm.fusedScannedTemporality() >>> 0;
    scanned.monotonic = this.wasm.fusedScannedMonotonic() !== 0;
    return scanned;
  };
  private readonly scanned = { count: 0, temporality: 0, monotonic: false };

  walk(metric: WalkedMetric, times: TimeRange): void {
    const name = this.labelValueId(metric.name);
    const sumName = this.labelValueId(metric.sumName);
    const countName = this.labelValueId(metric.countName);
    const bucketName = this.labelValueId(metric.bucketName);
    const infinity = this.strings.id('+Inf');
    const contextIds = this.contextIds(metric);
    this.setMetric(metric.metadata, contextIds.length / 3);
    // Per metric (600 of them at 100k points): one view of module memory while it cannot grow.
    const memory = this.memoryWords();
    const names = this.wasm.fusedNamesPointer() >>> 2;
    memory[names] = name;
    memory[names + 1] = sumName;
    memory[names + 2] = countName;
    memory[names + 3] = bucketName;
    memory[names + 4] = this.putInIds[1];
    memory[names + 5] = this.putInIds[2];
    memory[names + 6] = infinity;
    memory.set(contextIds, this.wasm.fusedContextPointer() >>> 2);
    const { start, end, count } = metric.points;
    const base = this.base;
    this.copyInputUpTo(base + end);
    const status = this.wasm.fusedWalkMetric(metric.kind, base + start, base + end);
    if (status !== WALK_OK || this.wasm.fusedWalkedPoints() !== count) throw new FastPathDeclinedError('the module declined a metric');
    times.add(this.wasm.fusedEarliest());
    times.add(this.wasm.fusedLatest());
  }

  /** Module memory as u32 words: the last view, unless memory grew since. */
  private memoryWords(): Uint32Array {
    const buffer = this.wasm.memory.buffer;
    if (this.words.buffer !== buffer) this.words = new Uint32Array(buffer);
    return this.words;
  }
  private words = new Uint32Array(0);

  /**
   * The metric's context labels for the module: per label, name id, value id (NO_VALUE: delete),
   * forced. Checked once per context and kind: the metrics of a scope share one.
   */
  private contextIds(metric: WalkedMetric): number[] {
    const context = metric.context;
    const checked = this.checkedContext;
    if (checked.of === context && checked.version === context.version && checked.kind === metric.kind) return checked.ids;
    if (context.length > MAX_CONTEXT) throw new FastPathDeclinedError('too many context labels');
    const strings = this.strings;
    const ids: number[] = [];
    for (let i = 0; i < context.length; i++) {
      const name = strings.text(context.names[i]);
      if (name === METRIC_NAME_LABEL || name === PUT_IN_BY_KIND[metric.kind] || utf8LongerThan(name, this.limits.maxLabelNameBytes)) {
        throw new FastPathDeclinedError(`context label ${name}`);
      }
      strings.labelName(name);
      const value = context.values[i];
      if (value >= 0 && utf8LongerThan(strings.text(value), this.limits.maxLabelValueBytes)) throw new FastPathDeclinedError('label value bytes');
      ids.push(context.names[i], value < 0 ? NO_VALUE : value, context.forced[i]);
    }
    this.checkedContext = { of: context, version: context.version, kind: metric.kind, ids };
    return ids;
  }

  private setMetric(metadata: SeriesMetadata, contextCount: number): void {
    const help = this.strings.id(metadata.help);
    const unit = this.strings.id(metadata.unit);
    if (this.wasm.fusedSetMetric(contextCount, metadata.type, help, unit) === 0) throw new FastPathDeclinedError('too many context labels');
  }

  private labelValueId(text: string): number {
    if (utf8LongerThan(text, this.limits.maxLabelValueBytes)) throw new FastPathDeclinedError('label value bytes');
    return this.strings.id(text);
  }

  /** The module's `fusedAttributeLabel` import: never throws (an exception would unwind through the module). */
  attributeLabel(at: number, length: number): bigint {
    try {
      const label = this.rules.attributeLabel(new Uint8Array(this.wasm.memory.buffer, at >>> 0, length).slice());
      if (label === undefined) return SKIPPED_LABEL;
      const [name, value] = label;
      // The module declines `le` and `quantile` where the metric puts them in (point-labels.ts).
      if (name === METRIC_NAME_LABEL || utf8LongerThan(name, this.limits.maxLabelNameBytes)) return DECLINED_LABEL;
      const nameId = this.strings.labelName(name);
      const valueId = value === '' ? NO_VALUE : this.labelValueId(value);
      return BigInt(nameId) | (BigInt(valueId) << 32n);
    } catch {
      return DECLINED_LABEL;
    }
  }

  /** The module's `fusedFloatLabel` import. */
  floatLabel(value: number): number {
    try {
      return this.strings.id(this.rules.floatText(value));
    } catch {
      return -1;
    }
  }

  /**
   * Ends the request: the strings' bytes go to the module. Declines what a limit checked later by the
   * general path could refuse. The Remote-Write request is written when it is asked for (write), once
   * for all the requests held.
   */
  finish(): void {
    // The module keeps the requests (requestBytes), not the caller's array, which may change after add().
    this.copyInputUpTo(this.inputLength);
    this.input = new Uint8Array(0);
    if (this.wasm.fusedSeriesCount() >= this.limits.maxSeries) throw new FastPathDeclinedError('maxSeries');
    if (this.wasm.fusedSeriesMayMerge() !== 0) throw new FastPathDeclinedError('a label set with le or quantile beside histogram buckets or quantiles');
    this.strings.flush();
    this.written = false;
    this.appending = false;
  }

  get symbolCount(): number {
    return this.symbols;
  }

  get seriesCount(): number {
    return this.wasm.fusedSeriesCount();
  }

  get sampleCount(): number {
    return this.wasm.fusedSampleCount();
  }

  get histogramCount(): number {
    return this.wasm.fusedHistogramCount();
  }

  /**
   * The held requests as one Remote-Write request, numbering the symbols and writing it in one pass
   * unless the output holds it: a view of module memory, valid until it writes again. Throws
   * FastPathDeclinedError when it cannot (memory) or the general path would refuse it (maxSymbols).
   */
  write(): Uint8Array {
    if (!this.written) {
      const symbols = this.wasm.fusedWriteRequest(this.strings.count, this.withCreated ? 1 : 0);
      if (symbols < 0) throw new FastPathDeclinedError('out of memory');
      if (symbols > this.limits.maxSymbols) throw new FastPathDeclinedError('maxSymbols');
      this.symbols = symbols;
      this.written = true;
    }
    return new Uint8Array(this.wasm.memory.buffer, (this.wasm.fusedOutputPointer() >>> 0), this.wasm.fusedOutputLength() >>> 0);
  }

  /**
   * The request's series one by one, to be written in pieces (encodeRequests); the next write() writes
   * the whole again. Written whole first, so that its symbols are checked against maxSymbols (a piece
   * has at most as many).
   */
  series(): FusedSeries {
    this.write();
    this.written = false;
    const [name, le, quantile] = this.putInIds;
    return new FusedSeries(this.wasm, this.strings.count, this.strings.texts, [name, le, quantile], this.seriesCount, this.withCreated);
  }

  // SeriesSink: what the translator makes itself on the fused path (target_info).

  stringId(value: string): number {
    return this.strings.id(value);
  }

  floatLabelId(value: number): number {
    return this.strings.id(this.rules.floatText(value));
  }

  labelSet(labels: FlatLabels): number {
    const ids = new Int32Array(labels.length);
    for (let i = 0; i < labels.length; i += 2) {
      if (labels[i] === METRIC_NAME_LABEL || utf8LongerThan(labels[i], this.limits.maxLabelNameBytes)) throw new FastPathDeclinedError(`label ${labels[i]}`);
      ids[i] = this.strings.labelName(labels[i]);
      ids[i + 1] = this.labelValueId(labels[i + 1]);
    }
    this.labelledSets.push(ids);
    return this.labelledSets.length - 1;
  }

  labelSetOfIds(): number {
    throw new FastPathDeclinedError('point label sets are the module\'s');
  }

  sample(
    set: number, name: number, extraName: number, _extraValue: number, metadata: SeriesMetadata, timestamp: number, value: number,
    startTimestamp: number, stale: boolean, exemplars: readonly ExemplarOutput[] | undefined,
  ): void {
    if (extraName !== NO_LABEL || startTimestamp !== 0 || stale || exemplars !== undefined || metadata.type !== MetricType.GAUGE) {
      throw new FastPathDeclinedError('a sample the fused path does not make');
    }
    const pairs = this.labelledSets[set];
    this.setMetric(metadata, 0);
    if (this.wasm.fusedEnsureScratch(4 * pairs.length) === 0) throw new FastPathDeclinedError('out of memory');
    new Int32Array(this.wasm.memory.buffer, (this.wasm.fusedScratchPointer() >>> 0), pairs.length).set(pairs);
    if (this.wasm.fusedLabelledSample(pairs.length / 2, name, timestamp, value) !== WALK_OK) throw new FastPathDeclinedError('target_info sample');
  }

  sampleRun(): void {
    throw new FastPathDeclinedError('sample runs are the module\'s');
  }

  histogram(): void {
    throw new FastPathDeclinedError('histograms are the module\'s');
  }

  dropped(): void {
    throw new FastPathDeclinedError('a dropped metric');
  }
}
