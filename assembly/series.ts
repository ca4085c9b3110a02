// Writes Remote-Write 2.0 `Request.timeseries` entries (field 5) from columns JS lays out in the input
// region: the byte work of a request (varints, doubles, nested lengths) without a JS object per series.
// src/engine/series-writer.ts is the same algorithm in TypeScript for the js engine; both must write
// the same bytes (test/engine/series-writer.test.ts).
//
// Input (byte offsets from the input region's start, each 8-aligned, written by JS):
//   setPairs    u32[]            the batch's label sets, symbol index pairs sorted by name
//   labelPlan   u32[8 * count]   per series: its set's start in setPairs, pair count, merge plan
//                                (merge-labels.ts: where `__name__` and `le`/`quantile` go)
//   labelScratch u32[]           room for one series' merged labels
//   rowStart    u32[count + 1]   series i's samples are rows rowStart[i] .. rowStart[i + 1]
//   value, timestamp, start  f64[rows]   sample value, timestamp and start timestamp (ms)
//   stale       u8[rows]         1: the value is Prometheus's stale marker
//   metadata    u32[3 * count]   type, help ref, unit ref
//   created     f64[count]       rc.3 created_timestamp (field 6), written when `withCreated` and not 0
//   extraStart  u32[count + 1]   series i's histogram and exemplar fields, already encoded by JS,
//   extraBytes  u8[]             are extraBytes[extraStart[i] .. extraStart[i + 1])
//
// Output: the series back to back in the output region; writeSeries returns their byte length, or a
// negative Status when the output cannot grow.

import { mergeLabelPairs } from './merge-labels';
import { growRegion, grownCapacity } from './regions';
import { Status } from './symbols';

const INITIAL_INPUT_BYTES: u32 = 256 * 1024;
const INITIAL_OUTPUT_BYTES: u32 = 256 * 1024;
/** Prometheus's stale marker, model/value.StaleNaN. */
const STALE_NAN_BITS: u64 = 0x7ff0000000000002;

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

// @ts-ignore: decorator
@inline function varintSize(value: u64): u32 {
  let size: u32 = 1;
  while (value > 0x7f) {
    value >>= 7;
    size++;
  }
  return size;
}

// @ts-ignore: decorator
@inline function writeVarint(at: usize, value: u64): usize {
  while (value > 0x7f) {
    store<u8>(at++, <u8>(value & 0x7f) | 0x80);
    value >>= 7;
  }
  store<u8>(at++, <u8>value);
  return at;
}

/** An int64 field's varint: ms timestamps are integral; negatives take 10 bytes, as in Go. */
// @ts-ignore: decorator
@inline function int64Bits(value: f64): u64 {
  return <u64><i64>value;
}

// @ts-ignore: decorator
@inline function sampleSize(value: f64, timestamp: u64, start: u64, stale: bool): u32 {
  let size: u32 = stale || value != 0 ? 9 : 0;
  if (timestamp != 0) size += 1 + varintSize(timestamp);
  if (start != 0) size += 1 + varintSize(start);
  return size;
}

// @ts-ignore: decorator
@inline function optionalVarintFieldSize(value: u32): u32 {
  return value != 0 ? 1 + varintSize(value) : 0;
}

export function writeSeries(
  count: u32,
  setPairs: usize, labelPlan: usize, labelRefs: usize, rowStart: usize,
  values: usize, timestamps: usize, starts: usize, stales: usize,
  metadata: usize, created: usize, extraStart: usize, extraBytes: usize,
  withCreated: bool,
): i32 {
  const base = inputStart;
  setPairs += base; labelPlan += base; labelRefs += base; rowStart += base; values += base; timestamps += base;
  starts += base; stales += base; metadata += base; created += base; extraStart += base; extraBytes += base;
  let written: u64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const at4 = <usize>i << 2;
    const plan = labelPlan + <usize>i * 32;
    const labelsTo = mergeLabelPairs(setPairs + (<usize>load<u32>(plan) << 2), load<u32>(plan, 4), plan + 8, labelRefs);
    // Sizes first: every length prefix is a minimal varint, as a fork/join writer produces.
    let labelsSize: u32 = 0;
    for (let l: u32 = 0; l < labelsTo; l++) labelsSize += varintSize(load<u32>(labelRefs + (<usize>l << 2)));
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
    const meta = metadata + <usize>i * 12;
    const type = load<u32>(meta);
    const help = load<u32>(meta + 4);
    const unit = load<u32>(meta + 8);
    const metadataSize = optionalVarintFieldSize(type) + optionalVarintFieldSize(help) + optionalVarintFieldSize(unit);
    seriesSize += 1 + varintSize(metadataSize) + metadataSize;
    const createdBits = withCreated ? int64Bits(load<f64>(created + (<usize>i << 3))) : 0;
    if (createdBits != 0) seriesSize += 1 + varintSize(createdBits);

    const total = <u64>(1 + varintSize(seriesSize) + seriesSize);
    if (!ensureOutputBytes(written + total)) return -<i32>Status.OUT_OF_MEMORY;
    let at = outputStart + <usize>written;
    store<u8>(at++, 0x2a); // field 5, LEN
    at = writeVarint(at, seriesSize);
    store<u8>(at++, 0x0a); // labels_refs 1, packed (never empty: `__name__` is always there)
    at = writeVarint(at, labelsSize);
    for (let l: u32 = 0; l < labelsTo; l++) at = writeVarint(at, load<u32>(labelRefs + (<usize>l << 2)));
    for (let r = rowsFrom; r < rowsTo; r++) {
      const at8 = <usize>r << 3;
      const value = load<f64>(values + at8);
      const timestamp = int64Bits(load<f64>(timestamps + at8));
      const start = int64Bits(load<f64>(starts + at8));
      const stale = load<u8>(stales + r) != 0;
      store<u8>(at++, 0x12); // samples 2
      at = writeVarint(at, sampleSize(value, timestamp, start, stale));
      if (stale) {
        store<u8>(at++, 0x09);
        store<u64>(at, STALE_NAN_BITS);
        at += 8;
      } else if (value != 0) {
        // `!= 0` also drops -0 (and keeps NaN), as Go's `if m.Value != 0` does.
        store<u8>(at++, 0x09);
        store<f64>(at, value);
        at += 8;
      }
      if (timestamp != 0) {
        store<u8>(at++, 0x10);
        at = writeVarint(at, timestamp);
      }
      if (start != 0) {
        store<u8>(at++, 0x18);
        at = writeVarint(at, start);
      }
    }
    if (extraTo > extraFrom) {
      memory.copy(at, extraBytes + extraFrom, extraTo - extraFrom);
      at += extraTo - extraFrom;
    }
    store<u8>(at++, 0x2a); // metadata 5
    at = writeVarint(at, metadataSize);
    if (type != 0) {
      store<u8>(at++, 0x08);
      at = writeVarint(at, type);
    }
    if (help != 0) {
      store<u8>(at++, 0x18);
      at = writeVarint(at, help);
    }
    if (unit != 0) {
      store<u8>(at++, 0x20);
      at = writeVarint(at, unit);
    }
    if (createdBits != 0) {
      store<u8>(at++, 0x30); // created_timestamp 6 (rc.3)
      at = writeVarint(at, createdBits);
    }
    written += total;
  }
  return <i32>written;
}
