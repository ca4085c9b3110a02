// Walks one metric's data points straight from the OTLP bytes (the data message's contents, e.g. a
// Gauge's, at [start, end) of the request) and makes their series, as the general path's per-type
// translators do (src/translate/number.ts, histogram.ts, summary.ts, exponential-histogram.ts): same
// series in the same order, same values. Whatever the fast path does not settle (exemplars, a second
// point of a series, odd encodings, limits) declines the whole request.

import { BUCKETS, QUANTILES, ensure, start } from './regions';
import { BOUND_TEXTS, NO_FLOAT_LABEL, QUANTILE_TEXTS, cachedText, isKnownLayout, labelOfFloatAt } from './float-labels';
import { NO_SET, setWasAdded } from './label-sets';
import {
  BATCH_POINTS, addAttribute, batchHasRoom, beginPoint, clearBatch, clearDeclined, declined, prefetchBatch, preparePointSet, preparedSet, setPutInName,
} from './point-labels';
import {
  DUPLICATE, ROW_BYTES, addGroupRows, groupRow, groupRows, histogramRoom, histogramSeries, histogramWritten, makeGroup, sampleSeries,
} from './series';
import { I64, LEN, VARINT, enter, lengthEnd, readFixed64, readVarint, resetMalformed, setCursor, setLimit, skipField, zigzag32 } from './wire';
import * as wire from './wire';
import {
  MAX_EXACT_COUNT, MAX_SCHEMA, convertBucketsLayout, histogramBound, inexact, layoutDeltaBytes, layoutDeltaCount, layoutSpanCount, resetInexact, writeHistogram,
} from './exponential';

export const GAUGE: u32 = 0;
export const SUM: u32 = 1;
export const HISTOGRAM: u32 = 2;
export const EXPONENTIAL_HISTOGRAM: u32 = 3;
export const SUMMARY: u32 = 4;

/** Walk results (fusedWalkMetric). */
export const OK: i32 = 0;
export const DECLINE: i32 = 1;

/** FLAG_NO_RECORDED_VALUE: every value of the point is Prometheus's stale marker. */
const NO_RECORDED_VALUE: u32 = 1;
const CANONICAL_NAN: u64 = 0x7ff8000000000000;
/** Exponential buckets per side at most, and their offsets' range, so layouts stay in int32. */
const MAX_BUCKETS: u32 = 1 << 20;
const MAX_OFFSET: i32 = 1 << 29;
const MIN_SCALE: i32 = -4;

/** The series names and labels a metric's points use (string ids), set by JS before the walk. */
export const NAMES: usize = memory.data(32);
// @ts-ignore: decorator
@inline function nameId(field: u32): u32 { return load<u32>(NAMES + (<usize>field << 2)); }
const NAME: u32 = 0;
const SUM_NAME: u32 = 1;
const COUNT_NAME: u32 = 2;
const BUCKET_NAME: u32 = 3;
const LE: u32 = 4;
const QUANTILE: u32 = 5;
const INFINITY_TEXT: u32 = 6;

export let walkedPoints: u32 = 0;
export let earliest: i64 = 0;
export let latest: i64 = 0;

/** Point fields common to every type. */
let startMs: i64 = 0;
let timeMs: i64 = 0;
let flags: u32 = 0;
let failed: bool = false;

function nanosAsMillis(bits: u64): i64 {
  // Go's int64(ns) / 1e6, truncating (fixed64NanosAsMillis in src/protobuf/reader.ts).
  return <i64>bits / 1000000;
}

/** A value JS would keep bit for bit: NaN payloads other than the canonical one are declined. */
function checkValue(value: f64): void {
  if (value != value && reinterpret<u64>(value) != CANONICAL_NAN) failed = true;
}

function sample(set: u32, name: u32, value: f64): void {
  if (failed) return;
  checkValue(value);
  const stale = (flags & NO_RECORDED_VALUE) != 0;
  if (sampleSeries(set, name, value, timeMs, startMs, stale, setWasAdded) >= DUPLICATE) failed = true;
}

