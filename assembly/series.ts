// Writes Remote-Write 2.0 `Request.timeseries` entries (field 5) from columns JS lays out in the input
// region: the byte work of a request (varints, doubles, nested lengths) without a JS object per series.
// src/engine/series-writer.ts is the same algorithm in TypeScript for the js engine; both must write
// the same bytes (test/engine/series-writer.test.ts).
//
// Input (byte offsets from the input region's start, each 8-aligned, written by JS):
//   series      u32[8 * count]   per series: its label set (request.ts), the two labels put in
//                                (`__name__`, and `le` or `quantile` or none: name and value ids; the
//                                engine plans where they go, series-plan.ts), metadata type, help id,
//                                unit id
//   labelScratch u32[]           room for one series' merged labels (numbering only)
//   rowStart    u32[count + 1]   series i's samples are rows rowStart[i] .. rowStart[i + 1]
//   value, timestamp, start  f64[rows]   sample value, timestamp and start timestamp (ms)
//   stale       u8[rows]         1: the value is Prometheus's stale marker
//   created     f64[count]       rc.3 created_timestamp (field 6), written when `withCreated` and not 0
//   extraStart  u32[count + 1]   series i's histogram and exemplar fields, already encoded by JS,
//   extraBytes  u8[]             are extraBytes[extraStart[i] .. extraStart[i + 1])
//   exemplarIdStart, exemplarIds u32[]   for numberBatch only: series i's exemplar label ids
//
// Labels, help and unit are string ids, written as their symbol indices (request.ts `symbols`).
// Output: the series back to back in the output region; writeSeries returns their byte length, or a
// negative Status when the output cannot grow or the batch names a set or id beyond the request's.

import { growRegion, grownCapacity } from './regions';
import {
  HELP_OFFSET, LABELS_OFFSET, POOL, SERIES_BYTES, SET_STARTS, SYMBOLS, TYPE_OFFSET, UNIT_OFFSET, idCount, numberSeries, regionStart, setCount,
} from './request';
import { PLAN, planSeries } from './series-plan';
import { beginSetCache, setCachePointer, setEntry } from './set-labels';
import { metadataSize, sampleSize, writeMetadata, writeSample } from './series-fields';
import { copyBytes, varintSize, writeVarint } from './varint';
import { Status } from './symbols';

const INITIAL_INPUT_BYTES: u32 = 256 * 1024;
const INITIAL_OUTPUT_BYTES: u32 = 256 * 1024;

let inputStart: usize = 0;
let inputBytes: u32 = 0;
let outputStart: usize = 0;
let outputBytes: u32 = 0;

export function seriesInputPointer(): usize { return inputStart; }
export function seriesOutputPointer(): usize { return outputStart; }

/** Makes the input region hold at least `bytes`; its contents are not kept. */
export function ensureSeriesInputBytes(bytes: u32): Status {
  if (bytes <= inputBytes) return Status.OK;
  const capacity = grownCapacity(inputBytes, bytes, INITIAL_INPUT_BYTES);
  const start = growRegion(inputStart, 0, capacity);
  if (start == 0) return Status.OUT_OF_MEMORY;
  inputStart = start;
  inputBytes = capacity;
  return Status.OK;
}

function ensureOutputBytes(bytes: u64): bool {
  if (bytes <= <u64>outputBytes) return true;
  if (bytes > <u64>i32.MAX_VALUE) return false;
  const capacity = grownCapacity(outputBytes, <u32>bytes, INITIAL_OUTPUT_BYTES);
  const start = growRegion(outputStart, outputBytes, capacity);
  if (start == 0) return false;
  outputStart = start;
  outputBytes = capacity;
  return true;
}

/** An int64 field's varint: ms timestamps are integral; negatives take 10 bytes, as in Go. */
// @ts-ignore: decorator
@inline function int64Bits(value: f64): u64 {
  return <u64><i64>value;
}


/** Numbers the strings of the batch's series (request.ts numberSeries); offsets as for writeSeries. */
export function numberBatch(count: u32, series: usize, labelScratch: usize, exemplarIdStart: usize, exemplarIds: usize): Status {
  const base = inputStart;
  return numberSeries(count, series + base, labelScratch + base, exemplarIdStart + base, exemplarIds + base);
}

