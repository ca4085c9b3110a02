import type { SymbolEngine } from '../engine/index.js';
import { SERIES_FIELDS, type SeriesBatch, TYPE_FIELD } from '../engine/series-batch.js';
import { LimitError } from '../limits.js';
import { WireType } from '../protobuf/reader.js';
import { ProtoWriter } from '../protobuf/writer.js';
import { type EncodeV2Options, encodeExemplar, encodeHistogramFields, writeSymbols } from '../rw/encode-v2.js';
import type { Sample, TimeSeries } from '../rw/types.js';
import { compareUtf8 } from '../rw/label-order.js';
import { LE_ID, METRIC_NAME_ID, QUANTILE_ID } from './label-sets.js';
import type { SeriesRows } from './order-samples.js';
import type { SeriesTable } from './series-table.js';

/** Series per engine batch: bounds the batch columns (a 1M-point request has ~6M series). */
const BATCH_SERIES = 16 * 1024;

/**
 * One Remote-Write 2.0 request from a list of the table's (ordered) series. The engine gets the
 * table's label sets, the rank of each label name in UTF-8 order and, batch by batch, each series' set,
 * `__name__` and extra label and metadata in string ids; it plans where each series' two labels go in
 * its set (by rank), numbers the strings in first use (labels, help, unit, exemplar labels, series by
 * series), the strings are interned in that order, and the engine writes the series with each id's
 * symbol index.
 */
export class RequestAssembler {
  private labels: Int32Array = new Int32Array(64);
  /** Per string id: its symbol index, valid for the ids `symbolize` saw. */
  private symbolOf: Int32Array = new Int32Array(0);
  /**
   * Per listed series, SERIES_FIELDS numbers in string ids: set, put-in labels, type, help, unit
   * (series-batch.ts). The table's own column when every series is listed in order.
   */
  private records: Uint32Array = new Uint32Array(0);
  /** Room for the most label refs one listed series has, plus 2 (numbering puts help and unit after them). */
  private maxLabelRefs = 0;
  /** Whether the engine holds the table's current label sets and ranks (see setsChanged). */
  private setsLoaded = false;
  /** Per listed series with exemplars: their label string ids (empty when the request has none). */
  private exemplarIds: Array<number[][] | undefined> = [];
  /** Histogram and exemplar fields of one batch. */
  private readonly extraWriter = new ProtoWriter(4096);
  /** Per series of one batch: where its extra bytes and its sample rows start (scratch). */
  private extraStart: Uint32Array = new Uint32Array(0);
  private rowStart: Uint32Array = new Uint32Array(0);

  constructor(
    private readonly table: SeriesTable,
    private readonly engine: SymbolEngine,
    private readonly maxSymbols: number,
  ) {}

  /**
   * Interns every string `series` use in the engine, from an empty table. `everySeries`: the list is
   * 0 .. size - 1, the table's own order.
   */
  symbolize(rows: SeriesRows, series: ArrayLike<number>, everySeries = false): void {
    const table = this.table;
    const ids = table.strings;
    this.records = everySeries ? new Uint32Array(table.records.buffer, table.records.byteOffset, SERIES_FIELDS * table.size) : recordsOf(table, series, this.records);
    this.exemplarIds = table.exemplars.length > 0 ? exemplarLabelIds(table, rows, series) : [];
    const emptyId = ids.id('');
    // Every id is known from here on (exemplar labels and "" may have added some; the table interned
    // help and unit as it made the series).
    const idCount = ids.strings.length;
    const engine = this.engine;
    if (!this.setsLoaded) this.loadSets(idCount);
    engine.beginNumbering(idCount);
    for (let first = 0; first < series.length; first += BATCH_SERIES) {
      const end = Math.min(series.length, first + BATCH_SERIES);
      const batch = this.batchOf(first, end, 0, 0, true);
      engine.numberSeries(batch);
    }
    const order = engine.numbered().slice();
    // RW2 spec: symbols[0] is "", always present; checked before the symbol table is touched, so a
    // request over the limit leaves the table and the last built request's symbols as they were.
    const symbolCount = order.length + (order.includes(emptyId) ? 0 : 1);
    if (symbolCount > this.maxSymbols) {
      throw new LimitError('maxSymbols', this.maxSymbols, symbolCount, 'the symbol count of one Remote-Write request');
    }
    const unique: string[] = new Array(order.length);
    for (let k = 0; k < order.length; k++) unique[k] = ids.strings[order[k]];
    const refs = new Uint32Array(unique.length);
    engine.reset();
    engine.internBatch(unique, unique.length, refs);
    this.symbolOf = new Int32Array(idCount);
    for (let k = 0; k < order.length; k++) this.symbolOf[order[k]] = refs[k];
    engine.idSymbols(idCount).set(new Uint32Array(this.symbolOf.buffer, 0, idCount));
  }

  /**
   * The table's label sets changed (an add, a reset): the next symbolize hands them to the engine again.
   * Until then every symbolize reuses them, so a request cut into many (encodeRequests: 2000 series
   * each by default) copies the sets and ranks their names once, not per piece (10k-point bench
   * workload, 29 pieces: encodeRequests p10 21.5 -> 17.5 ms; with 4 shards 33.0 -> 23.6 ms).
   */
  setsChanged(): void {
    this.setsLoaded = false;
  }

