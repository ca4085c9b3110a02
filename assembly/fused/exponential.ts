// Exponential histogram points as integer native histograms, the general path's steps in bytes:
// Prometheus's convertBucketsLayout (src/translate/bucket-layout.ts, quirks included), schema =
// min(scale, 8) with 2^(scale - 8) buckets merged above 8, zero threshold 1e-128
// (src/translate/exponential-histogram.ts), and the Histogram message as encodeHistogramFields writes
// it (src/rw/encode-v2.ts), as TimeSeries field 3 with its tag and length.
//
// Counts are integers below 2^53 (larger ones: declined), so this file's integer arithmetic is the
// general path's double arithmetic, exactly.

import { varintSize, writeVarint } from '../varint';

/** Gaps of up to this many empty buckets are zero buckets, longer ones a new span. */
const MAX_INLINE_GAP: i32 = 2;
export const MAX_SCHEMA: i32 = 8;
const ZERO_THRESHOLD: f64 = 1e-128;
import { STALE_NAN_BITS, staleOrDoubleSize, writeStaleOrDouble } from '../series-fields';
/** Counts must stay below this (doubles hold integers exactly up to 2^53). */
export const MAX_EXACT_COUNT: u64 = <u64>1 << 53;

/** Go's arithmetic right shift of an int32 by any count (wasm, like JS, masks the count to 5 bits). */
// @ts-ignore: decorator
@inline export function shiftRight(value: i32, bits: i32): i32 {
  return bits >= 31 ? (value < 0 ? -1 : 0) : value >> bits;
}

/** One layout's output: spans (offset i32, length u32) and deltas (i64), written where told, and the deltas' varint bytes. */
let spanCount: u32 = 0;
let deltaCount: u32 = 0;
let deltaBytes: u32 = 0;
let spans: usize = 0;
let deltas: usize = 0;
let previous: i64 = 0;
/** Set when a merged count reaches MAX_EXACT_COUNT. */
export let inexact: bool = false;

function emit(count: i64): void {
  const span = spans + (<usize>(spanCount - 1) << 3);
  store<u32>(span, load<u32>(span, 4) + 1, 4);
  store<i64>(deltas + (<usize>deltaCount << 3), count - previous);
  deltaBytes += varintSize(zigzag64(count - previous));
  deltaCount++;
  previous = count;
}

function fillGap(gap: i64): void {
  if (gap > <i64>MAX_INLINE_GAP) {
    store<i32>(spans + (<usize>spanCount << 3), <i32>gap);
    store<u32>(spans + (<usize>spanCount << 3), 0, 4);
    spanCount++;
  } else for (let j: i64 = 0; j < gap; j++) emit(0);
}

/**
 * convertBucketsLayout(counts, offset, scaleDown, adjust = true) of the `n` u64 counts at `counts`,
 * into `spanOut` (room for n + 1 spans) and `deltaOut` (room for 3n + 1 deltas). Offsets and n are
 * small enough (checked by the caller) that no sum leaves the int32 range.
 */
export function convertBucketsLayout(counts: usize, n: u32, offset: i32, scaleDown: i32, spanOut: usize, deltaOut: usize): void {
  spans = spanOut;
  deltas = deltaOut;
  spanCount = 0;
  deltaCount = 0;
  deltaBytes = 0;
  previous = 0;
  if (n == 0) return;
  const first = <i64>shiftRight(offset, scaleDown) + 1;
  store<i32>(spans, <i32>first);
  store<u32>(spans, 0, 4);
  spanCount = 1;
  let bucketIndex: i64 = first;
  let pending: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const count = load<u64>(counts + (<usize>i << 3));
    const next = <i64>shiftRight(<i32>i + offset, scaleDown) + 1;
    if (next == bucketIndex) {
      pending += count;
      if (pending >= MAX_EXACT_COUNT) inexact = true;
      continue;
    }
    if (pending == 0) {
      pending = count;
      continue;
    }
    fillGap(next - bucketIndex - 1);
    emit(<i64>pending);
    pending = count;
    bucketIndex = next;
  }
  fillGap(<i64>shiftRight(<i32>n + offset - 1, scaleDown) + 1 - bucketIndex);
  emit(<i64>pending);
}

export function layoutSpanCount(): u32 { return spanCount; }
export function layoutDeltaCount(): u32 { return deltaCount; }
export function layoutDeltaBytes(): u32 { return deltaBytes; }

// @ts-ignore: decorator
@inline function zigzag64(value: i64): u64 {
  return <u64>((value << 1) ^ (value >> 63));
}

// @ts-ignore: decorator
@inline function zigzag32(value: i32): u32 {
  return <u32>((value << 1) ^ (value >> 31));
}

