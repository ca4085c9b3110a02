// Writes the request's io.prometheus.write.v2.Request in two passes over its series, in the order
// they were made: the first numbers the strings in first use (each series' labels in name order with
// `__name__` and `le`/`quantile` put in by rank, then help, then unit: the general path's numbering,
// assembly/request.ts numberSeries) and sizes every series; the second writes the symbols and the
// series (as assembly/series.ts writeSeries does) once, at their final place.

import { NUMBERED, OUTPUT, ROWS, SET_BYTES, SYMBOL_OF, STRING_BYTES, ensure, start } from './regions';
import { setPairCount, setPairs, setWriterCache } from './label-sets';
import { copyBytes } from '../varint';
import { sampleSize, writeSample } from '../sample';
import { NO_LABEL, ROW_BYTES, histogramBytes, seriesCount, seriesRecord } from './series';
import { rankOf, stringLength, stringOffset } from './strings';
import { HISTOGRAMS } from './regions';
import { varintSize, writeVarint } from '../varint';


let numberedCount: u32 = 0;
let outputLength: u32 = 0;
let nameLabel: u32 = 0;

export function setNameLabel(id: u32): void { nameLabel = id; }
export function fusedSymbolCount(): u32 { return numberedCount + 1; }
export function fusedOutputPointer(): usize { return start(OUTPUT); }
export function fusedOutputLength(): u32 { return outputLength; }

/** The symbol of string `id`, numbering it on first use. */
function use(id: u32): u32 {
  if (id == 0) return 0;
  const slot = start(SYMBOL_OF) + (<usize>id << 2);
  let symbol = load<u32>(slot);
  if (symbol == 0) {
    store<u32>(start(NUMBERED) + (<usize>numberedCount << 2), id);
    numberedCount++;
    symbol = numberedCount;
    store<u32>(slot, symbol);
  }
  return symbol;
}

// @ts-ignore: decorator
@inline function symbolOf(id: u32): u32 {
  return id == 0 ? 0 : load<u32>(start(SYMBOL_OF) + (<usize>id << 2));
}

/**
 * The merged label ids of one series, name then value (filled by mergeLabels): room for 2046 labels,
 * the most src/engine/fused-request.ts lets a set have (MAX_SERIES_LABELS) with its two put-ins.
 */
const LABELS_MAX: u32 = 4096;
const LABELS: usize = memory.data(<i32>LABELS_MAX * 4);

/** Series `series`' labels in name order into LABELS; returns the id count. */
function mergeLabels(record: usize): u32 {
  const set = load<u32>(record);
  const pairs = setPairs(set);
  const pairCount = setPairCount(set);
  let firstName = nameLabel;
  let firstValue = load<u32>(record, 4);
  let secondName = load<u32>(record, 8);
  let secondValue = load<u32>(record, 12);
  if (secondName != NO_LABEL && rankOf(secondName) < rankOf(firstName)) {
    const name = firstName;
    const value = firstValue;
    firstName = secondName;
    firstValue = secondValue;
    secondName = name;
    secondValue = value;
  }
  let firstRank = rankOf(firstName);
  let secondRank = secondName == NO_LABEL ? 0xffffffff : rankOf(secondName);
  let n: u32 = 0;
  for (let p: u32 = 0; p < pairCount; p++) {
    const pair = load<u64>(pairs + (<usize>p << 3));
    const rank = rankOf(<u32>pair);
    if (firstRank < rank) {
      store<u32>(LABELS + (<usize>n << 2), firstName);
      store<u32>(LABELS + (<usize>n << 2), firstValue, 4);
      n += 2;
      firstRank = secondRank;
      firstName = secondName;
      firstValue = secondValue;
      secondRank = 0xffffffff;
      if (firstRank < rank) {
        store<u32>(LABELS + (<usize>n << 2), firstName);
        store<u32>(LABELS + (<usize>n << 2), firstValue, 4);
        n += 2;
        firstRank = 0xffffffff;
      }
    }
    store<u64>(LABELS + (<usize>n << 2), pair);
    n += 2;
  }
  if (firstRank != 0xffffffff) {
    store<u32>(LABELS + (<usize>n << 2), firstName);
    store<u32>(LABELS + (<usize>n << 2), firstValue, 4);
    n += 2;
    if (secondRank != 0xffffffff) {
      store<u32>(LABELS + (<usize>n << 2), secondName);
      store<u32>(LABELS + (<usize>n << 2), secondValue, 4);
      n += 2;
    }
  }
  return n;
}

