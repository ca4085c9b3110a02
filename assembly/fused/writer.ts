// Writes the request's io.prometheus.write.v2.Request in one pass over its series, in the order they
// were made: each series' strings are numbered in first use (its labels in name order with `__name__`
// and `le`/`quantile` put in by rank, then help, then unit: the general path's numbering,
// assembly/request.ts numberSeries), then it is sized and written (as assembly/series.ts writeSeries
// does). The symbols field comes first in the request but is known only at the end: the series go after
// room for an upper bound of it, and the symbols are written last, ending where the first series
// begins, so nothing moves. On the 10k-point bench request (57,392 series) the writer's functions took
// 1.50 s of 200 profiled runs in two passes (number and size all series, then write them all) and
// 1.12 s in one, a quarter less: each series' rows, set and symbols are read while still in cache.
// A group's series (series.ts: a histogram point's buckets, a summary point's quantiles) are written
// from bytes made once per group (makeGroupBytes).
//
// writePiece writes a request of some of the series instead (encodeRequests' shards and pieces, in
// src/engine/fused-request.ts): the same writing, with its own symbols and set bytes, over a list of
// records and row ranges (a 2000-series piece may end inside a histogram point's buckets).

import { GROUP_BYTES, HISTOGRAMS, NUMBERED, OUTPUT, SET_BYTES, SYMBOL_OF, STRING_BYTES, capacity, ensure, start } from './regions';
import { setPairCount, setPairs, setWriterCache } from './label-sets';
import { copyBytes, varintSize, writeVarint } from '../varint';
import { metadataSize, sampleSize, staleOrDoubleSize, writeMetadata, writeSample, writeSampleTimestamps, writeStaleOrDouble } from '../series-fields';
import { NO_LABEL, ROW_BYTES, recordCount, rowAt, seriesRecord } from './series';
import { fusedStringByteLength, rankOf, stringLength, stringOffset } from './strings';


let numberedCount: u32 = 0;
/** The symbols field's bytes so far, symbols[0] "" included. */
let symbolBytes: u32 = 0;
/** Where the request starts in OUTPUT (the symbols' room is an upper bound) and its length. */
let outputOffset: u32 = 0;
let outputLength: u32 = 0;
let nameLabel: u32 = 0;

/** Starts a request whose `__name__` label is string `id`: no set has its bytes made yet. */
export function resetWriter(id: u32): void {
  nameLabel = id;
  setBytesLength = 0;
}
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

const UNKNOWN: u32 = 0xffffffff;
let setBytesLength: u32 = 0;

/** How many of the `count` pairs at `pairs` rank before label name `name`. */
function insertionPoint(pairs: usize, count: u32, name: u32): u32 {
  const rank = rankOf(name);
  let point: u32 = 0;
  while (point < count && rankOf(<u32>load<u64>(pairs + (<usize>point << 3))) < rank) point++;
  return point;
}

/** Where `__name__` goes among set `set`'s pairs: numberSet kept it in its writer cache, before any series of the set is written. */
// @ts-ignore: decorator
@inline function namePointOf(set: u32): u32 {
  return load<u32>(setWriterCache(set), 8);
}

/** Where `name` goes among set `set`'s pairs (the last name asked kept in its writer cache). */
function extraPointOf(set: u32, name: u32): u32 {
  const cache = setWriterCache(set);
  if (load<u32>(cache, 12) == name) return load<u32>(cache, 16);
  const point = insertionPoint(setPairs(set), setPairCount(set), name);
  store<u32>(cache, name, 12);
  store<u32>(cache, point, 16);
  return point;
}

/**
 * Forgets the set bytes made by the last write (they hold its symbols): only those sets' caches are
 * reset, as only the strings it numbered are (a request of 10k points has ~10k sets, a piece of 2000
 * series a few hundred).
 */
function forgetSetBytes(): void {
  const region = start(SET_BYTES);
  for (let at: u32 = 0; at < setBytesLength; at += load<u32>(region + at, 4)) store<u32>(setWriterCache(load<u32>(region + at)), UNKNOWN);
  setBytesLength = 0;
}

