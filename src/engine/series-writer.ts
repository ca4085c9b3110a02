import { STALE_NAN_HIGH_BITS as STALE_NAN_HIGH, STALE_NAN_LOW_BITS as STALE_NAN_LOW } from '../rw/types.js';
import { malformedSeries } from './errors.js';
import { LABELS_FIELD, type LabelSetViews, SERIES_FIELDS, type SeriesBatch, TYPE_FIELD } from './series-batch.js';
import type { SeriesPlanner } from './series-plan.js';
import { keptPairRuns } from './merge-labels.js';
import { SetLabelBytes, writeVarint } from './set-labels.js';

const TWO_32 = 4294967296;

/**
 * The js engine's writer of `Request.timeseries` entries: assembly/series.ts in TypeScript, step for
 * step (sizes first, then bytes; minimal varint length prefixes), so both engines write the same bytes.
 * It writes into its own buffer, sized once per series, rather than through ProtoWriter, whose
 * per-call bounds checks made this writer 1.9x slower (10k workload: 29 -> 55 ms, measured): the js
 * engine must stay a fair peer of the wasm one in the benchmarks.
 *
 * Labels, help and unit come as string ids; `symbols` maps each id to its symbol index.
 */
export class SeriesWriter {
  private out = new Uint8Array(256 * 1024);
  private view = new DataView(this.out.buffer);
  private pos = 0;
  private readonly setLabels = new SetLabelBytes();
  /** keptPairRuns' output for the series being written. */
  private readonly runs = new Int32Array(3);

