// The request's series in the order they were first made (the general path's SeriesTable order),
// each with its sample rows or its one encoded histogram. A series is its set plus `__name__` and at
// most one more label (`le` or `quantile`); a second point of the same series is left to the general
// path (it orders and deduplicates samples), except the samples fusedSample appends in time order.
//
//   records  per series (64 bytes): set, name, extra name (NO_LABEL), extra value, metadata type, help
//            id, unit id, first row, row count, histogram offset, histogram length, labels size, series
//            size (writer), (pad), histogram start timestamp i64
//   rows     per sample (32 bytes): value f64, timestamp i64, start timestamp i64, stale u32
//   slots    u64, open addressing by (set, name, extra name, extra value): series index + 1 | hash << 32
//            (the hash first: a record compared is a cache miss, ~100 ns at 100k points)

import { finishHash, insertHashedSlot, mixWord } from './hash';
import { setSeriesRun } from './label-sets';
import { HISTOGRAMS, ROWS, SERIES, SERIES_SLOTS, ensure, ensureSlots, start } from './regions';

export const RECORD_BYTES: usize = 64;
export const ROW_BYTES: usize = 32;
export const NO_LABEL: u32 = 0xffffffff;
export const NO_SERIES: u32 = 0xffffffff;
/** The series exists already: its second point goes to the general path. */
export const DUPLICATE: u32 = 0xfffffffe;

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
  seriesCount = 0;
  rowCount = 0;
  histogramCount = 0;
  histogramBytes = 0;
  indexedCount = 0;
  if (slotCount != 0) memory.fill(start(SERIES_SLOTS), 0, <usize>slotCount << 3);
}

// @ts-ignore: decorator
@inline export function seriesRecord(series: u32): usize {
  return start(SERIES) + <usize>series * RECORD_BYTES;
}

// @ts-ignore: decorator
@inline function hashKey(set: u32, name: u32, extraName: u32, extraValue: u32): u32 {
  return finishHash(mixWord(mixWord(0x9e3779b97f4a7c15, <u64>set | (<u64>name << 32)), <u64>extraName | (<u64>extraValue << 32)));
}

/** The series with this key, or NO_SERIES. */
function find(set: u32, name: u32, extraName: u32, extraValue: u32, hash: u32): u32 {
  if (slotCount == 0) return NO_SERIES;
  const mask = slotCount - 1;
  const slots = start(SERIES_SLOTS);
  let slot = hash & mask;
  let entry = load<u64>(slots + (<usize>slot << 3));
  while (entry != 0) {
    const held = <u32>entry;
    if (<u32>(entry >> 32) == hash) {
      const record = seriesRecord(held - 1);
      if (load<u32>(record) == set && load<u32>(record, 4) == name && load<u32>(record, 8) == extraName && load<u32>(record, 12) == extraValue) return held - 1;
    }
    slot = (slot + 1) & mask;
    entry = load<u64>(slots + (<usize>slot << 3));
  }
  return NO_SERIES;
}

/** Puts `count` series from `first` in the hash; false when memory cannot grow. */
function index(first: u32, count: u32): bool {
  const slots = ensureSlots(SERIES_SLOTS, indexedCount + count, slotCount, 3);
  if (slots == 0) return false;
  if (slots != slotCount) {
    // Grown and cleared: every indexed series goes back in (their sets' runs say which).
    slotCount = slots;
    for (let s: u32 = 0; s < seriesCount; s++) {
      const indexed = load<u32>(setSeriesRun(load<u32>(seriesRecord(s))), 8) != 0;
      if (indexed && (s < first || s >= first + count)) insertSeries(s);
    }
  }
  for (let s = first; s < first + count; s++) insertSeries(s);
  indexedCount += count;
  return true;
}

function insertSeries(series: u32): void {
  const record = seriesRecord(series);
  insert(series, hashKey(load<u32>(record), load<u32>(record, 4), load<u32>(record, 8), load<u32>(record, 12)));
}

/** Series in the hash. */
let indexedCount: u32 = 0;

/**
 * A new series with the current metadata; DUPLICATE when it exists, NO_SERIES when memory cannot grow.
 * A set's series are hashed only once the set is met again (the prototype's measure: most sets are met
 * once, by one point whose series are distinct): until then they are its run, made back to back.
 * `setIsNew`: the set was made by this point.
 */