const UNKNOWN: u32 = 0xffffffff;
let setBytesLength: u32 = 0;

/** The put-in labels of a series in name order (putIns): first name, value, second name (NO_LABEL: none), value. */
let putFirstName: u32 = 0;
let putFirstValue: u32 = 0;
let putSecondName: u32 = NO_LABEL;
let putSecondValue: u32 = 0;

function putIns(record: usize): void {
  putFirstName = nameLabel;
  putFirstValue = load<u32>(record, 4);
  putSecondName = load<u32>(record, 8);
  putSecondValue = load<u32>(record, 12);
  if (putSecondName != NO_LABEL && rankOf(putSecondName) < rankOf(putFirstName)) {
    putSecondName = putFirstName;
    putSecondValue = putFirstValue;
    putFirstName = load<u32>(record, 8);
    putFirstValue = load<u32>(record, 12);
  }
}

/** How many of the `count` pairs at `pairs` rank before label name `name`. */
function insertionPoint(pairs: usize, count: u32, name: u32): u32 {
  const rank = rankOf(name);
  let point: u32 = 0;
  while (point < count && rankOf(<u32>load<u64>(pairs + (<usize>point << 3))) < rank) point++;
  return point;
}

/**
 * The set's labels_refs bytes (its pairs' symbols as varints), made on its first series in the write
 * pass: per set, (pairs + 1) u32 byte ends then the bytes, at SET_BYTES + the returned offset (room
 * made by numberRequest). A histogram point's ~17 series share them.
 */
function setBytes(set: u32): u32 {
  const cache = setWriterCache(set);
  const known = load<u32>(cache, 4);
  if (known != UNKNOWN) return known;
  const pairs = setPairs(set);
  const count = setPairCount(set);
  const offset = setBytesLength;
  const ends = start(SET_BYTES) + offset;
  let at = ends + ((<usize>count + 1) << 2);
  const bytes = at;
  store<u32>(ends, 0);
  for (let p: u32 = 0; p < count; p++) {
    const pair = load<u64>(pairs + (<usize>p << 3));
    at = writeVarint(at, symbolOf(<u32>pair));
    at = writeVarint(at, symbolOf(<u32>(pair >> 32)));
    store<u32>(ends + ((<usize>p + 1) << 2), <u32>(at - bytes));
  }
  setBytesLength = <u32>(at - start(SET_BYTES)) + 8;
  store<u32>(cache, offset, 4);
  return offset;
}

