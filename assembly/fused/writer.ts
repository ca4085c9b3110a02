// Writes the request's io.prometheus.write.v2.Request in one pass over its series, in the order they
// were made: each series' strings are numbered in first use (its labels in name order with `__name__`
// and `le`/`quantile` put in by rank, then help, then unit: the general path's numbering,
// assembly/request.ts numberSeries), then it is sized and written (as assembly/series.ts writeSeries
// does). The symbols field comes first in the request but is known only at the end: the series go after
// room for an upper bound of it, and the symbols are written last, ending where the first series
// begins, so nothing moves. On the 10k-point bench request (57,392 series) the writer's functions took
// 1.50 s of 200 profiled runs in two passes (number and size all series, then write them all) and
// 1.12 s in one, a quarter less: each series' rows, set and symbols are read while still in cache.

import { NUMBERED, OUTPUT, ROWS, SET_BYTES, SYMBOL_OF, STRING_BYTES, capacity, ensure, start } from './regions';
import { setPairCount, setPairs, setWriterCache } from './label-sets';
import { copyBytes } from '../varint';
import { metadataSize, sampleSize, writeMetadata, writeSample } from '../series-fields';
import { NO_LABEL, ROW_BYTES, histogramBytes, seriesCount, seriesRecord } from './series';
import { fusedStringByteLength, rankOf, stringLength, stringOffset } from './strings';
import { HISTOGRAMS } from './regions';
import { varintSize, writeVarint } from '../varint';


let numberedCount: u32 = 0;
/** The symbols field's bytes so far, symbols[0] "" included. */
let symbolBytes: u32 = 0;
/** Where the request starts in OUTPUT (the symbols' room is an upper bound) and its length. */
let outputOffset: u32 = 0;
let outputLength: u32 = 0;
let nameLabel: u32 = 0;

export function setNameLabel(id: u32): void { nameLabel = id; }
export function fusedSymbolCount(): u32 { return numberedCount + 1; }
export function fusedOutputPointer(): usize { return start(OUTPUT) + outputOffset; }
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
    const length = stringLength(id);
    symbolBytes += 1 + varintSize(length) + length;
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
 * The set's labels_refs bytes (its pairs' symbols as varints), made on its first series, once its
 * labels are numbered: per set, (pairs + 1) u32 byte ends then the bytes, at SET_BYTES + the offset
 * kept in its writer cache (with their size, which is UNKNOWN until then). A histogram point's ~17
 * series share them. False when memory cannot grow.
 */
function makeSetBytes(set: u32): bool {
  const pairs = setPairs(set);
  const count = setPairCount(set);
  const offset = setBytesLength;
  // Two symbol varints of at most 5 bytes per pair, 8 bytes for copyBytes to read past the end.
  if (!ensure(SET_BYTES, <u64>offset + ((<u64>count + 1) << 2) + <u64>count * 10 + 8)) return false;
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
  const cache = setWriterCache(set);
  store<u32>(cache, <u32>(at - bytes));
  store<u32>(cache, offset, 4);
  return true;
}