/** Copies the set's labels_refs bytes of its pairs [from, to) to `at` (its bytes made); returns the end. */
function copySetBytes(at: usize, set: u32, from: u32, to: u32): usize {
  const ends = start(SET_BYTES) + load<u32>(setWriterCache(set), 4);
  const bytes = ends + ((<usize>setPairCount(set) + 1) << 2);
  const a = load<u32>(ends + (<usize>from << 2));
  const b = load<u32>(ends + (<usize>to << 2));
  copyBytes(at, bytes + a, b - a);
  return at + (b - a);
}

/**
 * On a set's first series (`record`'s, that of row `firstRow` in a group), numbers the series' labels
 * in name order (the general path's numbering: its pairs with `__name__` and the group's `le` or
 * `quantile` put in by rank) and makes the set's labels_refs bytes; after it, the set's labels all
 * have their symbols. One pass over the pairs, which also finds where the put-ins go (the writer
 * cache's insertion points). False when memory cannot grow.
 *
 * The bytes: per set, its id and the chunk's length (u32 each, for forgetSetBytes), (pairs + 1) u32
 * byte ends, then its pairs' symbols as varints, at SET_BYTES + the offset kept in its writer cache
 * (with their size, which is UNKNOWN until then). A histogram point's ~17 series share them.
 */
function numberSet(record: usize, firstRow: u32): bool {
  const set = load<u32>(record);
  const cache = setWriterCache(set);
  if (load<u32>(cache) != UNKNOWN) return true;
  const name = load<u32>(record, 4);
  const extraName = load<u32>(record, 8);
  const pairs = setPairs(set);
  const count = setPairCount(set);
  const offset = setBytesLength;
  // Two symbol varints of at most 5 bytes per pair, 8 bytes for copyBytes to read past the end.
  if (!ensure(SET_BYTES, <u64>offset + 8 + ((<u64>count + 1) << 2) + <u64>count * 10 + 8)) return false;
  // The put-ins in rank order: `__name__` ranks before `le` and `quantile` (UTF-8: '_' < 'l' < 'q').
  let firstName = nameLabel;
  let firstValue = name;
  let secondName = extraName;
  let secondValue = extraName == NO_LABEL ? 0 : load<u32>(rowAt(firstRow), 28);
  if (secondName != NO_LABEL && rankOf(secondName) < rankOf(firstName)) {
    firstName = extraName;
    firstValue = secondValue;
    secondName = nameLabel;
    secondValue = name;
  }
  let firstRank = rankOf(firstName);
  let secondRank = secondName == NO_LABEL ? 0xffffffff : rankOf(secondName);
  const chunk = start(SET_BYTES) + offset;
  const ends = chunk + 8;
  let at = ends + ((<usize>count + 1) << 2);
  const bytes = at;
  store<u32>(ends, 0);
  for (let p: u32 = 0; p <= count; p++) {
    const pair = p < count ? load<u64>(pairs + (<usize>p << 3)) : 0;
    const rank = p < count ? rankOf(<u32>pair) : 0xffffffff;
    // The put-ins that rank before this pair (all of them after the last) go in here.
    while (firstRank < rank) {
      use(firstName);
      use(firstValue);
      if (firstName == nameLabel) store<u32>(cache, p, 8);
      else {
        store<u32>(cache, firstName, 12);
        store<u32>(cache, p, 16);
      }
      firstRank = secondRank;
      firstName = secondName;
      firstValue = secondValue;
      secondRank = 0xffffffff;
    }
    if (p == count) break;
    at = writeVarint(at, use(<u32>pair));
    at = writeVarint(at, use(<u32>(pair >> 32)));
    store<u32>(ends + ((<usize>p + 1) << 2), <u32>(at - bytes));
  }
  setBytesLength = <u32>(at - start(SET_BYTES)) + 8;
  store<u32>(chunk, set);
  store<u32>(chunk, setBytesLength - offset, 4);
  store<u32>(cache, <u32>(at - bytes));
  store<u32>(cache, offset + 8, 4);
  return true;
}