/** A new group for the point's `_bucket` or quantile series (series.ts); sets `failed` when it cannot be made. */
function group(set: u32, name: u32, extraName: u32): u32 {
  if (failed) return 0;
  const made = makeGroup(set, name, extraName, setWasAdded);
  if (made >= DUPLICATE) failed = true;
  return made;
}

/** Walks the data message at [from, to): its data_points (field 1) through `kind`'s point reader. */
export function walkMetric(kind: u32, from: usize, to: usize): i32 {
  walkedPoints = 0;
  earliest = i64.MAX_VALUE;
  latest = i64.MIN_VALUE;
  failed = false;
  clearDeclined();
  setPutInName(kind == HISTOGRAM ? nameId(LE) : kind == SUMMARY ? nameId(QUANTILE) : 0xffffffff);
  resetMalformed();
  const outerLimit = to;
  enter(from, to);
  // Points read and prepared (PENDING), their series not made yet.
  let batched: u32 = 0;
  clearBatch();
  batchQuantiles = 0;
  while (wire.cursor < outerLimit && !failed && !wire.malformed) {
    const tag = <u32>readVarint();
    if (tag == ((1 << 3) | LEN)) {
      const end = lengthEnd();
      if (wire.malformed) break;
      if (batched == BATCH_POINTS || !batchHasRoom()) {
        makeBatch(kind, batched);
        batched = 0;
        if (failed) break;
      }
      const next = end;
      setLimit(end);
      if (point(kind, batched)) batched++;
      setCursor(next);
      setLimit(outerLimit);
      walkedPoints++;
    } else skipField(tag & 7);
  }
  if (batched != 0 && !failed && !wire.malformed) makeBatch(kind, batched);
  if (failed || wire.malformed || declined) return DECLINE;
  return OK;
}

/**
 * Makes the series of the batch's `count` points, in order, their set table probes prefetched
 * together: at 100k points each probe is a cache miss, and a load waits for memory before the work
 * after it can finish, so misses a point apart are paid one by one, misses issued together once.
 */
function makeBatch(kind: u32, count: u32): void {
  prefetchBatch(count);
  for (let slot: u32 = 0; slot < count && !failed; slot++) makePoint(kind, slot);
  clearBatch();
  batchQuantiles = 0;
}

/** scanData's answers: the data message's last aggregation_temporality (2) and is_monotonic (3), low 32 bits. */
export let scannedTemporality: u32 = 0;
export let scannedMonotonic: u32 = 0;

/**
 * The number of data points (field 1) of the data message at [from, to), its fields 2 and 3 read, for
 * the decoder (src/otlp/decode-protobuf.ts): else it steps over each point itself, ~40 ns a point in
 * JS. -1 for any other field, a varint over 5 bytes or malformed bytes: the decoder then reads the
 * message and reports what is wrong.
 */
export function scanData(from: usize, to: usize): i32 {
  scannedTemporality = 0;
  scannedMonotonic = 0;
  resetMalformed();
  enter(from, to);
  let points: i32 = 0;
  while (wire.cursor < to) {
    // Every field it takes has a one-byte tag and a varint: the value, or the point's length.
    const tag = load<u8>(wire.cursor);
    const valueAt = wire.cursor + 1;
    setCursor(valueAt);
    const value = readVarint();
    if (wire.malformed || wire.cursor - valueAt > 5) return -1;
    if (tag == ((1 << 3) | LEN)) {
      if (value > <u64>(to - wire.cursor)) return -1;
      setCursor(wire.cursor + <usize>value);
      points++;
    } else if (tag == ((2 << 3) | VARINT)) scannedTemporality = <u32>value;
    else if (tag == ((3 << 3) | VARINT)) scannedMonotonic = <u32>value;
    else return -1;
  }
  return points;
}

/**
 * Reads a point and prepares it in batch slot `slot` (true): its series are made with the batch's
 * (makeBatch). False when it was not prepared (declined, or no series to make).
 */