/** Series `record`'s labels_refs at `at` (its set's bytes made, putIns called): the set's bytes with the put-in labels between. */
function writeLabels(at: usize, record: usize): usize {
  const set = load<u32>(record);
  const cache = setWriterCache(set);
  const count = setPairCount(set);
  const pairs = setPairs(set);
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
  const ends = start(SET_BYTES) + load<u32>(cache, 4);
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


function createdOf(record: usize): i64 {
  if (load<u32>(record, 32) > 0) return load<i64>(start(ROWS) + <usize>load<u32>(record, 28) * ROW_BYTES, 16);
  return load<u32>(record, 40) > 0 ? load<i64>(record, 56) : 0;
}

/**
 * Numbers the strings and writes the request at fusedOutputPointer(); returns the symbol count ("" included),
 * or -1 when memory cannot grow. `idCount`: string ids below it may be used.
 */
export function writeRequest(idCount: u32, withCreated: bool): i32 {
  if (!ensure(SYMBOL_OF, <u64>idCount << 2) || !ensure(NUMBERED, <u64>idCount << 2)) return -1;
  // The last request's numbers go: only the ids it numbered were set.
  for (let i: u32 = 0; i < numberedCount; i++) store<u32>(start(SYMBOL_OF) + (<usize>load<u32>(start(NUMBERED) + (<usize>i << 2)) << 2), 0);
  numberedCount = 0;
  symbolBytes = 2;
  setBytesLength = 0;
  // Room for the symbols: every string a symbol, each length varint as long as the longest can be.
  const stringBytes = fusedStringByteLength();
  const reserve = 2 + <u64>idCount * (1 + varintSize(stringBytes)) + stringBytes;
  // 16 bytes of slack after the last write: copyBytes and writeSample may write 7 past their end.
  if (!ensure(OUTPUT, reserve + 16)) return -1;
  let output = start(OUTPUT);
  let room = output + capacity(OUTPUT);
  const seriesOffset = <usize>reserve;
  let at = output + seriesOffset;
  const histograms = start(HISTOGRAMS);
  for (let s: u32 = 0; s < seriesCount; s++) {
    const record = seriesRecord(s);
    const cache = setWriterCache(load<u32>(record));
    if (load<u32>(cache) == UNKNOWN) {
      // The set's first series: every label in order; after it, the set's labels all have their symbols.
      const n = mergeLabels(record);
      for (let l: u32 = 0; l < n; l++) use(load<u32>(LABELS + (<usize>l << 2)));
      if (!makeSetBytes(load<u32>(record))) return -1;
    }
    putIns(record);
    let labelsSize = load<u32>(cache) + varintSize(use(putFirstName)) + varintSize(use(putFirstValue));
    if (putSecondName != NO_LABEL) labelsSize += varintSize(use(putSecondName)) + varintSize(use(putSecondValue));
    const help = use(load<u32>(record, 20));
    const unit = use(load<u32>(record, 24));
    const type = load<u32>(record, 16);
    let size: u32 = 1 + varintSize(labelsSize) + labelsSize;
    const rowsStart = load<u32>(record, 28);
    const rowsEnd = rowsStart + load<u32>(record, 32);
    for (let r = rowsStart; r < rowsEnd; r++) {
      const row = start(ROWS) + <usize>r * ROW_BYTES;
      const inner = sampleSize(load<f64>(row), <u64>load<i64>(row, 8), <u64>load<i64>(row, 16), load<u32>(row, 24) != 0);
      size += 1 + varintSize(inner) + inner;
    }
    const histogramLength = load<u32>(record, 40);
    size += histogramLength;
    const metadata = metadataSize(type, help, unit);
    size += 1 + varintSize(metadata) + metadata;
    const created = withCreated ? createdOf(record) : 0;
    if (created != 0) size += 1 + varintSize(<u64>created);
    // The series' tag and length, then its bytes and the slack.
    if (<u64>(at - output) + 6 + size + 16 > <u64>(room - output)) {
      const used = at - output;
      if (!ensure(OUTPUT, <u64>used + 6 + size + 16)) return -1;
      output = start(OUTPUT);
      room = output + capacity(OUTPUT);
      at = output + used;
    }
    store<u8>(at++, 0x2a);
    at = writeVarint(at, size);
    store<u8>(at++, 0x0a);
    at = writeVarint(at, labelsSize);
    at = writeLabels(at, record);
    for (let r = rowsStart; r < rowsEnd; r++) {
      const row = start(ROWS) + <usize>r * ROW_BYTES;
      at = writeSample(at, load<f64>(row), <u64>load<i64>(row, 8), <u64>load<i64>(row, 16), load<u32>(row, 24) != 0);
    }
    if (histogramLength > 0) {
      memory.copy(at, histograms + load<u32>(record, 36), histogramLength);
      at += histogramLength;
    }
    at = writeMetadata(at, type, help, unit, <u64>created);
  }
  const length = <u64>(at - output - seriesOffset) + symbolBytes;
  if (length > 0x7fffffff) return -1;
  outputOffset = <u32>(seriesOffset - symbolBytes);
  outputLength = <u32>length;
  // The symbols, ending where the first series begins (memory.copy: nothing written past a symbol).
  at = output + outputOffset;
  // RW2 spec: symbols[0] is "".
  store<u8>(at++, 0x22);
  store<u8>(at++, 0x00);
  const bytes = start(STRING_BYTES);
  for (let i: u32 = 0; i < numberedCount; i++) {
    const id = load<u32>(start(NUMBERED) + (<usize>i << 2));
    const stringBytesLength = stringLength(id);
    store<u8>(at++, 0x22);
    at = writeVarint(at, stringBytesLength);
    memory.copy(at, bytes + stringOffset(id), stringBytesLength);
    at += stringBytesLength;
  }
  return <i32>(numberedCount + 1);
}
