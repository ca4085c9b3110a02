/**
 * The fused request's series one by one, in the general path's order, for encodeRequests: the module
 * keeps a classic histogram point's buckets or a summary point's quantiles as one group record
 * (assembly/fused/series.ts), and a request of some of the series is written from a list of records
 * and row ranges (assembly/fused/writer.ts writePiece). Here each group row is a series of its own,
 * so shards and pieces are cut exactly where the general path cuts them, also inside a group.
 */

import type { FusedModuleExports } from './fused-request.js';
import { FastPathDeclinedError } from './errors.js';
import { NO_LABEL } from '../translate/sink.js';

/** A series record's fields (assembly/fused/series.ts), in u32 words. */
const RECORD_WORDS = 16;
const SET = 0;
const NAME = 1;
const EXTRA_NAME = 2;
const FIRST_ROW = 7;
const ROW_COUNT = 8;
const HISTOGRAM_LENGTH = 10;
/** A row's extra value (its `le`/`quantile` text id), in u32 words. */
const ROW_WORDS = 8;
const ROW_EXTRA_VALUE = 7;
/** A record's extra name when it is one series (assembly/fused/series.ts). */
const NO_EXTRA_NAME = 0xffffffff;
/** A writePiece entry: record, first row, row count. */
const ENTRY_WORDS = 3;

export class FusedSeries {
  /** Series: one per record, one per row of a group. */
  readonly size: number;
  /** For the shard keys (src/builder/series-hash.ts HashedSeries): texts, label sets, put-in names. */
  readonly strings: { readonly strings: readonly string[] };
  readonly sets: { readonly size: number; readonly pool: Uint32Array; readonly start: Float64Array };
  /** Per series: its record, and its row (an index in all rows) in a group or -1. */
  private readonly record: Int32Array;
  private readonly row: Int32Array;
  /** The records' fields, copied out. */
  private readonly records: Uint32Array;
  /** Where the module's rows start in `sets.pool`, in u32 words. */
  private readonly rowsWord: number;

  constructor(
    private readonly wasm: FusedModuleExports,
    private readonly idCount: number,
    texts: readonly string[],
    /** The ids of label names `__name__`, `le` and `quantile`. */
    readonly putInNames: readonly [number, number, number],
    seriesCount: number,
    private readonly withCreated: boolean,
  ) {
    const recordCount = wasm.fusedRecordCount();
    const records = new Uint32Array(wasm.memory.buffer, wasm.fusedRecordsPointer() >>> 0, recordCount * RECORD_WORDS).slice();
    this.records = records;
    this.record = new Int32Array(seriesCount);
    this.row = new Int32Array(seriesCount);
    let s = 0;
    let setCount = 0;
    for (let r = 0; r < recordCount; r++) {
      const at = r * RECORD_WORDS;
      setCount = Math.max(setCount, records[at + SET] + 1);
      // A group's rows are its series (one without any writes nothing).
      const group = records[at + EXTRA_NAME] !== NO_EXTRA_NAME;
      for (let row = records[at + FIRST_ROW], end = group ? row + records[at + ROW_COUNT] : row + 1; row < end; row++) {
        this.record[s] = r;
        this.row[s++] = group ? row : -1;
      }
    }
    if (s !== seriesCount) throw new FastPathDeclinedError('series count');
    this.size = seriesCount;
    this.strings = { strings: texts };
    // The sets' pairs are back to back in the module's pool (u64: name id | value id << 32). A view of
    // module memory: valid until the module grows it, so every shard key is computed before the first
    // write (splitIntoRequests hashes all series first).
    const start = new Float64Array(setCount + 1);
    for (let set = 0; set < setCount; set++) start[set] = (wasm.fusedSetPairsPointer(set) >>> 0) / 4;
    if (setCount > 0) start[setCount] = start[setCount - 1] + 2 * wasm.fusedSetPairCount(setCount - 1);
    this.sets = { size: setCount, pool: new Uint32Array(wasm.memory.buffer), start };
    // The rows in the same view (extraValueOf).
    this.rowsWord = (wasm.fusedRowsPointer() >>> 0) / 4;
  }


  setOf(s: number): number {
    return this.records[this.record[s] * RECORD_WORDS + SET];
  }

  nameOf(s: number): number {
    return this.records[this.record[s] * RECORD_WORDS + NAME];
  }

  extraNameOf(s: number): number {
    return this.row[s] < 0 ? NO_LABEL : this.records[this.record[s] * RECORD_WORDS + EXTRA_NAME];
  }

  extraValueOf(s: number): number {
    return this.row[s] < 0 ? NO_LABEL : this.sets.pool[this.rowsWord + this.row[s] * ROW_WORDS + ROW_EXTRA_VALUE];
  }

  /**
   * `hasher`'s shard keys, computed once per record: a group's series share theirs, as the key leaves
   * `le` and `quantile` out (10k bench workload, 4 shards of 2000-series pieces: encodeRequests p10
   * 20.2 -> 12.7-15.7 ms).
   */
  keysByRecord(hasher: { hash(s: number): number }): { hash(s: number): number } {
    let lastRecord = -1;
    let lastKey = 0;
    return {
      hash: (s) => {
        if (this.record[s] !== lastRecord) {
          lastRecord = this.record[s];
          lastKey = hasher.hash(s);
        }
        return lastKey;
      },
    };
  }

  /**
   * The request of `series` (ascending): a view of module memory, valid until the module writes again.
   * A group's consecutive rows go as one entry.
   */
  write(series: readonly number[]): Uint8Array {
    const wasm = this.wasm;
    if (wasm.fusedEnsureScratch(4 * ENTRY_WORDS * series.length) === 0) throw new FastPathDeclinedError('out of memory');
    const entries = new Uint32Array(wasm.memory.buffer, wasm.fusedScratchPointer() >>> 0, ENTRY_WORDS * series.length);
    let count = 0;
    let lastRecord = -1;
    let nextRow = -1;
    for (const s of series) {
      const record = this.record[s];
      const row = this.row[s];
      if (row >= 0 && record === lastRecord && row === nextRow) {
        entries[ENTRY_WORDS * (count - 1) + 2]++;
        nextRow++;
        continue;
      }
      const at = ENTRY_WORDS * count++;
      entries[at] = record;
      entries[at + 1] = row < 0 ? 0 : row;
      entries[at + 2] = row < 0 ? 0 : 1;
      lastRecord = record;
      nextRow = row + 1;
    }
    if (wasm.fusedWritePiece(count, this.idCount, this.withCreated ? 1 : 0) < 0) throw new FastPathDeclinedError('out of memory');
    return new Uint8Array(wasm.memory.buffer, wasm.fusedOutputPointer() >>> 0, wasm.fusedOutputLength() >>> 0);
  }

  /** What `series` carry, as the `*-Written` headers count it (the fused path makes no exemplars). */
  counts(series: readonly number[]): { series: number; samples: number; histograms: number; exemplars: number } {
    let samples = 0;
    let histograms = 0;
    for (const s of series) {
      if (this.row[s] >= 0) {
        samples++;
        continue;
      }
      const at = this.record[s] * RECORD_WORDS;
      samples += this.records[at + ROW_COUNT];
      if (this.records[at + HISTOGRAM_LENGTH] > 0) histograms++;
    }
    return { series: series.length, samples, histograms, exemplars: 0 };
  }
}
