// The request's series in the order they were first made (the general path's SeriesTable order),
// each with its sample rows or its one encoded histogram. A series is its set plus `__name__` and at
// most one more label (`le` or `quantile`); a second point of the same series is left to the general
// path (it orders and deduplicates samples), except the samples fusedSample appends in time order.
//
// A record is one series, or a group: the `_bucket` series of one classic histogram point, or the
// quantile series of one summary point, one per row, told apart only by the row's `le`/`quantile`
// value. On the 10k-point bench request ~45k of the 57k series are buckets: a group makes one record
// and one key per point instead of one per series, and the writer (writer.ts) works out once per
// group what its series share.
//
//   records  per record (64 bytes): set, name, extra name (NO_LABEL: one series; else a group's
//            `le`/`quantile` name), (pad), metadata type, help id, unit id, first row, row count,
//            histogram offset, histogram length, (pad), histogram start timestamp i64
//   rows     per sample (32 bytes): value f64, timestamp i64, start timestamp i64, stale u32, and in a
//            group the series' extra value (its `le`/`quantile` text id) u32
//   slots    u64, open addressing by (set, name): record index + 1 | hash << 32 (the hash first: a
//            record compared is a cache miss, ~100 ns at 100k points)
//
// Records are keyed by (set, name) alone, a group being one key: a series met twice has the same set
// and name (a set with its own `le` or `quantile` could make a group's series' labels otherwise: such
// requests decline, request.ts fusedSeriesMayMerge), so a key met twice declines (DUPLICATE). Two
// records that only share a set and name (a gauge `h_bucket` beside histogram `h`'s buckets, with
// the same labels) decline as well: rare, and the general path is always right.

import { finishHash, insertHashedSlot, mixWord } from './hash';
import { setSeriesRun } from './label-sets';
import { HISTOGRAMS, ROWS, SERIES, SERIES_SLOTS, ensure, ensureSlots, start } from './regions';

export const RECORD_BYTES: usize = 64;
export const ROW_BYTES: usize = 32;
export const NO_LABEL: u32 = 0xffffffff;
export const NO_SERIES: u32 = 0xffffffff;
/** The series exists already: its second point goes to the general path. */
export const DUPLICATE: u32 = 0xfffffffe;

export let recordCount: u32 = 0;
export let groupCount: u32 = 0;
/** Series: one per record, but one per row of a group. */
export let seriesCount: u32 = 0;
export let rowCount: u32 = 0;
export let histogramCount: u32 = 0;
export let histogramBytes: u32 = 0;
let slotCount: u32 = 0;

/** The current metric's metadata, set before its points. */
export let metadataType: u32 = 0;
export let metadataHelp: u32 = 0;
export let metadataUnit: u32 = 0;

export function setMetadata(type: u32, help: u32, unit: u32): void {
  metadataType = type;
  metadataHelp = help;
  metadataUnit = unit;
}

export function resetSeries(): void {
  recordCount = 0;
  groupCount = 0;
  seriesCount = 0;
  rowCount = 0;
  histogramCount = 0;
  histogramBytes = 0;
  indexedCount = 0;
  if (slotCount != 0) memory.fill(start(SERIES_SLOTS), 0, <usize>slotCount << 3);
}

// @ts-ignore: decorator
@inline export function seriesRecord(record: u32): usize {
  return start(SERIES) + <usize>record * RECORD_BYTES;
}

// @ts-ignore: decorator
@inline export function rowAt(row: u32): usize {
  return start(ROWS) + <usize>row * ROW_BYTES;
}

// @ts-ignore: decorator
@inline function hashKey(set: u32, name: u32): u32 {
  return finishHash(mixWord(0x9e3779b97f4a7c15, <u64>set | (<u64>name << 32)));
}

/** The record with this key, or NO_SERIES. */
function find(set: u32, name: u32, hash: u32): u32 {
  if (slotCount == 0) return NO_SERIES;
  const mask = slotCount - 1;
  const slots = start(SERIES_SLOTS);
  let slot = hash & mask;
  let entry = load<u64>(slots + (<usize>slot << 3));
  while (entry != 0) {
    const held = <u32>entry;
    if (<u32>(entry >> 32) == hash) {
      const record = seriesRecord(held - 1);
      if (load<u32>(record) == set && load<u32>(record, 4) == name) return held - 1;
    }
    slot = (slot + 1) & mask;
    entry = load<u64>(slots + (<usize>slot << 3));
  }
  return NO_SERIES;
}