function point(kind: u32, slot: u32): bool {
  beginPoint();
  startMs = 0;
  timeMs = 0;
  flags = 0;
  let prepared = false;
  if (kind == GAUGE || kind == SUM) prepared = numberPoint(slot);
  else if (kind == HISTOGRAM) prepared = histogramPoint(slot);
  else if (kind == SUMMARY) prepared = summaryPoint(slot);
  else prepared = exponentialPoint(slot);
  if (timeMs < earliest) earliest = timeMs;
  if (timeMs > latest) latest = timeMs;
  return prepared;
}

/**
 * A prepared point's fields, per batch slot: time i64, start i64, flags u32, at 20 whether it has a
 * sum u32 (an exponential histogram's scale i32), its value (a histogram's count) f64, sum f64, then
 * from 40: a classic histogram's counts and bounds, address u32 and count u32 each; a summary's first
 * quantile in QUANTILES and their count, u32 each; an exponential histogram's zero count u64 and its
 * positive and negative Buckets' input ranges, u32 each.
 */
const PENDING_BYTES: usize = 64;
const PENDING: usize = memory.data(<i32>(PENDING_BYTES * BATCH_POINTS));

// @ts-ignore: decorator
@inline function pendingAt(slot: u32): usize {
  return PENDING + <usize>slot * PENDING_BYTES;
}

/** Keeps the point's common fields and `value` in `slot`; its address. */
function keepPoint(slot: u32, value: f64): usize {
  const at = pendingAt(slot);
  store<i64>(at, timeMs);
  store<i64>(at, startMs, 8);
  store<u32>(at, flags, 16);
  store<f64>(at, value, 24);
  return at;
}

/** Makes the series of the point prepared in `slot`. */
function makePoint(kind: u32, slot: u32): void {
  const at = pendingAt(slot);
  timeMs = load<i64>(at);
  startMs = load<i64>(at, 8);
  flags = load<u32>(at, 16);
  const set = preparedSet(slot);
  if (set == NO_SET) return;
  if (kind == HISTOGRAM) {
    histogramSeriesOf(set, load<f64>(at, 24), load<u32>(at, 20) != 0, load<f64>(at, 32), <usize>load<u32>(at, 40), load<u32>(at, 44), <usize>load<u32>(at, 48), load<u32>(at, 52));
  } else if (kind == SUMMARY) summarySeriesOf(set, load<f64>(at, 24), load<f64>(at, 32), load<u32>(at, 40), load<u32>(at, 44));
  else if (kind == EXPONENTIAL_HISTOGRAM) {
    positiveFrom = <usize>load<u32>(at, 48);
    positiveTo = <usize>load<u32>(at, 52);
    negativeFrom = <usize>load<u32>(at, 56);
    negativeTo = <usize>load<u32>(at, 60);
    exponentialSeriesOf(set, <u64>load<f64>(at, 24), load<f64>(at, 32), load<i32>(at, 20), load<u64>(at, 40));
  } else sample(set, nameId(NAME), load<f64>(at, 24));
}

/** Fields 2 (start), 3 (time) and the flags field: true when `tag` was one of them. */
function commonField(tag: u32, flagsField: u32): bool {
  if (tag == ((2 << 3) | I64)) startMs = nanosAsMillis(readFixed64());
  else if (tag == ((3 << 3) | I64)) timeMs = nanosAsMillis(readFixed64());
  else if (tag == ((flagsField << 3) | VARINT)) flags = <u32>readVarint();
  else return false;
  return true;
}

function attribute(): void {
  const end = lengthEnd();
  if (wire.malformed) return;
  const at = wire.cursor;
  addAttribute(at, <u32>(end - at));
  setCursor(end);
}