  /**
   * Gives the engine the table's label sets and their names' ranks. Ids interned later (exemplar label
   * strings of a later piece) are never label names of a set or put-in names, so the ranks stay whole.
   */
  private loadSets(idCount: number): void {
    const sets = this.table.sets;
    const setCount = sets.size;
    const poolLength = sets.start[setCount];
    let maxPairs = 0;
    for (let set = 0; set < setCount; set++) maxPairs = Math.max(maxPairs, sets.pairCount(set));
    this.maxLabelRefs = 2 * maxPairs + 6;
    const views = this.engine.labelSets(poolLength, setCount);
    views.pool.set(new Uint32Array(sets.pool.buffer, sets.pool.byteOffset, poolLength));
    views.start.set(new Uint32Array(sets.start.buffer, sets.start.byteOffset, setCount + 1));
    this.rankLabelNames(idCount);
    this.setsLoaded = true;
  }

  /** Gives the engine every label name of the sets, and the names series put in, ranked in UTF-8 order. */
  private rankLabelNames(idCount: number): void {
    const strings = this.table.strings.strings;
    const names = Array.from(this.engine.labelNames(idCount));
    for (const id of [METRIC_NAME_ID, LE_ID, QUANTILE_ID]) if (!names.includes(id)) names.push(id);
    names.sort((a, b) => compareUtf8(strings[a], strings[b]));
    this.engine.rankNames(names);
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

  /** A batch of listed series [first, end) with their records (and, for numbering, exemplar label ids). */
  private batchOf(first: number, end: number, rows: number, extraBytes: number, forNumbering: boolean): SeriesBatch {
    const count = end - first;
    let exemplarIds = 0;
    const exemplars = forNumbering && this.exemplarIds.length > 0;
    if (exemplars) for (let r = first; r < end; r++) for (const labelIds of this.exemplarIds[r] ?? []) exemplarIds += labelIds.length;
    const batch = this.engine.seriesBatch({ count, maxLabelRefs: this.maxLabelRefs, rows, extraBytes, exemplarIds });
    batch.series.set(this.records.subarray(SERIES_FIELDS * first, SERIES_FIELDS * end));
    if (!forNumbering) return batch;
    const exemplarIdStart = batch.exemplarIdStart;
    if (!exemplars) {
      exemplarIdStart.fill(0);
      return batch;
    }
    let at = 0;
    for (let r = first; r < end; r++) {
      exemplarIdStart[r - first] = at;
      for (const labelIds of this.exemplarIds[r] ?? []) for (const id of labelIds) batch.exemplarIds[at++] = id;
    }
    exemplarIdStart[count] = at;
    return batch;
  }

  private writeBatch(rows: SeriesRows, series: ArrayLike<number>, first: number, end: number, withCreated: boolean): Uint8Array {
    const table = this.table;
    const samples = table.samples;
    const count = end - first;
    const extra = this.extraWriter;
    extra.reset();
    if (this.extraStart.length <= count) {
      this.extraStart = new Uint32Array(2 * count + 1);
      this.rowStart = new Uint32Array(2 * count + 1);
    }
    const { extraStart, rowStart } = this;
    const { sampleStart } = rows;
    const consecutive = count > 0 && isRun(series, first, end);
    const rowAt = consecutive ? this.layOutRun(rows, series[first], first, count) : this.layOutListed(rows, series, first, end);
    const batch = this.batchOf(first, end, rowAt, extra.pos, false);
    batch.extraBytes.set(extra.buf.subarray(0, extra.pos));
    batch.extraStart.set(extraStart.subarray(0, count + 1));
    batch.rowStart.set(rowStart.subarray(0, count + 1));
    if (consecutive) {
      const from = sampleStart[series[first]];
      const to = from + rowAt;
      batch.value.set(samples.value.subarray(from, to));
      batch.timestamp.set(samples.timestamp.subarray(from, to));
      batch.startTimestamp.set(samples.startTimestamp.subarray(from, to));
      batch.stale.set(samples.stale.subarray(from, to));
    }
    if (consecutive && !withCreated) return this.engine.writeSeries(batch, false);
    for (let i = 0; i < count; i++) {
      const s = series[first + i];
      const rowFrom = sampleStart[s];
      const rowTo = sampleStart[s + 1];
      if (!consecutive) {
        for (let row = rowFrom, at = rowStart[i]; row < rowTo; row++, at++) {
          batch.value[at] = samples.value[row];
          batch.timestamp[at] = samples.timestamp[row];
          batch.startTimestamp[at] = samples.startTimestamp[row];
          batch.stale[at] = samples.stale[row];
        }
      }
      if (withCreated) {
        const histogramFrom = rows.histogramStart[s];
        batch.created[i] = rowTo > rowFrom ? samples.startTimestamp[rowFrom] : rows.histogramStart[s + 1] > histogramFrom ? table.histograms[histogramFrom].startTimestamp : 0;
      }
    }
    return this.engine.writeSeries(batch, withCreated);
  }

  /**
   * Row and extra starts of series s0 .. s0 + count - 1 (listed from `first`): rows are one run of the
   * ordered columns, and only the series with histograms or exemplars are visited, found through the
   * rows' series columns (a loop over every series was ~7% of end to end at 10k points). Returns the
   * row count.
   */
  private layOutRun(rows: SeriesRows, s0: number, first: number, count: number): number {
    const { sampleStart, histogramStart, exemplarStart } = rows;
    const { extraStart, rowStart, extraWriter: extra, table } = this;
    const base = sampleStart[s0];
    for (let i = 0; i <= count; i++) rowStart[i] = sampleStart[s0 + i] - base;
    const histogramEnd = histogramStart[s0 + count];
    const exemplarEnd = exemplarStart[s0 + count];
    let h = histogramStart[s0];
    let e = exemplarStart[s0];
    let laidOut = 0;
    while (h < histogramEnd || e < exemplarEnd) {
      const s = Math.min(h < histogramEnd ? table.histogramSeries[h] : Infinity, e < exemplarEnd ? table.exemplarSeries[e] : Infinity);
      extraStart.fill(extra.pos, laidOut, s - s0 + 1);
      this.encodeExtra(rows, s, first + s - s0);
      laidOut = s - s0 + 1;
      h = histogramStart[s + 1];
      e = exemplarStart[s + 1];
    }
    extraStart.fill(extra.pos, laidOut, count + 1);
    return rowStart[count];
  }

  /** Row and extra starts of the listed series [first, end), in any order; returns the row count. */
  private layOutListed(rows: SeriesRows, series: ArrayLike<number>, first: number, end: number): number {
    const { sampleStart, histogramStart, exemplarStart } = rows;
    const { extraStart, rowStart, extraWriter: extra } = this;
    let rowAt = 0;
    for (let r = first; r < end; r++) {
      const s = series[r];
      rowStart[r - first] = rowAt;
      rowAt += sampleStart[s + 1] - sampleStart[s];
      extraStart[r - first] = extra.pos;
      if (histogramStart[s + 1] > histogramStart[s] || exemplarStart[s + 1] > exemplarStart[s]) this.encodeExtra(rows, s, r);
    }
    rowStart[end - first] = rowAt;
    extraStart[end - first] = extra.pos;
    return rowAt;
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
      // A loop, not Array.from(subarray, map): that was ~40% of build() (10k-point bench workload).
      const labelsRefs: number[] = new Array(2 * table.labelCount(s));
      for (let i = 0; i < labelsRefs.length; i++) labelsRefs[i] = symbolOf[this.labels[i]];
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
        metadata: { type: table.metadataOf[s].type, helpRef: symbolOf[this.records[SERIES_FIELDS * r + TYPE_FIELD + 1]], unitRef: symbolOf[this.records[SERIES_FIELDS * r + TYPE_FIELD + 2]] },
      };
    }
    return result;
  }
}