/** Series `record`'s labels_refs at `at` (after numberRequest): its set's bytes with the put-in labels between. */
function writeLabels(at: usize, record: usize): usize {
  const set = load<u32>(record);
  const offset = setBytes(set);
  const cache = setWriterCache(set);
  const count = setPairCount(set);
  const pairs = setPairs(set);
  putIns(record);
  let namePoint = load<u32>(cache, 8);
  if (namePoint == UNKNOWN) {
    namePoint = insertionPoint(pairs, count, nameLabel);
    store<u32>(cache, namePoint, 8);
  }
  let firstPoint = namePoint;
  let secondPoint: u32 = count;
  if (putSecondName != NO_LABEL) {
    const extra = load<u32>(record, 8);
    let extraPoint: u32;
    if (load<u32>(cache, 12) == extra) extraPoint = load<u32>(cache, 16);
    else {
      extraPoint = insertionPoint(pairs, count, extra);
      store<u32>(cache, extra, 12);
      store<u32>(cache, extraPoint, 16);
    }
    // putIns ordered the two by rank: points follow the same order.
    firstPoint = putFirstName == nameLabel ? namePoint : extraPoint;
    secondPoint = putFirstName == nameLabel ? extraPoint : namePoint;
  }
  const ends = start(SET_BYTES) + offset;
  const bytes = ends + ((<usize>count + 1) << 2);
  const a = load<u32>(ends + (<usize>firstPoint << 2));
  const b = load<u32>(ends + (<usize>secondPoint << 2));
  const c = load<u32>(ends + (<usize>count << 2));
  copyBytes(at, bytes, a);
  at += a;
  at = writeVarint(at, symbolOf(putFirstName));
  at = writeVarint(at, symbolOf(putFirstValue));
  copyBytes(at, bytes + a, b - a);
  at += b - a;
  if (putSecondName != NO_LABEL) {
    at = writeVarint(at, symbolOf(putSecondName));
    at = writeVarint(at, symbolOf(putSecondValue));
  }
  copyBytes(at, bytes + b, c - b);
  return at + (c - b);
}

// @ts-ignore: decorator
@inline function optionalSize(value: u32): u32 {
  return value != 0 ? 1 + varintSize(value) : 0;
}

/** The labels_refs bytes of set `set`'s pairs (their symbols numbered). */
function setPairsSize(set: u32): u32 {
  const pairs = setPairs(set);
  let size: u32 = 0;
  for (let p: u32 = 0, count = setPairCount(set); p < count; p++) {
    const pair = load<u64>(pairs + (<usize>p << 3));
    size += varintSize(symbolOf(<u32>pair)) + varintSize(symbolOf(<u32>(pair >> 32)));
  }
  return size;
}

function createdOf(record: usize): i64 {
  if (load<u32>(record, 32) > 0) return load<i64>(start(ROWS) + <usize>load<u32>(record, 28) * ROW_BYTES, 16);
  return load<u32>(record, 40) > 0 ? load<i64>(record, 56) : 0;
}

/**
 * Numbers the strings and sizes the request; returns the symbol count ("" included), or -1 when
 * memory cannot grow. `idCount`: string ids below it may be used.
 */
export function numberRequest(idCount: u32, withCreated: bool): i32 {
  if (!ensure(SYMBOL_OF, <u64>idCount << 2) || !ensure(NUMBERED, <u64>idCount << 2)) return -1;
  // The last request's numbers go: only the ids it numbered were set.
  for (let i: u32 = 0; i < numberedCount; i++) store<u32>(start(SYMBOL_OF) + (<usize>load<u32>(start(NUMBERED) + (<usize>i << 2)) << 2), 0);
  numberedCount = 0;
  let setBytesTotal: u64 = 0;
  let total: u64 = 2;
  for (let s: u32 = 0; s < seriesCount; s++) {
    const record = seriesRecord(s);
    const cache = setWriterCache(load<u32>(record));
    let labelsSize: u32 = 0;
    if (load<u32>(cache) == UNKNOWN) {
      // The set's first series: every label in order; after it, the set's labels all have their symbols.
      const n = mergeLabels(record);
      for (let l: u32 = 0; l < n; l++) labelsSize += varintSize(use(load<u32>(LABELS + (<usize>l << 2))));
      const pairsSize = setPairsSize(load<u32>(record));
      store<u32>(cache, pairsSize);
      setBytesTotal += <u64>(setPairCount(load<u32>(record)) + 1) * 4 + pairsSize + 8;
    } else {
      putIns(record);
      labelsSize = load<u32>(cache) + varintSize(use(putFirstName)) + varintSize(use(putFirstValue));
      if (putSecondName != NO_LABEL) labelsSize += varintSize(use(putSecondName)) + varintSize(use(putSecondValue));
    }
    const help = use(load<u32>(record, 20));
    const unit = use(load<u32>(record, 24));
    const type = load<u32>(record, 16);
    let size: u32 = 1 + varintSize(labelsSize) + labelsSize;
    const rows = load<u32>(record, 32);
    for (let r = load<u32>(record, 28), end = r + rows; r < end; r++) {
      const row = start(ROWS) + <usize>r * ROW_BYTES;
      const inner = sampleSize(load<f64>(row), <u64>load<i64>(row, 8), <u64>load<i64>(row, 16), load<u32>(row, 24) != 0);
      size += 1 + varintSize(inner) + inner;
    }
    size += load<u32>(record, 40);
    const metadata = optionalSize(type) + optionalSize(help) + optionalSize(unit);
    size += 1 + varintSize(metadata) + metadata;
    if (withCreated) {
      const created = createdOf(record);
      if (created != 0) size += 1 + varintSize(<u64>created);
    }
    store<u32>(record, labelsSize, 44);
    store<u32>(record, size, 48);
    total += 1 + varintSize(size) + size;
  }
  for (let i: u32 = 0; i < numberedCount; i++) {
    const length = stringLength(load<u32>(start(NUMBERED) + (<usize>i << 2)));
    total += 1 + varintSize(length) + length;
  }
  if (total > 0x7fffffff || !ensure(OUTPUT, total + 16) || !ensure(SET_BYTES, setBytesTotal + 8)) return -1;
  outputLength = <u32>total;
  return <i32>(numberedCount + 1);
}