/** `at` in OUTPUT with room for `bytes` more and the slack after, OUTPUT grown (and `at` moved) if need be; 0 when memory cannot grow. */
function roomFor(at: usize, bytes: u64): usize {
  const used = <u64>(at - start(OUTPUT));
  // 16 bytes of slack after the last write: copyBytes and writeSample may write 7 past their end.
  if (used + bytes + 16 <= <u64>capacity(OUTPUT)) return at;
  if (!ensure(OUTPUT, used + bytes + 16)) return 0;
  return start(OUTPUT) + <usize>used;
}

function createdOf(record: usize): i64 {
  if (load<u32>(record, 32) > 0) return load<i64>(rowAt(load<u32>(record, 28)), 16);
  return load<u32>(record, 40) > 0 ? load<i64>(record, 56) : 0;
}

/** Writes the series of `record` (not a group) at `at`: its symbols numbered, sized, written. Returns the end, 0 when memory cannot grow. */
function writeSeries(at: usize, record: usize, withCreated: bool): usize {
  const set = load<u32>(record);
  const name = load<u32>(record, 4);
  const cache = setWriterCache(set);
  const labelsSize = load<u32>(cache) + varintSize(use(nameLabel)) + varintSize(use(name));
  const help = use(load<u32>(record, 20));
  const unit = use(load<u32>(record, 24));
  const type = load<u32>(record, 16);
  let size: u32 = 1 + varintSize(labelsSize) + labelsSize;
  const rowsStart = load<u32>(record, 28);
  const rowsEnd = rowsStart + load<u32>(record, 32);
  for (let r = rowsStart; r < rowsEnd; r++) {
    const row = rowAt(r);
    const inner = sampleSize(load<f64>(row), <u64>load<i64>(row, 8), <u64>load<i64>(row, 16), load<u32>(row, 24) != 0);
    size += 1 + varintSize(inner) + inner;
  }
  const histogramLength = load<u32>(record, 40);
  size += histogramLength;
  const metadata = metadataSize(type, help, unit);
  size += 1 + varintSize(metadata) + metadata;
  const created = withCreated ? createdOf(record) : 0;
  if (created != 0) size += 1 + varintSize(<u64>created);
  // The series' tag and length, then its bytes.
  at = roomFor(at, 6 + <u64>size);
  if (at == 0) return 0;
  store<u8>(at++, 0x2a);
  at = writeVarint(at, size);
  store<u8>(at++, 0x0a);
  at = writeVarint(at, labelsSize);
  // The set's bytes with `__name__` put in.
  const point = namePointOf(set);
  at = copySetBytes(at, set, 0, point);
  at = writeVarint(at, symbolOf(nameLabel));
  at = writeVarint(at, symbolOf(name));
  at = copySetBytes(at, set, point, setPairCount(set));
  for (let r = rowsStart; r < rowsEnd; r++) {
    const row = rowAt(r);
    at = writeSample(at, load<f64>(row), <u64>load<i64>(row, 8), <u64>load<i64>(row, 16), load<u32>(row, 24) != 0);
  }
  if (histogramLength > 0) {
    memory.copy(at, start(HISTOGRAMS) + load<u32>(record, 36), histogramLength);
    at += histogramLength;
  }
  return writeMetadata(at, type, help, unit, <u64>created);
}

// A group's series (series.ts) differ only in their extra label's value and their sample's value, so
// what they share is written once per group at GROUP_BYTES (makeGroupBytes): the labels_refs bytes
// before the extra value's symbol (the head) and after it (the tail), then the sample's timestamp
// fields, then the metadata field with created_timestamp (the suffix, ending every series).
let headLength: u32 = 0;
let tailLength: u32 = 0;
let timesLength: u32 = 0;
let suffixLength: u32 = 0;