/** NumberDataPoint: attributes 7, start 2, time 3, as_double 4, as_int 6, exemplars 5, flags 8. Prepared in `slot` (point). */
function numberPoint(slot: u32): bool {
  let value: f64 = 0;
  while (wire.cursor < wire.limit && !wire.malformed) {
    const tag = <u32>readVarint();
    if (tag == ((7 << 3) | LEN)) attribute();
    else if (commonField(tag, 8)) continue;
    else if (tag == ((4 << 3) | I64)) value = reinterpret<f64>(readFixed64());
    else if (tag == ((6 << 3) | I64)) value = <f64><i64>readFixed64();
    else if (tag == ((5 << 3) | LEN)) failed = true;
    else skipField(tag & 7);
  }
  if (wire.malformed || failed || !preparePointSet(slot)) return false;
  keepPoint(slot, value);
  return true;
}

/**
 * HistogramDataPoint: attributes 9, start 2, time 3, count 4, sum 5, bucket_counts 6, explicit_bounds
 * 7, exemplars 8, flags 10, min 11, max 12. Each repeated field in one packed piece (else declined).
 * Prepared in `slot` (point).
 */
function histogramPoint(slot: u32): bool {
  let count: f64 = 0;
  let sum: f64 = 0;
  let hasSum = false;
  let counts: usize = 0;
  let countN: u32 = 0;
  let bounds: usize = 0;
  let boundN: u32 = 0;
  while (wire.cursor < wire.limit && !wire.malformed) {
    const tag = <u32>readVarint();
    if (tag == ((9 << 3) | LEN)) attribute();
    else if (commonField(tag, 10)) continue;
    else if (tag == ((4 << 3) | I64)) count = <f64>readFixed64();
    else if (tag == ((5 << 3) | I64)) {
      sum = reinterpret<f64>(readFixed64());
      hasSum = true;
    } else if (tag == ((6 << 3) | LEN) || tag == ((7 << 3) | LEN)) {
      const end = lengthEnd();
      const bytes = <u32>(end - wire.cursor);
      if (wire.malformed || (bytes & 7) != 0) failed = true;
      else if (tag == ((6 << 3) | LEN)) {
        if (counts != 0) failed = true;
        counts = wire.cursor;
        countN = bytes >> 3;
      } else {
        if (bounds != 0) failed = true;
        bounds = wire.cursor;
        boundN = bytes >> 3;
      }
      setCursor(end);
    } else if ((tag >> 3) == 6 || (tag >> 3) == 7 || tag == ((8 << 3) | LEN)) failed = true;
    else skipField(tag & 7);
  }
  if (wire.malformed || failed || !preparePointSet(slot)) return false;
  const at = keepPoint(slot, count);
  store<u32>(at, hasSum ? 1 : 0, 20);
  store<f64>(at, sum, 32);
  store<u32>(at, <u32>counts, 40);
  store<u32>(at, countN, 44);
  store<u32>(at, <u32>bounds, 48);
  store<u32>(at, boundN, 52);
  return true;
}

/** The series of a classic histogram point of set `set` (its common fields in startMs, timeMs, flags). */
function histogramSeriesOf(set: u32, count: f64, hasSum: bool, sum: f64, counts: usize, countN: u32, bounds: usize, boundN: u32): void {
  if (hasSum) sample(set, nameId(SUM_NAME), sum);
  sample(set, nameId(COUNT_NAME), count);
  // Most points of a metric have the bounds of the point before: their texts known, checked already.
  const known = boundN == checkedBoundCount && isKnownLayout(BOUND_TEXTS, bounds, boundN);
  if (!known) {
    // A group's series are distinct only if its `le` texts are: bounds strictly increasing and the
    // last below +Inf; others go to the general path.
    for (let i: u32 = 0; i < boundN; i++) {
      const bound = load<f64>(bounds + (<usize>i << 3));
      if (!(bound < Infinity) || (i > 0 && !(bound > load<f64>(bounds + (<usize>(i - 1) << 3))))) {
        failed = true;
        return;
      }
    }
    checkedBoundCount = 0;
  }
  const bucketGroup = group(set, nameId(BUCKET_NAME), nameId(LE));
  const finite = min(boundN, countN);
  // Held across labelOfFloatAt's calls into JS: those grow the string regions only, never ROWS.
  const rows = groupRows(finite + 1);
  if (failed || rows == 0) {
    failed = true;
    return;
  }
  const stale = (flags & NO_RECORDED_VALUE) != 0;
  let cumulative: f64 = 0;
  for (let i: u32 = 0; i < boundN; i++) {
    // Every bound's text, as the general path formats them all (its `le` ids), used or not.
    const text = known ? cachedText(BOUND_TEXTS, i) : labelOfFloatAt(BOUND_TEXTS, i, load<f64>(bounds + (<usize>i << 3)));
    if (text == NO_FLOAT_LABEL) {
      failed = true;
      return;
    }
    if (i >= finite) continue;
    // Cumulative counts of u64s are never NaN: no checkValue.
    cumulative += <f64>load<u64>(counts + (<usize>i << 3));
    groupRow(rows + <usize>i * ROW_BYTES, text, cumulative, timeMs, startMs, stale);
  }
  checkedBoundCount = boundN;
  groupRow(rows + <usize>finite * ROW_BYTES, nameId(INFINITY_TEXT), count, timeMs, startMs, stale);
  addGroupRows(bucketGroup, finite + 1);
}

