import type { SymbolEngine } from '../engine/index.js';
import { MERGE_PLAN_LENGTH, mergeLabelPairs } from '../engine/merge-labels.js';
import { SERIES_LABEL_FIELDS } from '../engine/series-batch.js';
import { LimitError } from '../limits.js';
import { WireType } from '../protobuf/reader.js';
import { ProtoWriter } from '../protobuf/writer.js';
import { type EncodeV2Options, encodeExemplar, encodeHistogramFields, writeSymbols } from '../rw/encode-v2.js';
import type { Sample, TimeSeries } from '../rw/types.js';
import type { SeriesMetadata } from '../translate/sink.js';
import type { SeriesRows } from './order-samples.js';
import type { SeriesTable } from './series-table.js';

/** Series per engine batch: bounds the batch columns (a 1M-point request has ~6M series). */
const BATCH_SERIES = 16 * 1024;

/**
 * One Remote-Write 2.0 request from a list of the table's (ordered) series: the strings they use go
 * into the engine in first-use order (labels, help, unit, exemplar labels, series by series), then the
 * series are written straight from the table's columns.
 */
export class RequestAssembler {
  private labels: Int32Array = new Int32Array(64);
  /** Per string id: its symbol index, valid for the ids `symbolize` saw. */
  private symbolOf: Int32Array = new Int32Array(0);
  /** Per listed series: metadata type, help and unit string ids (read from the table's objects once). */
  private metadataIds: Int32Array = new Int32Array(0);
  /** Per listed series with exemplars: their label string ids (empty when the request has none). */
  private exemplarIds: Array<number[][] | undefined> = [];
  /** Histogram and exemplar fields of one batch. */
  private readonly extraWriter = new ProtoWriter(4096);
  private extraStart: Uint32Array = new Uint32Array(0);
  /** Per label set: where its pairs are in the current batch, and the batch that holds them (negated once copied). */
  private setAt: Int32Array = new Int32Array(0);
  private setBatch: Int32Array = new Int32Array(0);
  private batchNumber = 0;
  /** Per listed series: its merge plan (merge-labels.ts) in string ids, from symbolize. */
  private plans: Int32Array = new Int32Array(0);

  constructor(
    private readonly table: SeriesTable,
    private readonly engine: SymbolEngine,
    private readonly maxSymbols: number,
  ) {}

  /** Interns every string `series` use in the engine, from an empty table. */
  symbolize(rows: SeriesRows, series: ArrayLike<number>): void {
    const table = this.table;
    const ids = table.strings;
    // Ids of strings that are not labels; may add ids, so before sizing `position`.
    if (this.metadataIds.length < 3 * series.length) this.metadataIds = new Int32Array(3 * series.length);
    const metadataIds = this.metadataIds;
    this.exemplarIds = table.exemplars.length > 0 ? new Array(series.length) : [];
    let lastMetadata: SeriesMetadata | undefined;
    let helpId = 0;
    let unitId = 0;
    for (let r = 0; r < series.length; r++) {
      const s = series[r];
      const metadata = table.metadataOf[s];
      if (metadata !== lastMetadata) {
        lastMetadata = metadata;
        helpId = ids.id(metadata.help);
        unitId = ids.id(metadata.unit);
      }
      metadataIds[3 * r] = metadata.type;
      metadataIds[3 * r + 1] = helpId;
      metadataIds[3 * r + 2] = unitId;
      const from = rows.exemplarStart[s];
      const to = rows.exemplarStart[s + 1];
      if (to > from) {
        const labelIds: number[][] = [];
        for (let e = from; e < to; e++) labelIds.push(table.exemplars[e].labels.map((label) => ids.id(label)));
        this.exemplarIds[r] = labelIds;
      }
    }
    const emptyId = ids.id('');
    // Each used id's place in `unique` + 1 (0: not used yet); symbols are numbered in first-use order.
    const position = new Int32Array(ids.strings.length);
    const unique: string[] = [];
    const use = (id: number): void => {
      if (position[id] === 0) position[id] = unique.push(ids.strings[id]);
    };
    // Once one series of a label set has used all its labels, the set's other series (a histogram's
    // buckets, sum and count) can only add their own `__name__` and extra label.
    const sets = table.sets;
    const setDone = new Uint8Array(sets.size);
    // Each series' merge plan, kept for writing: the labels it adds to its set, in label order.
    if (this.plans.length < MERGE_PLAN_LENGTH * series.length) this.plans = new Int32Array(MERGE_PLAN_LENGTH * series.length);
    const plans = this.plans;
    for (let r = 0; r < series.length; r++) {
      const s = series[r];
      const set = table.setOf[s];
      const plan = MERGE_PLAN_LENGTH * r;
      table.labelPlan(s, plans, plan);
      const pairs = sets.pairCount(set);
      if (setDone[set] === 0) {
        if (this.labels.length < 2 * pairs + 4) this.labels = new Int32Array(2 * (2 * pairs + 4));
        const length = mergeLabelPairs(sets.pool, sets.start[set], pairs, plans, plan, this.labels);
        for (let i = 0; i < length; i++) use(this.labels[i]);
        setDone[set] = 1;
      } else {
        use(plans[plan + 1]);
        use(plans[plan + 2]);
        if (plans[plan + 3] <= pairs) {
          use(plans[plan + 4]);
          use(plans[plan + 5]);
        }
      }
      use(metadataIds[3 * r + 1]);
      use(metadataIds[3 * r + 2]);
      const exemplarLabelIds = this.exemplarIds[r];
      if (exemplarLabelIds !== undefined) for (const labelIds of exemplarLabelIds) for (const id of labelIds) use(id);
    }
    // RW2 spec: symbols[0] is "", always present; checked before the engine is touched, so a request
    // over the limit leaves the engine and the last built request as they were.
    const symbolCount = unique.length + (position[emptyId] === 0 ? 1 : 0);
    if (symbolCount > this.maxSymbols) {
      throw new LimitError('maxSymbols', this.maxSymbols, symbolCount, 'the symbol count of one Remote-Write request');
    }
    const refs = new Uint32Array(unique.length);
    this.engine.reset();
    this.engine.internBatch(unique, unique.length, refs);
    this.symbolOf = new Int32Array(position.length);
    for (let id = 0; id < position.length; id++) if (position[id] !== 0) this.symbolOf[id] = refs[position[id] - 1];
  }