/** Makes the shared bytes of the group of `set` + `name` + `extraName` (symbols numbered); false when memory cannot grow. */
function makeGroupBytes(set: u32, name: u32, extraName: u32, firstRow: usize, type: u32, help: u32, unit: u32, created: u64): bool {
  // The set's bytes, three symbols, two timestamps, the metadata and 8 bytes for copyBytes to read past the end.
  if (!ensure(GROUP_BYTES, <u64>load<u32>(setWriterCache(set)) + 128)) return false;
  // `__name__` ranks before `le` and `quantile` (UTF-8 byte order: '_' < 'l' < 'q'): it goes in first.
  const namePoint = namePointOf(set);
  const extraPoint = extraPointOf(set, extraName);
  const group = start(GROUP_BYTES);
  let at = copyGroupSetBytes(group, set, 0, namePoint);
  at = writeVarint(at, symbolOf(nameLabel));
  at = writeVarint(at, symbolOf(name));
  at = copyGroupSetBytes(at, set, namePoint, extraPoint);
  at = writeVarint(at, symbolOf(extraName));
  headLength = <u32>(at - group);
  at = copyGroupSetBytes(at, set, extraPoint, setPairCount(set));
  tailLength = <u32>(at - group) - headLength;
  const suffix = at;
  // The group's GROUP_BYTES room covers the 7 bytes writeSampleTimestamps may write past its end.
  at = writeSampleTimestamps(at, <u64>load<i64>(firstRow, 8), <u64>load<i64>(firstRow, 16));
  timesLength = <u32>(at - suffix);
  at = writeMetadata(at, type, help, unit, created);
  suffixLength = <u32>(at - suffix);
  return true;
}

/** copySetBytes for makeGroupBytes, once per group: memory.copy is less code than copyBytes' loop. */
function copyGroupSetBytes(at: usize, set: u32, from: u32, to: u32): usize {
  const ends = start(SET_BYTES) + load<u32>(setWriterCache(set), 4);
  const bytes = ends + ((<usize>setPairCount(set) + 1) << 2);
  const a = load<u32>(ends + (<usize>from << 2));
  const b = load<u32>(ends + (<usize>to << 2));
  memory.copy(at, bytes + a, b - a);
  return at + (b - a);
}

/**
 * Writes the series of group `record`'s `rows` rows from row `from` at `at`, as writeSeries would one
 * by one. Returns the end, 0 when memory cannot grow.
 */
function writeGroup(at: usize, record: usize, from: u32, rows: u32, withCreated: bool): usize {
  const set = load<u32>(record);
  const name = load<u32>(record, 4);
  const extraName = load<u32>(record, 8);
  const firstRow = rowAt(from);
  // The first series numbers all the group shares, in a series' order: its put-in labels by name rank
  // (makeGroupBytes), help, unit. The later ones add only their extra value.
  use(nameLabel);
  use(name);
  use(extraName);
  use(load<u32>(firstRow, 28));
  const help = use(load<u32>(record, 20));
  const unit = use(load<u32>(record, 24));
  // A group's series are one point's: they share its start timestamp, their created timestamp.
  const created = withCreated ? <u64>load<i64>(firstRow, 16) : 0;
  if (!makeGroupBytes(set, name, extraName, firstRow, load<u32>(record, 16), help, unit, created)) return 0;
  const stale = load<u32>(firstRow, 24) != 0;
  const metadataLength = suffixLength - timesLength;
  for (let r: u32 = 0; r < rows; r++) {
    const row = firstRow + <usize>r * ROW_BYTES;
    const value = load<f64>(row);
    const symbol = use(load<u32>(row, 28));
    const labelsSize = headLength + varintSize(symbol) + tailLength;
    const sample = staleOrDoubleSize(value, stale) + timesLength;
    const size = 1 + varintSize(labelsSize) + labelsSize + 1 + varintSize(sample) + sample + metadataLength;
    at = roomFor(at, 6 + <u64>size);
    if (at == 0) return 0;
    const group = start(GROUP_BYTES);
    store<u8>(at++, 0x2a);
    at = writeVarint(at, size);
    store<u8>(at++, 0x0a);
    at = writeVarint(at, labelsSize);
    copyBytes(at, group, headLength);
    at = writeVarint(at + headLength, symbol);
    copyBytes(at, group + headLength, tailLength);
    at += tailLength;
    store<u8>(at++, 0x12); // samples 2
    at = writeVarint(at, sample);
    at = writeStaleOrDouble(at, 0x09, value, stale); // Sample value 1
    copyBytes(at, group + headLength + tailLength, suffixLength);
    at += suffixLength;
  }
  return at;
}