/**
 * How many bounds the last histogram point had, when they were checked and labelled whole: the first
 * that many positions of BOUND_TEXTS are its layout (a shorter layout since would have rewritten only some).
 */
let checkedBoundCount: u32 = 0;

/** Quantiles the batch's summary points put in QUANTILES (16 bytes each: quantile, value). */
let batchQuantiles: u32 = 0;

/**
 * SummaryDataPoint: attributes 7, start 2, time 3, count 4, sum 5, quantile_values 6, flags 8. Prepared
 * in `slot` (point), its quantiles after the batch's others in QUANTILES.
 */
function summaryPoint(slot: u32): bool {
  let count: f64 = 0;
  let sum: f64 = 0;
  const first = batchQuantiles;
  let quantiles: u32 = 0;
  while (wire.cursor < wire.limit && !wire.malformed) {
    const tag = <u32>readVarint();
    if (tag == ((7 << 3) | LEN)) attribute();
    else if (commonField(tag, 8)) continue;
    else if (tag == ((4 << 3) | I64)) count = <f64>readFixed64();
    else if (tag == ((5 << 3) | I64)) sum = reinterpret<f64>(readFixed64());
    else if (tag == ((6 << 3) | LEN)) {
      const end = lengthEnd();
      if (wire.malformed) return false;
      const outer = wire.limit;
      setLimit(end);
      let quantile: f64 = 0;
      let value: f64 = 0;
      while (wire.cursor < end && !wire.malformed) {
        const inner = <u32>readVarint();
        if (inner == ((1 << 3) | I64)) quantile = reinterpret<f64>(readFixed64());
        else if (inner == ((2 << 3) | I64)) value = reinterpret<f64>(readFixed64());
        else skipField(inner & 7);
      }
      setLimit(outer);
      if (!ensure(QUANTILES, <u64>(first + quantiles + 1) << 4)) {
        failed = true;
        return false;
      }
      const entry = start(QUANTILES) + (<usize>(first + quantiles) << 4);
      store<f64>(entry, quantile);
      store<f64>(entry, value, 8);
      quantiles++;
    } else skipField(tag & 7);
  }
  if (wire.malformed || failed || !preparePointSet(slot)) return false;
  batchQuantiles = first + quantiles;
  const at = keepPoint(slot, count);
  store<f64>(at, sum, 32);
  store<u32>(at, first, 40);
  store<u32>(at, quantiles, 44);
  return true;
}