export function makeSeries(set: u32, name: u32, extraName: u32, extraValue: u32, setIsNew: bool = false): u32 {
  if (!ensure(SERIES, <u64>(seriesCount + 1) * RECORD_BYTES)) return NO_SERIES;
  const run = setSeriesRun(set);
  const series = seriesCount;
  if (setIsNew) {
    if (load<u32>(run, 4) == 0) store<u32>(run, series);
    store<u32>(run, load<u32>(run, 4) + 1, 4);
  } else {
    if (load<u32>(run, 8) == 0) {
      store<u32>(run, 1, 8);
      if (!index(load<u32>(run), load<u32>(run, 4))) return NO_SERIES;
    }
    const hash = hashKey(set, name, extraName, extraValue);
    if (find(set, name, extraName, extraValue, hash) != NO_SERIES) return DUPLICATE;
  }
  seriesCount++;
  const record = seriesRecord(series);
  store<u32>(record, set);
  store<u32>(record, name, 4);
  store<u32>(record, extraName, 8);
  store<u32>(record, extraValue, 12);
  store<u32>(record, metadataType, 16);
  store<u32>(record, metadataHelp, 20);
  store<u32>(record, metadataUnit, 24);
  store<u32>(record, rowCount, 28);
  store<u32>(record, 0, 32);
  store<u32>(record, 0, 36);
  store<u32>(record, 0, 40);
  store<i64>(record, 0, 56);
  if (!setIsNew && !index(series, 1)) return NO_SERIES;
  return series;
}

function insert(series: u32, hash: u32): void {
  insertHashedSlot(start(SERIES_SLOTS), slotCount, series, hash);
}

/** Appends a sample row to `series` (its rows must be the last ones); false when memory cannot grow. */
export function addRow(series: u32, value: f64, timestamp: i64, startTimestamp: i64, stale: bool): bool {
  if (!ensure(ROWS, <u64>(rowCount + 1) * ROW_BYTES)) return false;
  const row = start(ROWS) + <usize>rowCount * ROW_BYTES;
  store<f64>(row, value);
  store<i64>(row, timestamp, 8);
  store<i64>(row, startTimestamp, 16);
  store<u32>(row, stale ? 1 : 0, 24);
  rowCount++;
  const record = seriesRecord(series);
  store<u32>(record, load<u32>(record, 32) + 1, 32);
  return true;
}

/** The series `set` + `name` (+ extra) with one sample: made, or DUPLICATE / NO_SERIES (see makeSeries). */
export function sampleSeries(set: u32, name: u32, extraName: u32, extraValue: u32, value: f64, timestamp: i64, startTimestamp: i64, stale: bool, setIsNew: bool): u32 {
  const series = makeSeries(set, name, extraName, extraValue, setIsNew);
  if (series >= DUPLICATE) return series;
  return addRow(series, value, timestamp, startTimestamp, stale) ? series : NO_SERIES;
}

/** The series of the last histogram written at [histogramBytes - length, histogramBytes). */
export function histogramSeries(set: u32, name: u32, length: u32, startTimestamp: i64, setIsNew: bool): u32 {
  const series = makeSeries(set, name, NO_LABEL, 0, setIsNew);
  if (series >= DUPLICATE) return series;
  const record = seriesRecord(series);
  store<u32>(record, histogramBytes - length, 36);
  store<u32>(record, length, 40);
  store<i64>(record, startTimestamp, 56);
  histogramCount++;
  return series;
}

/** Room for `bytes` more histogram bytes; their start. 0 when memory cannot grow. */
export function histogramRoom(bytes: u32): usize {
  if (!ensure(HISTOGRAMS, <u64>histogramBytes + bytes + 16)) return 0;
  return start(HISTOGRAMS) + histogramBytes;
}

export function histogramWritten(length: u32): void {
  histogramBytes += length;
}

/** The last sample timestamp of `series`, for fusedSample's time order check; i64.MIN_VALUE when none. */
export function lastTimestamp(series: u32): i64 {
  const record = seriesRecord(series);
  const rows = load<u32>(record, 32);
  if (rows == 0) return i64.MIN_VALUE;
  return load<i64>(start(ROWS) + <usize>(load<u32>(record, 28) + rows - 1) * ROW_BYTES, 8);
}

/** The existing series `set` + `name` (no extra label), or NO_SERIES (also when memory cannot grow). */
export function existingSeries(set: u32, name: u32): u32 {
  const run = setSeriesRun(set);
  if (load<u32>(run, 8) == 0) {
    store<u32>(run, 1, 8);
    if (!index(load<u32>(run), load<u32>(run, 4))) return NO_SERIES;
  }
  return find(set, name, NO_LABEL, 0, hashKey(set, name, NO_LABEL, 0));
}