export function writeSeries(
  count: u32,
  series: usize, rowStart: usize,
  values: usize, timestamps: usize, starts: usize, stales: usize,
  created: usize, extraStart: usize, extraBytes: usize,
  withCreated: bool,
): i32 {
  const base = inputStart;
  series += base; rowStart += base; values += base; timestamps += base;
  starts += base; stales += base; created += base; extraStart += base; extraBytes += base;
  const poolStart = regionStart(POOL);
  const setStarts = regionStart(SET_STARTS);
  const symbolsStart = regionStart(SYMBOLS);
  beginSetCache();
  let written: u64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const at4 = <usize>i << 2;
    const record = series + <usize>i * SERIES_BYTES;
    const set = load<u32>(record);
    if (set >= setCount) return -<i32>Status.MALFORMED_BATCH;
    const from = load<u32>(setStarts + (<usize>set << 2));
    const pairs = (load<u32>(setStarts + (<usize>set << 2), 4) - from) >> 1;
    const entryOffset = setEntry(set, from, pairs);
    if (entryOffset < 0) return <i32>entryOffset;
    const ends = setCachePointer() + <usize>entryOffset;
    const setBytes = ends + ((<usize>pairs + 1) << 2);
    // The labels: the set's bytes in up to three runs, `__name__` and the extra label put in between
    // (merge-labels.ts has the plan; a put-in label replaces a set pair of its name).
    const pool = poolStart + (<usize>from << 2);
    if (!planSeries(record + LABELS_OFFSET, set, pool, pairs)) return -<i32>Status.MALFORMED_BATCH;
    const plan = PLAN;
    const firstPoint = load<u32>(plan);
    const firstName = load<u32>(plan, 4);
    const firstValue = load<u32>(plan, 8);
    const secondPoint = load<u32>(plan, 12);
    const hasSecond = secondPoint <= pairs;
    const secondName = hasSecond ? load<u32>(plan, 16) : 0;
    const secondValue = hasSecond ? load<u32>(plan, 20) : 0;
    if (firstName >= idCount || firstValue >= idCount || secondName >= idCount || secondValue >= idCount) return -<i32>Status.MALFORMED_BATCH;
    const resume = firstPoint < pairs && load<u32>(pool + (<usize>firstPoint << 3)) == firstName ? firstPoint + 1 : firstPoint;
    const middleEnd = hasSecond && secondPoint > resume ? secondPoint : resume;
    let lastFrom = middleEnd;
    if (hasSecond && middleEnd < pairs && load<u32>(pool + (<usize>middleEnd << 3)) == secondName) lastFrom++;
    const firstNameSymbol = load<u32>(symbolsStart + (<usize>firstName << 2));
    const firstValueSymbol = load<u32>(symbolsStart + (<usize>firstValue << 2));
    const secondNameSymbol = load<u32>(symbolsStart + (<usize>secondName << 2));
    const secondValueSymbol = load<u32>(symbolsStart + (<usize>secondValue << 2));
    // Byte offsets of the runs in the set's bytes: [0, a), [resume, middleEnd) and [lastFrom, pairs).
    const a = load<u32>(ends + (<usize>firstPoint << 2));
    const b0 = load<u32>(ends + (<usize>resume << 2));
    const b1 = load<u32>(ends + (<usize>middleEnd << 2));
    const c0 = load<u32>(ends + (<usize>lastFrom << 2));
    const c1 = load<u32>(ends + (<usize>pairs << 2));
    // Sizes first: every length prefix is a minimal varint, as a fork/join writer produces.
    let labelsSize: u32 = a + (b1 - b0) + (c1 - c0) + varintSize(firstNameSymbol) + varintSize(firstValueSymbol);
    if (hasSecond) labelsSize += varintSize(secondNameSymbol) + varintSize(secondValueSymbol);
    let seriesSize: u32 = 1 + varintSize(labelsSize) + labelsSize;
    const rowsFrom = load<u32>(rowStart + at4);
    const rowsTo = load<u32>(rowStart + at4 + 4);
    for (let r = rowsFrom; r < rowsTo; r++) {
      const at8 = <usize>r << 3;
      const size = sampleSize(load<f64>(values + at8), int64Bits(load<f64>(timestamps + at8)), int64Bits(load<f64>(starts + at8)), load<u8>(stales + r) != 0);
      seriesSize += 1 + varintSize(size) + size;
    }
    const extraFrom = load<u32>(extraStart + at4);
    const extraTo = load<u32>(extraStart + at4 + 4);
    seriesSize += extraTo - extraFrom;
    const type = load<u32>(record + TYPE_OFFSET);
    const helpId = load<u32>(record + HELP_OFFSET);
    const unitId = load<u32>(record + UNIT_OFFSET);
    if (helpId >= idCount || unitId >= idCount) return -<i32>Status.MALFORMED_BATCH;
    const help = load<u32>(symbolsStart + (<usize>helpId << 2));
    const unit = load<u32>(symbolsStart + (<usize>unitId << 2));
    const metadata = metadataSize(type, help, unit);
    seriesSize += 1 + varintSize(metadata) + metadata;
    const createdBits = withCreated ? int64Bits(load<f64>(created + (<usize>i << 3))) : 0;
    if (createdBits != 0) seriesSize += 1 + varintSize(createdBits);

    const total = <u64>(1 + varintSize(seriesSize) + seriesSize);
    // + 8: copyBytes and writeMemoizedVarint may write 7 bytes past their end (later bytes overwrite them).
    if (!ensureOutputBytes(written + total + 8)) return -<i32>Status.OUT_OF_MEMORY;
    let at = outputStart + <usize>written;
    store<u8>(at++, 0x2a); // field 5, LEN
    at = writeVarint(at, seriesSize);
    store<u8>(at++, 0x0a); // labels_refs 1, packed (never empty: `__name__` is always there)
    at = writeVarint(at, labelsSize);
    copyBytes(at, setBytes, a);
    at += a;
    at = writeVarint(at, firstNameSymbol);
    at = writeVarint(at, firstValueSymbol);
    copyBytes(at, setBytes + b0, b1 - b0);
    at += b1 - b0;
    if (hasSecond) {
      at = writeVarint(at, secondNameSymbol);
      at = writeVarint(at, secondValueSymbol);
    }
    copyBytes(at, setBytes + c0, c1 - c0);
    at += c1 - c0;
    for (let r = rowsFrom; r < rowsTo; r++) {
      const at8 = <usize>r << 3;
      at = writeSample(at, load<f64>(values + at8), int64Bits(load<f64>(timestamps + at8)), int64Bits(load<f64>(starts + at8)), load<u8>(stales + r) != 0);
    }
    if (extraTo > extraFrom) {
      memory.copy(at, extraBytes + extraFrom, extraTo - extraFrom);
      at += extraTo - extraFrom;
    }
    at = writeMetadata(at, type, help, unit, createdBits);
    written += total;
  }
  return <i32>written;
}