  /**
   * The series of `batch` with the label sets `sets` ([0, setCount)) and the symbol indices `symbols` of
   * string ids [0, symbols.length), back to back; a view valid until the next call.
   */
  write(batch: SeriesBatch, sets: LabelSetViews, setCount: number, planner: SeriesPlanner, symbols: Uint32Array, withCreated: boolean): Uint8Array {
    this.pos = 0;
    const { series, rowStart, value: values, timestamp: timestamps, startTimestamp: starts, stale: stales, created, extraStart, extraBytes } = batch;
    const { pool, start } = sets;
    const idCount = symbols.length;
    const setLabels = this.setLabels;
    const runs = this.runs;
    setLabels.begin(setCount);
    for (let i = 0; i < batch.count; i++) {
      const at = SERIES_FIELDS * i;
      const set = series[at];
      if (set >= setCount) throw malformedSeries(`label set ${set}`);
      const from = start[set];
      const pairs = (start[set + 1] - from) >> 1;
      const entry = setLabels.entry(set, from, pairs, sets, symbols);
      // The labels: the set's bytes in up to three runs, `__name__` and the extra label put in between
      // (merge-labels.ts has the plan; a put-in label replaces a set pair of its name).
      const plan = planner.planSeries(series, at + LABELS_FIELD, set, pool, from, pairs);
      const firstPoint = plan[0];
      const firstName = plan[1];
      const firstValue = plan[2];
      const secondPoint = plan[3];
      const hasSecond = secondPoint <= pairs;
      const secondName = hasSecond ? plan[4] : 0;
      const secondValue = hasSecond ? plan[5] : 0;
      if (firstName >= idCount || firstValue >= idCount || secondName >= idCount || secondValue >= idCount) {
        throw malformedSeries(`string id ${Math.max(firstName, firstValue, secondName, secondValue)}`);
      }
      keptPairRuns(pool, from, pairs, plan, 0, runs);
      const resume = runs[0];
      const middleEnd = runs[1];
      const lastFrom = runs[2];
      const firstNameSymbol = symbols[firstName];
      const firstValueSymbol = symbols[firstValue];
      const secondNameSymbol = symbols[secondName];
      const secondValueSymbol = symbols[secondValue];
      // Byte ranges of the runs: [a0, a1), [b0, b1) and [c0, c1) in setLabels.bytes.
      const ends = setLabels.ends;
      const a0 = ends[entry];
      const a1 = ends[entry + firstPoint];
      const b0 = ends[entry + resume];
      const b1 = ends[entry + middleEnd];
      const c0 = ends[entry + lastFrom];
      const c1 = ends[entry + pairs];
      // Sizes first: every length prefix is a minimal varint, as a fork/join writer produces.
      let labelsSize = a1 - a0 + (b1 - b0) + (c1 - c0) + varintSize(firstNameSymbol) + varintSize(firstValueSymbol);
      if (hasSecond) labelsSize += varintSize(secondNameSymbol) + varintSize(secondValueSymbol);
      let seriesSize = 1 + varintSize(labelsSize) + labelsSize;
      const rowsFrom = rowStart[i];
      const rowsTo = rowStart[i + 1];
      for (let r = rowsFrom; r < rowsTo; r++) {
        const size = sampleSize(values[r], timestamps[r], starts[r], stales[r] !== 0);
        seriesSize += 1 + varintSize(size) + size;
      }
      const extraFrom = extraStart[i];
      const extraTo = extraStart[i + 1];
      seriesSize += extraTo - extraFrom;
      const type = series[at + TYPE_FIELD];
      const helpId = series[at + TYPE_FIELD + 1];
      const unitId = series[at + TYPE_FIELD + 2];
      if (helpId >= idCount || unitId >= idCount) throw malformedSeries(`string id ${Math.max(helpId, unitId)}`);
      const help = symbols[helpId];
      const unit = symbols[unitId];
      const metadataSize = optionalVarintFieldSize(type) + optionalVarintFieldSize(help) + optionalVarintFieldSize(unit);
      seriesSize += 1 + varintSize(metadataSize) + metadataSize;
      const createdAt = withCreated ? Math.trunc(created[i]) : 0;
      if (createdAt !== 0) seriesSize += 1 + int64Size(createdAt);

      this.ensure(1 + varintSize(seriesSize) + seriesSize);
      this.byte(0x2a); // field 5, LEN
      this.varint(seriesSize);
      this.byte(0x0a); // labels_refs 1, packed (never empty: `__name__` is always there)
      this.varint(labelsSize);
      this.copy(setLabels.bytes, a0, a1);
      this.varint(firstNameSymbol);
      this.varint(firstValueSymbol);
      this.copy(setLabels.bytes, b0, b1);
      if (hasSecond) {
        this.varint(secondNameSymbol);
        this.varint(secondValueSymbol);
      }
      this.copy(setLabels.bytes, c0, c1);
      for (let r = rowsFrom; r < rowsTo; r++) {
        const value = values[r];
        const timestamp = Math.trunc(timestamps[r]);
        const start = Math.trunc(starts[r]);
        const stale = stales[r] !== 0;
        this.byte(0x12); // samples 2
        this.varint(sampleSize(value, timestamp, start, stale));
        if (stale) {
          this.byte(0x09);
          this.view.setUint32(this.pos, STALE_NAN_LOW, true);
          this.view.setUint32(this.pos + 4, STALE_NAN_HIGH, true);
          this.pos += 8;
        } else if (value !== 0 || Number.isNaN(value)) {
          // `!== 0` also drops -0, as Go's `if m.Value != 0` does.
          this.byte(0x09);
          this.view.setFloat64(this.pos, value, true);
          this.pos += 8;
        }
        if (timestamp !== 0) {
          this.byte(0x10);
          this.int64(timestamp);
        }
        if (start !== 0) {
          this.byte(0x18);
          this.int64(start);
        }
      }
      if (extraTo > extraFrom) {
        this.out.set(extraBytes.subarray(extraFrom, extraTo), this.pos);
        this.pos += extraTo - extraFrom;
      }
      this.byte(0x2a); // metadata 5
      this.varint(metadataSize);
      if (type !== 0) {
        this.byte(0x08);
        this.varint(type);
      }
      if (help !== 0) {
        this.byte(0x18);
        this.varint(help);
      }
      if (unit !== 0) {
        this.byte(0x20);
        this.varint(unit);
      }
      if (createdAt !== 0) {
        this.byte(0x30); // created_timestamp 6 (rc.3)
        this.int64(createdAt);
      }
    }
    return this.out.subarray(0, this.pos);
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.out.length) return;
    let capacity = this.out.length * 2;
    while (capacity < this.pos + bytes) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.out.subarray(0, this.pos));
    this.out = grown;
    this.view = new DataView(grown.buffer);
  }

  /** Copies bytes[from, to) (a run of ~10-40 label bytes: a loop beats subarray + set). */
  private copy(bytes: Uint8Array, from: number, to: number): void {
    const out = this.out;
    let pos = this.pos;
    for (let i = from; i < to; i++) out[pos++] = bytes[i];
    this.pos = pos;
  }

  private byte(value: number): void {
    this.out[this.pos++] = value;
  }

  private varint(value: number): void {
    this.pos = writeVarint(this.out, this.pos, value);
  }

  /** An int64 varint of an integral number: negatives as their 64-bit two's complement (10 bytes). */
  private int64(value: number): void {
    if (value >= 0 && value <= 0xffffffff) {
      this.varint(value);
      return;
    }
    let [lo, hi] = int64Words(value);
    const out = this.out;
    let pos = this.pos;
    while (hi > 0 || lo > 0x7f) {
      out[pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    out[pos++] = lo;
    this.pos = pos;
  }
}


function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

function int64Size(value: number): number {
  if (value >= 0 && value <= 0xffffffff) return varintSize(value);
  if (value < 0) return 10;
  let size = 1;
  let rest = value;
  while (rest >= 128) {
    rest = Math.floor(rest / 128);
    size++;
  }
  return size;
}

function int64Words(value: number): [number, number] {
  if (value >= 0) return [value >>> 0, Math.floor(value / TWO_32) >>> 0];
  const magnitude = -value;
  let lo = magnitude >>> 0;
  let hi = Math.floor(magnitude / TWO_32) >>> 0;
  lo = (~lo + 1) >>> 0;
  hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  return [lo, hi];
}

function sampleSize(value: number, timestamp: number, start: number, stale: boolean): number {
  let size = stale || value !== 0 || Number.isNaN(value) ? 9 : 0;
  if (timestamp !== 0) size += 1 + int64Size(timestamp);
  if (start !== 0) size += 1 + int64Size(start);
  return size;
}

function optionalVarintFieldSize(value: number): number {
  return value !== 0 ? 1 + varintSize(value) : 0;
}