  /**
   * Writes the request of `series` (after symbolize with the same list): the symbols, then the series
   * in batches the engine writes from columns (histograms and exemplars, rare and nested, encoded here).
   * `afterBatch` runs after each batch, with no fork open in `writer` (encodeSnappy compresses there).
   */
  write(writer: ProtoWriter, rows: SeriesRows, series: ArrayLike<number>, options: EncodeV2Options, afterBatch?: () => void): void {
    writeSymbols(writer, this.engine);
    for (let first = 0; first < series.length; first += BATCH_SERIES) {
      const bytes = this.writeBatch(rows, series, first, Math.min(series.length, first + BATCH_SERIES), options.createdTimestampField === true);
      writer.ensure(bytes.length);
      writer.buf.set(bytes, writer.pos);
      writer.pos += bytes.length;
      afterBatch?.();
    }
  }

  private writeBatch(rows: SeriesRows, series: ArrayLike<number>, first: number, end: number, withCreated: boolean): Uint8Array {
    const table = this.table;
    const sets = table.sets;
    const samples = table.samples;
    const symbolOf = this.symbolOf;
    const count = end - first;
    let rowTotal = 0;
    const extra = this.extraWriter;
    extra.reset();
    if (this.extraStart.length <= count) this.extraStart = new Uint32Array(2 * count + 1);
    if (this.setAt.length < sets.size) {
      this.setAt = new Int32Array(2 * sets.size);
      this.setBatch = new Int32Array(2 * sets.size);
    }
    const extraStart = this.extraStart;
    const setAt = this.setAt;
    const setBatch = this.setBatch;
    // Each set's pairs go into the batch once, however many series (a histogram's buckets) use it.
    const batchNumber = ++this.batchNumber;
    let setRefs = 0;
    let maxPairs = 0;
    const sampleStart = rows.sampleStart;
    // The series' sample rows are one run when the series are consecutive (rows are grouped in series order).
    let consecutive = true;
    for (let r = first; r < end; r++) {
      const s = series[r];
      if (r > first && s !== series[r - 1] + 1) consecutive = false;
      const set = table.setOf[s];
      if (setBatch[set] !== batchNumber) {
        setBatch[set] = batchNumber;
        setAt[set] = setRefs;
        const pairs = sets.pairCount(set);
        setRefs += 2 * pairs;
        if (pairs > maxPairs) maxPairs = pairs;
      }
      rowTotal += sampleStart[s + 1] - sampleStart[s];
      extraStart[r - first] = extra.pos;
      if (rows.histogramStart[s + 1] > rows.histogramStart[s] || rows.exemplarStart[s + 1] > rows.exemplarStart[s]) this.encodeExtra(rows, s, r);
    }
    extraStart[count] = extra.pos;
    const batch = this.engine.seriesBatch({ count, setRefs, maxLabelRefs: 2 * maxPairs + 4, rows: rowTotal, extraBytes: extra.pos });
    batch.extraBytes.set(extra.buf.subarray(0, extra.pos));
    batch.extraStart.set(extraStart.subarray(0, count + 1));
    const { setPairs, labelPlan, rowStart, metadata } = batch;
    if (consecutive && count > 0) {
      const from = sampleStart[series[first]];
      const to = from + rowTotal;
      batch.value.set(samples.value.subarray(from, to));
      batch.timestamp.set(samples.timestamp.subarray(from, to));
      batch.startTimestamp.set(samples.startTimestamp.subarray(from, to));
      batch.stale.set(samples.stale.subarray(from, to));
    }
    const pool = sets.pool;
    const plans = this.plans;
    const metadataIds = this.metadataIds;
    let rowAt = 0;
    for (let i = 0; i < count; i++) {
      const s = series[first + i];
      const set = table.setOf[s];
      const pairs = sets.pairCount(set);
      const at = setAt[set];
      if (setBatch[set] === batchNumber) {
        setBatch[set] = -batchNumber; // copied
        for (let from = sets.start[set], k = 0; k < 2 * pairs; k++) setPairs[at + k] = symbolOf[pool[from + k]];
      }
      const plan = SERIES_LABEL_FIELDS * i;
      const ids = MERGE_PLAN_LENGTH * (first + i);
      labelPlan[plan] = at;
      labelPlan[plan + 1] = pairs;
      labelPlan[plan + 2] = plans[ids];
      labelPlan[plan + 3] = symbolOf[plans[ids + 1]];
      labelPlan[plan + 4] = symbolOf[plans[ids + 2]];
      labelPlan[plan + 5] = plans[ids + 3];
      if (plans[ids + 3] <= pairs) {
        labelPlan[plan + 6] = symbolOf[plans[ids + 4]];
        labelPlan[plan + 7] = symbolOf[plans[ids + 5]];
      }
      rowStart[i] = rowAt;
      const rowFrom = sampleStart[s];
      const rowTo = sampleStart[s + 1];
      if (consecutive) rowAt += rowTo - rowFrom;
      else {
        for (let row = rowFrom; row < rowTo; row++, rowAt++) {
          batch.value[rowAt] = samples.value[row];
          batch.timestamp[rowAt] = samples.timestamp[row];
          batch.startTimestamp[rowAt] = samples.startTimestamp[row];
          batch.stale[rowAt] = samples.stale[row];
        }
      }
      const metadataAt = 3 * (first + i);
      metadata[3 * i] = metadataIds[metadataAt];
      metadata[3 * i + 1] = symbolOf[metadataIds[metadataAt + 1]];
      metadata[3 * i + 2] = symbolOf[metadataIds[metadataAt + 2]];
      if (withCreated) {
        const histogramFrom = rows.histogramStart[s];
        batch.created[i] = rowTo > rowFrom ? samples.startTimestamp[rowFrom] : rows.histogramStart[s + 1] > histogramFrom ? table.histograms[histogramFrom].startTimestamp : 0;
      }
    }
    rowStart[count] = rowAt;
    return this.engine.writeSeries(batch, withCreated);
  }