/** Puts `count` records from `first` in the hash; false when memory cannot grow. */
function index(first: u32, count: u32): bool {
  const slots = ensureSlots(SERIES_SLOTS, indexedCount + count, slotCount, 3);
  if (slots == 0) return false;
  if (slots != slotCount) {
    // Grown and cleared: every indexed record goes back in (their sets' runs say which).
    slotCount = slots;
    for (let r: u32 = 0; r < recordCount; r++) {
      const indexed = load<u32>(setSeriesRun(load<u32>(seriesRecord(r))), 8) != 0;
      if (indexed && (r < first || r >= first + count)) insertRecord(r);
    }
  }
  for (let r = first; r < first + count; r++) insertRecord(r);
  indexedCount += count;
  return true;
}

function insertRecord(record: u32): void {
  const at = seriesRecord(record);
  insertHashedSlot(start(SERIES_SLOTS), slotCount, record, hashKey(load<u32>(at), load<u32>(at, 4)));
}

/** Records in the hash. */
let indexedCount: u32 = 0;

/** Puts `set`'s run in the hash if not yet; false when memory cannot grow (the run is left out). */
function indexRun(set: u32): bool {
  const run = setSeriesRun(set);
  if (load<u32>(run, 8) != 0) return true;
  if (!index(load<u32>(run), load<u32>(run, 4))) return false;
  store<u32>(run, 1, 8);
  return true;
}

/**
 * A new record with the current metadata; DUPLICATE when its key exists, NO_SERIES when memory cannot
 * grow. A set's records are hashed only once the set is met again (the prototype's measure: most sets
 * are met once, by one point whose records are distinct): until then they are its run, made back to
 * back. `setIsNew`: the set was made by this point.
 */
function makeRecord(set: u32, name: u32, extraName: u32, setIsNew: bool): u32 {
  if (!ensure(SERIES, <u64>(recordCount + 1) * RECORD_BYTES)) return NO_SERIES;
  const run = setSeriesRun(set);
  const record = recordCount;
  if (setIsNew) {
    if (load<u32>(run, 4) == 0) store<u32>(run, record);
    store<u32>(run, load<u32>(run, 4) + 1, 4);
  } else {
    if (!indexRun(set)) return NO_SERIES;
    if (find(set, name, hashKey(set, name)) != NO_SERIES) return DUPLICATE;
  }
  recordCount++;
  const at = seriesRecord(record);
  store<u32>(at, set);
  store<u32>(at, name, 4);
  store<u32>(at, extraName, 8);
  store<u32>(at, metadataType, 16);
  store<u32>(at, metadataHelp, 20);
  store<u32>(at, metadataUnit, 24);
  store<u32>(at, rowCount, 28);
  store<u32>(at, 0, 32);
  store<u32>(at, 0, 36);
  store<u32>(at, 0, 40);
  store<i64>(at, 0, 56);
  if (!setIsNew && !index(record, 1)) return NO_SERIES;
  return record;
}

/** A new series `set` + `name`: its record, or DUPLICATE / NO_SERIES (makeRecord). */
export function makeSeries(set: u32, name: u32, setIsNew: bool = false): u32 {
  const record = makeRecord(set, name, NO_LABEL, setIsNew);
  if (record < DUPLICATE) seriesCount++;
  return record;
}

/**
 * A new group of series `set` + `name` + `extraName`, its series added by addToGroup; the caller
 * makes their extra values distinct. DUPLICATE / NO_SERIES as makeRecord.
 */
export function makeGroup(set: u32, name: u32, extraName: u32, setIsNew: bool): u32 {
  const record = makeRecord(set, name, extraName, setIsNew);
  if (record < DUPLICATE) groupCount++;
  return record;
}