/** Writes the request numbered last (numberRequest) at fusedOutputPointer(). */
export function writeRequest(withCreated: bool): void {
  setBytesLength = 0;
  // The sets' bytes are remade per write (a set's cache offset from an earlier write is stale).
  for (let s: u32 = 0; s < seriesCount; s++) store<u32>(setWriterCache(load<u32>(seriesRecord(s))), UNKNOWN, 4);
  let at = start(OUTPUT);
  // RW2 spec: symbols[0] is "".
  store<u8>(at++, 0x22);
  store<u8>(at++, 0x00);
  const bytes = start(STRING_BYTES);
  for (let i: u32 = 0; i < numberedCount; i++) {
    const id = load<u32>(start(NUMBERED) + (<usize>i << 2));
    const length = stringLength(id);
    store<u8>(at++, 0x22);
    at = writeVarint(at, length);
    memory.copy(at, bytes + stringOffset(id), length);
    at += length;
  }
  const histograms = start(HISTOGRAMS);
  for (let s: u32 = 0; s < seriesCount; s++) {
    const record = seriesRecord(s);
    store<u8>(at++, 0x2a);
    at = writeVarint(at, load<u32>(record, 48));
    store<u8>(at++, 0x0a);
    at = writeVarint(at, load<u32>(record, 44));
    at = writeLabels(at, record);
    const rows = load<u32>(record, 32);
    for (let r = load<u32>(record, 28), end = r + rows; r < end; r++) {
      const row = start(ROWS) + <usize>r * ROW_BYTES;
      at = writeSample(at, load<f64>(row), <u64>load<i64>(row, 8), <u64>load<i64>(row, 16), load<u32>(row, 24) != 0);
    }
    const histogramLength = load<u32>(record, 40);
    if (histogramLength > 0) {
      memory.copy(at, histograms + load<u32>(record, 36), histogramLength);
      at += histogramLength;
    }
    const type = load<u32>(record, 16);
    const help = symbolOf(load<u32>(record, 20));
    const unit = symbolOf(load<u32>(record, 24));
    store<u8>(at++, 0x2a);
    at = writeVarint(at, optionalSize(type) + optionalSize(help) + optionalSize(unit));
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
    if (withCreated) {
      const created = createdOf(record);
      if (created != 0) {
        store<u8>(at++, 0x30);
        at = writeVarint(at, <u64>created);
      }
    }
  }
}