  /** TimeSeries fields 3 (histograms) and 4 (exemplars) of series `s`, listed at `r`. */
  private encodeExtra(rows: SeriesRows, s: number, r: number): void {
    const table = this.table;
    const writer = this.extraWriter;
    for (let h = rows.histogramStart[s]; h < rows.histogramStart[s + 1]; h++) {
      writer.tag(3, WireType.LEN);
      writer.fork();
      encodeHistogramFields(writer, table.histograms[h]);
      writer.join();
    }
    const exemplarLabelIds = this.exemplarIds[r];
    if (exemplarLabelIds === undefined) return;
    const from = rows.exemplarStart[s];
    for (let e = 0; e < exemplarLabelIds.length; e++) {
      const exemplar = table.exemplars[from + e];
      writer.tag(4, WireType.LEN);
      writer.fork();
      encodeExemplar(writer, { labelsRefs: exemplarLabelIds[e].map((id) => this.symbolOf[id]), value: exemplar.value, timestamp: exemplar.timestamp });
      writer.join();
    }
  }

  /** The request of `series` (after symbolize with the same list) as plain objects. */
  timeSeries(rows: SeriesRows, series: ArrayLike<number>): TimeSeries[] {
    const table = this.table;
    const symbolOf = this.symbolOf;
    const result: TimeSeries[] = new Array(series.length);
    for (let r = 0; r < series.length; r++) {
      const s = series[r];
      this.labels = table.labelIds(s, this.labels);
      const labelsRefs = Array.from(this.labels.subarray(0, 2 * table.labelCount(s)), (id) => symbolOf[id]);
      const exemplarLabelIds = this.exemplarIds[r] ?? [];
      const exemplarFrom = rows.exemplarStart[s];
      result[r] = {
        labelsRefs,
        samples: samplesOf(table, rows, s),
        histograms: table.histograms.slice(rows.histogramStart[s], rows.histogramStart[s + 1]),
        exemplars: exemplarLabelIds.map((labelIds, e) => {
          const exemplar = table.exemplars[exemplarFrom + e];
          return { labelsRefs: labelIds.map((id) => symbolOf[id]), value: exemplar.value, timestamp: exemplar.timestamp };
        }),
        metadata: { type: table.metadataOf[s].type, helpRef: symbolOf[this.metadataIds[3 * r + 1]], unitRef: symbolOf[this.metadataIds[3 * r + 2]] },
      };
    }
    return result;
  }
}

/** Series `s`'s samples as objects (build(), RW1). */
export function samplesOf(table: SeriesTable, rows: SeriesRows, s: number): Sample[] {
  const samples = table.samples;
  const result: Sample[] = [];
  for (let row = rows.sampleStart[s]; row < rows.sampleStart[s + 1]; row++) {
    const sample: Sample = { value: samples.value[row], timestamp: samples.timestamp[row], startTimestamp: samples.startTimestamp[row] };
    if (samples.stale[row] === 1) sample.stale = true;
    result.push(sample);
  }
  return result;
}