/** Appends a sample row to `record` (its rows must be the last ones); 0 when memory cannot grow. */
function addRow(record: u32, value: f64, timestamp: i64, startTimestamp: i64, stale: bool): usize {
  if (!ensure(ROWS, <u64>(rowCount + 1) * ROW_BYTES)) return 0;
  const row = rowAt(rowCount);
  store<f64>(row, value);
  store<i64>(row, timestamp, 8);
  store<i64>(row, startTimestamp, 16);
  store<u32>(row, stale ? 1 : 0, 24);
  rowCount++;
  const at = seriesRecord(record);
  store<u32>(at, load<u32>(at, 32) + 1, 32);
  return row;
}

/** Appends a sample to series `record`; false when memory cannot grow. */
export function addSample(record: u32, value: f64, timestamp: i64, startTimestamp: i64, stale: bool): bool {
  return addRow(record, value, timestamp, startTimestamp, stale) != 0;
}

/**
 * Room for `count` more series of one group, one row each: the first new row, filled by groupRow, then
 * added to the group by addGroupRows; 0 when memory cannot grow. One reservation per point, not per
 * bucket (a classic histogram point has ~15).
 */
export function groupRows(count: u32): usize {
  if (!ensure(ROWS, <u64>(rowCount + count) * ROW_BYTES)) return 0;
  return rowAt(rowCount);
}

/**
 * Writes the series of extra value `extraValue` with its one sample at `row`. A group's samples share
 * the timestamps and staleness of their point (the writer reads them from its first row).
 */
// @ts-ignore: decorator
@inline export function groupRow(row: usize, extraValue: u32, value: f64, timestamp: i64, startTimestamp: i64, stale: bool): void {
  store<f64>(row, value);
  store<i64>(row, timestamp, 8);
  store<i64>(row, startTimestamp, 16);
  store<u32>(row, stale ? 1 : 0, 24);
  store<u32>(row, extraValue, 28);
}

/** Adds the `count` rows groupRows reserved and groupRow wrote to `group` (its rows must be the last ones). */
export function addGroupRows(group: u32, count: u32): void {
  rowCount += count;
  seriesCount += count;
  const at = seriesRecord(group);
  store<u32>(at, load<u32>(at, 32) + count, 32);
}

/** The series `set` + `name` with one sample: made, or DUPLICATE / NO_SERIES (see makeRecord). */
export function sampleSeries(set: u32, name: u32, value: f64, timestamp: i64, startTimestamp: i64, stale: bool, setIsNew: bool): u32 {
  const record = makeSeries(set, name, setIsNew);
  if (record >= DUPLICATE) return record;
  return addSample(record, value, timestamp, startTimestamp, stale) ? record : NO_SERIES;
}

/** The series of the last histogram written at [histogramBytes - length, histogramBytes). */
export function histogramSeries(set: u32, name: u32, length: u32, startTimestamp: i64, setIsNew: bool): u32 {
  const record = makeSeries(set, name, setIsNew);
  if (record >= DUPLICATE) return record;
  const at = seriesRecord(record);
  store<u32>(at, histogramBytes - length, 36);
  store<u32>(at, length, 40);
  store<i64>(at, startTimestamp, 56);
  histogramCount++;
  return record;
}

/** Room for `bytes` more histogram bytes; their start. 0 when memory cannot grow. */
export function histogramRoom(bytes: u32): usize {
  if (!ensure(HISTOGRAMS, <u64>histogramBytes + bytes + 16)) return 0;
  return start(HISTOGRAMS) + histogramBytes;
}

export function histogramWritten(length: u32): void {
  histogramBytes += length;
}

/** The last sample timestamp of series `record`, for fusedSample's time order check; i64.MIN_VALUE when none. */
export function lastTimestamp(record: u32): i64 {
  const at = seriesRecord(record);
  const rows = load<u32>(at, 32);
  if (rows == 0) return i64.MIN_VALUE;
  return load<i64>(rowAt(load<u32>(at, 28) + rows - 1), 8);
}

/** The record of key (`set`, `name`), a series or a group, or NO_SERIES (also when memory cannot grow). */
export function existingRecord(set: u32, name: u32): u32 {
  if (!indexRun(set)) return NO_SERIES;
  return find(set, name, hashKey(set, name));
}

/** Whether `record` is a group (else one series). */
export function isGroup(record: u32): bool {
  return load<u32>(seriesRecord(record), 8) != NO_LABEL;
}
