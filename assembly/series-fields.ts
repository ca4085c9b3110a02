// The RW2 `TimeSeries` fields both series writers (series.ts for the general path, fused/writer.ts)
// write the same way: a samples entry (Sample: value 1 double, timestamp 2 int64, start_timestamp 3
// int64), metadata (5) and rc.3's created_timestamp (6).

import { PACKED_VARINT_BYTES, packVarint, varintSize, writeVarint } from './varint';

/** Prometheus's stale marker, model/value.StaleNaN. */
export const STALE_NAN_BITS: u64 = 0x7ff0000000000002;

// Per timestamp field, the last value written with its varint packed (packVarint) and its size: a
// request's samples share a few timestamps and start times (a histogram point's ~17 series, a
// metric's points), so most samples store 8 bytes instead of encoding 6 one by one.
const TIMESTAMP_MEMO: usize = memory.data(24);
const START_MEMO: usize = memory.data(24);

/** Writes `value`'s varint at `at` from `memo` (remade when `value` is another); returns the end. */
function writeMemoizedVarint(at: usize, value: u64, memo: usize): usize {
  // Size 0: the memo was never filled.
  if (value != load<u64>(memo) || load<u32>(memo, 16) == 0) {
    const size = varintSize(value);
    store<u64>(memo, value);
    store<u64>(memo, size <= PACKED_VARINT_BYTES ? packVarint(value) : 0, 8);
    store<u32>(memo, size, 16);
  }
  const size = load<u32>(memo, 16);
  if (size > PACKED_VARINT_BYTES) return writeVarint(at, value);
  store<u64>(at, load<u64>(memo, 8));
  return at + size;
}

/** The size of a field writeStaleOrDouble writes: 9 bytes, or none when it is left out. */
// @ts-ignore: decorator
@inline export function staleOrDoubleSize(value: f64, stale: bool): u32 {
  return stale || value != 0 ? 9 : 0;
}

/** The Sample message's size; timestamps as int64 bits (negatives take 10 bytes, as in Go). */
// @ts-ignore: decorator
@inline export function sampleSize(value: f64, timestamp: u64, start: u64, stale: bool): u32 {
  let size: u32 = staleOrDoubleSize(value, stale);
  if (timestamp != 0) size += 1 + varintSize(timestamp);
  if (start != 0) size += 1 + varintSize(start);
  return size;
}

/**
 * Writes field 2 (tag, length, Sample) at `at`; returns the end. May write 7 bytes past it (later
 * bytes overwrite them): callers leave room.
 */
export function writeSample(at: usize, value: f64, timestamp: u64, start: u64, stale: bool): usize {
  store<u8>(at++, 0x12); // samples 2
  at = writeVarint(at, sampleSize(value, timestamp, start, stale));
  at = writeStaleOrDouble(at, 0x09, value, stale); // value 1
  return writeSampleTimestamps(at, timestamp, start);
}

/**
 * Writes the Sample's timestamp (2) and start_timestamp (3) fields, each left out when 0; returns the
 * end. May write 7 bytes past it, as writeSample.
 */
export function writeSampleTimestamps(at: usize, timestamp: u64, start: u64): usize {
  if (timestamp != 0) {
    store<u8>(at++, 0x10);
    at = writeMemoizedVarint(at, timestamp, TIMESTAMP_MEMO);
  }
  if (start != 0) {
    store<u8>(at++, 0x18);
    at = writeMemoizedVarint(at, start, START_MEMO);
  }
  return at;
}

/**
 * Writes a double field of tag `tag` at `at` (a Sample's value, a Histogram's sum): Prometheus's stale
 * marker when `stale`, else `value`, left out when 0; returns the end.
 */
// @ts-ignore: decorator
@inline export function writeStaleOrDouble(at: usize, tag: u8, value: f64, stale: bool): usize {
  if (stale) {
    store<u8>(at++, tag);
    store<u64>(at, STALE_NAN_BITS);
    at += 8;
  } else if (value != 0) {
    // `!= 0` also drops -0 (and keeps NaN), as Go's `if m.Value != 0` does.
    store<u8>(at++, tag);
    store<f64>(at, value);
    at += 8;
  }
  return at;
}

// @ts-ignore: decorator
@inline function optionalVarintFieldSize(value: u32): u32 {
  return value != 0 ? 1 + varintSize(value) : 0;
}

/** The Metadata message's size: type 1, help_ref 3, unit_ref 4, each left out when 0. */
// @ts-ignore: decorator
@inline export function metadataSize(type: u32, help: u32, unit: u32): u32 {
  return optionalVarintFieldSize(type) + optionalVarintFieldSize(help) + optionalVarintFieldSize(unit);
}

/**
 * Writes field 5 (metadata: always written, it is non-nullable in Prometheus) and, when not 0, rc.3's
 * created_timestamp (field 6); returns the end.
 */
export function writeMetadata(at: usize, type: u32, help: u32, unit: u32, created: u64): usize {
  store<u8>(at++, 0x2a); // metadata 5
  at = writeVarint(at, metadataSize(type, help, unit));
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
  if (created != 0) {
    store<u8>(at++, 0x30); // created_timestamp 6 (rc.3)
    at = writeVarint(at, created);
  }
  return at;
}