/** Whether series[first, end) are consecutive series numbers. */
function isRun(series: ArrayLike<number>, first: number, end: number): boolean {
  for (let r = first + 1; r < end; r++) if (series[r] !== series[r - 1] + 1) return false;
  return true;
}

/** The records of the listed series, copied into `spare` (or a larger array). */
function recordsOf(table: SeriesTable, series: ArrayLike<number>, spare: Uint32Array): Uint32Array {
  const count = series.length;
  const records = spare.length >= SERIES_FIELDS * count && spare.buffer !== table.records.buffer ? spare : new Uint32Array(SERIES_FIELDS * count);
  const source = table.records;
  // Field by field: a subarray per series would be an allocation per series.
  for (let r = 0; r < count; r++) {
    const from = SERIES_FIELDS * series[r];
    const to = SERIES_FIELDS * r;
    for (let f = 0; f < SERIES_FIELDS; f++) records[to + f] = source[from + f];
  }
  return records;
}

/** Per listed series with exemplars, their label string ids (interned here). */
function exemplarLabelIds(table: SeriesTable, rows: SeriesRows, series: ArrayLike<number>): Array<number[][] | undefined> {
  const ids = table.strings;
  const result: Array<number[][] | undefined> = new Array(series.length);
  for (let r = 0; r < series.length; r++) {
    const s = series[r];
    const from = rows.exemplarStart[s];
    const to = rows.exemplarStart[s + 1];
    if (to === from) continue;
    const labelIds: number[][] = [];
    for (let e = from; e < to; e++) labelIds.push(table.exemplars[e].labels.map((label) => ids.id(label)));
    result[r] = labelIds;
  }
  return result;
}

/** Series `s`'s samples as objects (build(), RW1). */
function samplesOf(table: SeriesTable, rows: SeriesRows, s: number): Sample[] {
  const samples = table.samples;
  const result: Sample[] = [];
  for (let row = rows.sampleStart[s]; row < rows.sampleStart[s + 1]; row++) {
    const sample: Sample = { value: samples.value[row], timestamp: samples.timestamp[row], startTimestamp: samples.startTimestamp[row] };
    if (samples.stale[row] === 1) sample.stale = true;
    result.push(sample);
  }
  return result;
}