function spanSize(offset: i32, length: u32): u32 {
  return (offset != 0 ? 1 + varintSize(zigzag32(offset)) : 0) + (length != 0 ? 1 + varintSize(length) : 0);
}

function spansSize(at: usize, n: u32): u32 {
  let size: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const inner = spanSize(load<i32>(at + (<usize>i << 3)), load<u32>(at + (<usize>i << 3), 4));
    size += 1 + varintSize(inner) + inner;
  }
  return size;
}

function writeSpans(out: usize, tag: u8, at: usize, n: u32): usize {
  for (let i: u32 = 0; i < n; i++) {
    const offset = load<i32>(at + (<usize>i << 3));
    const length = load<u32>(at + (<usize>i << 3), 4);
    store<u8>(out++, tag);
    out = writeVarint(out, spanSize(offset, length));
    if (offset != 0) {
      store<u8>(out++, 0x08);
      out = writeVarint(out, zigzag32(offset));
    }
    if (length != 0) {
      store<u8>(out++, 0x10);
      out = writeVarint(out, length);
    }
  }
  return out;
}

function writeDeltas(out: usize, tag: u8, at: usize, n: u32, size: u32): usize {
  if (n == 0) return out;
  store<u8>(out++, tag);
  out = writeVarint(out, size);
  for (let i: u32 = 0; i < n; i++) out = writeVarint(out, zigzag64(load<i64>(at + (<usize>i << 3))));
  return out;
}

// @ts-ignore: decorator
@inline function int64FieldSize(value: i64): u32 {
  return value != 0 ? 1 + varintSize(<u64>value) : 0;
}

/** An upper bound of histogramBytes' result for layouts of these sizes. */
export function histogramBound(spanTotal: u32, deltaTotal: u32): u32 {
  return 96 + 18 * spanTotal + 10 * deltaTotal;
}

/**
 * Writes TimeSeries.histograms (field 3, tag and length) at `out`; returns the byte length. Negative
 * then positive layout at (negSpans, negN, negDeltas, negD, their varint bytes) and (posSpans, ...).
 */
export function writeHistogram(
  out: usize, count: u64, sum: f64, schema: i32, zeroCount: u64, stale: bool, timestamp: i64, startTimestamp: i64,
  negSpans: usize, negSpanN: u32, negDeltas: usize, negDeltaN: u32, negDeltaBytes: u32,
  posSpans: usize, posSpanN: u32, posDeltas: usize, posDeltaN: u32, posDeltaBytes: u32,
): u32 {
  let size: u32 = 1 + (stale ? varintSize(STALE_NAN_BITS) : varintSize(count));
  size += staleOrDoubleSize(sum, stale);
  if (schema != 0) size += 1 + varintSize(zigzag32(schema));
  size += 9 + 1 + varintSize(zeroCount);
  size += spansSize(negSpans, negSpanN) + (negDeltaN > 0 ? 1 + varintSize(negDeltaBytes) + negDeltaBytes : 0);
  size += spansSize(posSpans, posSpanN) + (posDeltaN > 0 ? 1 + varintSize(posDeltaBytes) + posDeltaBytes : 0);
  size += int64FieldSize(timestamp);
  if (startTimestamp != 0) size += 2 + varintSize(<u64>startTimestamp);
  let at = out;
  store<u8>(at++, 0x1a);
  at = writeVarint(at, size);
  store<u8>(at++, 0x08);
  // A stale integer histogram's count is the stale NaN's bits read as an integer (encode-v2.ts).
  at = writeVarint(at, stale ? STALE_NAN_BITS : count);
  at = writeStaleOrDouble(at, 0x19, sum, stale); // sum 3
  if (schema != 0) {
    store<u8>(at++, 0x20);
    at = writeVarint(at, zigzag32(schema));
  }
  store<u8>(at++, 0x29);
  store<f64>(at, ZERO_THRESHOLD);
  at += 8;
  store<u8>(at++, 0x30);
  at = writeVarint(at, zeroCount);
  at = writeSpans(at, 0x42, negSpans, negSpanN);
  at = writeDeltas(at, 0x4a, negDeltas, negDeltaN, negDeltaBytes);
  at = writeSpans(at, 0x5a, posSpans, posSpanN);
  at = writeDeltas(at, 0x62, posDeltas, posDeltaN, posDeltaBytes);
  if (timestamp != 0) {
    store<u8>(at++, 0x78);
    at = writeVarint(at, <u64>timestamp);
  }
  if (startTimestamp != 0) {
    store<u8>(at++, 0x88);
    store<u8>(at++, 0x01);
    at = writeVarint(at, <u64>startTimestamp);
  }
  return <u32>(at - out);
}

export function resetInexact(): void { inexact = false; }