/** Where the series of the request being written start in OUTPUT, after room for its symbols. */
let seriesOffset: usize = 0;

/** Starts writing a request: the last one's symbols and set bytes forgotten. False when memory cannot grow. */
function beginWrite(idCount: u32): bool {
  if (!ensure(SYMBOL_OF, <u64>idCount << 2) || !ensure(NUMBERED, <u64>idCount << 2)) return false;
  // The last request's numbers go: only the ids it numbered were set.
  for (let i: u32 = 0; i < numberedCount; i++) store<u32>(start(SYMBOL_OF) + (<usize>load<u32>(start(NUMBERED) + (<usize>i << 2)) << 2), 0);
  numberedCount = 0;
  symbolBytes = 2;
  forgetSetBytes();
  // Room for the symbols: every string a symbol, each length varint as long as the longest can be.
  const stringBytes = fusedStringByteLength();
  const reserve = 2 + <u64>idCount * (1 + varintSize(stringBytes)) + stringBytes;
  if (!ensure(OUTPUT, reserve + 16)) return false;
  seriesOffset = <usize>reserve;
  return true;
}

/** Writes record `record`'s series (a group's `rows` rows from row `from`) at `at`; the end, 0 when memory cannot grow. */
// @ts-ignore: decorator
@inline function writeRecord(at: usize, record: usize, from: u32, rows: u32, withCreated: bool): usize {
  const isGroup = load<u32>(record, 8) != NO_LABEL;
  if (!numberSet(record, from)) return 0;
  return isGroup ? writeGroup(at, record, from, rows, withCreated) : writeSeries(at, record, withCreated);
}

/** Ends the request whose series end at `at`: its symbols before them. The symbol count, or -1 when too long. */
function endWrite(at: usize): i32 {
  const output = start(OUTPUT);
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

/**
 * Numbers the strings and writes the request at fusedOutputPointer(); returns the symbol count ("" included),
 * or -1 when memory cannot grow. `idCount`: string ids below it may be used.
 */
export function writeRequest(idCount: u32, withCreated: bool): i32 {
  if (!beginWrite(idCount)) return -1;
  let at = start(OUTPUT) + seriesOffset;
  for (let r: u32 = 0; r < recordCount; r++) {
    const record = seriesRecord(r);
    const rows = load<u32>(record, 32);
    // A group without series (none is made) writes nothing.
    if (rows == 0 && load<u32>(record, 8) != NO_LABEL) continue;
    at = writeRecord(at, record, load<u32>(record, 28), rows, withCreated);
    if (at == 0) return -1;
  }
  return endWrite(at);
}

/**
 * writeRequest of the `count` entries at `entries`, each three u32: a record, and for a group the
 * first of its rows to write (an index in all rows) and how many (else both ignored).
 */
export function writePiece(entries: usize, count: u32, idCount: u32, withCreated: bool): i32 {
  if (!beginWrite(idCount)) return -1;
  let at = start(OUTPUT) + seriesOffset;
  for (let e: u32 = 0; e < count; e++) {
    const entry = entries + <usize>e * 12;
    at = writeRecord(at, seriesRecord(load<u32>(entry)), load<u32>(entry, 4), load<u32>(entry, 8), withCreated);
    if (at == 0) return -1;
  }
  return endWrite(at);
}