/** The series of a summary point of set `set`: its quantiles are QUANTILES entries [first, first + quantiles). */
function summarySeriesOf(set: u32, count: f64, sum: f64, first: u32, quantiles: u32): void {
  sample(set, nameId(SUM_NAME), sum);
  sample(set, nameId(COUNT_NAME), count);
  if (quantiles == 0) return;
  const quantileGroup = group(set, nameId(NAME), nameId(QUANTILE));
  const rows = groupRows(quantiles);
  if (failed || rows == 0) {
    failed = true;
    return;
  }
  const stale = (flags & NO_RECORDED_VALUE) != 0;
  for (let q: u32 = 0; q < quantiles; q++) {
    const entry = start(QUANTILES) + (<usize>(first + q) << 4);
    // Distinct `quantile` texts, as for `le` above: strictly increasing quantiles, else declined.
    if (q > 0 && !(load<f64>(entry) > load<f64>(entry - 16))) {
      failed = true;
      return;
    }
    const text = labelOfFloatAt(QUANTILE_TEXTS, q, load<f64>(entry));
    if (text == NO_FLOAT_LABEL) {
      failed = true;
      return;
    }
    const value = load<f64>(entry, 8);
    checkValue(value);
    groupRow(rows + <usize>q * ROW_BYTES, text, value, timeMs, startMs, stale);
  }
  if (!failed) addGroupRows(quantileGroup, quantiles);
}

/** A Buckets message's range (the last one of its field wins, as in the decoder). */
let positiveFrom: usize = 0;
let positiveTo: usize = 0;
let negativeFrom: usize = 0;
let negativeTo: usize = 0;

/**
 * ExponentialHistogramDataPoint: attributes 1, start 2, time 3, count 4, sum 5, scale 6 (sint32),
 * zero_count 7, positive 8, negative 9, flags 10, exemplars 11, min 12, max 13, zero_threshold 14.
 * Prepared in `slot` (point): its Buckets are read from the input when its series are made.
 */
function exponentialPoint(slot: u32): bool {
  let count: u64 = 0;
  let sum: f64 = 0;
  let scale: i32 = 0;
  let zeroCount: u64 = 0;
  positiveFrom = 0;
  positiveTo = 0;
  negativeFrom = 0;
  negativeTo = 0;
  while (wire.cursor < wire.limit && !wire.malformed) {
    const tag = <u32>readVarint();
    if (tag == ((1 << 3) | LEN)) attribute();
    else if (commonField(tag, 10)) continue;
    else if (tag == ((4 << 3) | I64)) count = readFixed64();
    else if (tag == ((5 << 3) | I64)) sum = reinterpret<f64>(readFixed64());
    else if (tag == ((6 << 3) | VARINT)) scale = zigzag32(readVarint());
    else if (tag == ((7 << 3) | I64)) zeroCount = readFixed64();
    else if (tag == ((8 << 3) | LEN) || tag == ((9 << 3) | LEN)) {
      const end = lengthEnd();
      if (tag == ((8 << 3) | LEN)) {
        positiveFrom = wire.cursor;
        positiveTo = end;
      } else {
        negativeFrom = wire.cursor;
        negativeTo = end;
      }
      setCursor(end);
    } else if (tag == ((11 << 3) | LEN)) failed = true;
    else skipField(tag & 7);
  }
  if (wire.malformed || failed) return false;
  // A scale below -4 drops the metric in the general path; counts beyond 2^53 lose digits there.
  if (scale < MIN_SCALE || count >= MAX_EXACT_COUNT || zeroCount >= MAX_EXACT_COUNT) {
    failed = true;
    return false;
  }
  checkValue(sum);
  if (failed || !preparePointSet(slot)) return false;
  // count < 2^53: exact as f64.
  const at = keepPoint(slot, <f64>count);
  store<i32>(at, scale, 20);
  store<f64>(at, sum, 32);
  store<u64>(at, zeroCount, 40);
  store<u32>(at, <u32>positiveFrom, 48);
  store<u32>(at, <u32>positiveTo, 52);
  store<u32>(at, <u32>negativeFrom, 56);
  store<u32>(at, <u32>negativeTo, 60);
  return true;
}

/** The native histogram series of an exponential histogram point of set `set`; its Buckets' input ranges in positiveFrom .. negativeTo. */
function exponentialSeriesOf(set: u32, count: u64, sum: f64, scale: i32, zeroCount: u64): void {
  // Counts of both sides first, then both layouts after them, in BUCKETS.
  const room = <u64>(positiveTo - positiveFrom) + <u64>(negativeTo - negativeFrom);
  if (!ensure(BUCKETS, room * 8 * 6 + 64)) {
    failed = true;
    return;
  }
  const base = start(BUCKETS);
  const positiveCounts = base;
  const positiveOffset = readBuckets(positiveFrom, positiveTo, positiveCounts);
  const positiveN = bucketsRead;
  const negativeCounts = positiveCounts + (<usize>positiveN << 3);
  const negativeOffset = readBuckets(negativeFrom, negativeTo, negativeCounts);
  const negativeN = bucketsRead;
  if (failed) return;
  const schema = min(scale, MAX_SCHEMA);
  const scaleDown = scale - schema;
  const total = positiveN + negativeN;
  const positiveSpans = negativeCounts + (<usize>negativeN << 3);
  const negativeSpans = positiveSpans + (<usize>(positiveN + 1) << 3);
  const positiveDeltas = negativeSpans + (<usize>(negativeN + 1) << 3);
  const negativeDeltas = positiveDeltas + (<usize>(3 * positiveN + 1) << 3);
  resetInexact();
  convertBucketsLayout(positiveCounts, positiveN, positiveOffset, scaleDown, positiveSpans, positiveDeltas);
  const positiveSpanN = layoutSpanCount();
  const positiveDeltaN = layoutDeltaCount();
  const positiveDeltaBytes = layoutDeltaBytes();
  convertBucketsLayout(negativeCounts, negativeN, negativeOffset, scaleDown, negativeSpans, negativeDeltas);
  const negativeSpanN = layoutSpanCount();
  const negativeDeltaN = layoutDeltaCount();
  const negativeDeltaBytes = layoutDeltaBytes();
  if (inexact) {
    failed = true;
    return;
  }
  const out = histogramRoom(histogramBound(positiveSpanN + negativeSpanN, positiveDeltaN + negativeDeltaN + total));
  if (out == 0) {
    failed = true;
    return;
  }
  const stale = (flags & NO_RECORDED_VALUE) != 0;
  const length = writeHistogram(
    out, count, sum, schema, zeroCount, stale, timeMs, startMs,
    negativeSpans, negativeSpanN, negativeDeltas, negativeDeltaN, negativeDeltaBytes,
    positiveSpans, positiveSpanN, positiveDeltas, positiveDeltaN, positiveDeltaBytes,
  );
  histogramWritten(length);
  if (histogramSeries(set, nameId(NAME), length, startMs, setWasAdded) >= DUPLICATE) failed = true;
}

let bucketsRead: u32 = 0;

/** Buckets at [from, to): offset 1 (sint32), bucket_counts 2 (uint64 varints); counts to `out`, returns the offset. */
function readBuckets(from: usize, to: usize, out: usize): i32 {
  bucketsRead = 0;
  if (from == to) return 0;
  const outerCursor = wire.cursor;
  const outerLimit = wire.limit;
  enter(from, to);
  let offset: i32 = 0;
  while (wire.cursor < to && !wire.malformed) {
    const tag = <u32>readVarint();
    if (tag == ((1 << 3) | VARINT)) offset = zigzag32(readVarint());
    else if (tag == ((2 << 3) | LEN)) {
      const end = lengthEnd();
      setLimit(end);
      while (wire.cursor < end && !wire.malformed) pushCount(out, readVarint());
      setLimit(to);
    } else if (tag == ((2 << 3) | VARINT)) pushCount(out, readVarint());
    else skipField(tag & 7);
  }
  if (wire.malformed || bucketsRead > MAX_BUCKETS || offset > MAX_OFFSET || offset < -MAX_OFFSET) failed = true;
  setCursor(outerCursor);
  setLimit(outerLimit);
  return offset;
}

function pushCount(out: usize, count: u64): void {
  if (count >= MAX_EXACT_COUNT) failed = true;
  store<u64>(out + (<usize>bucketsRead << 3), count);
  bucketsRead++;
}
