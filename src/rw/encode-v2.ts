import { WireType } from '../protobuf/reader.js';
import type { ProtoWriter } from '../protobuf/writer.js';
import { STALE_NAN_HIGH_BITS, STALE_NAN_LOW_BITS } from './types.js';
import type { BucketSpan, Exemplar, Histogram, Sample, TimeSeries } from './types.js';

/** Where symbol bytes come from: a SymbolEngine's arena. */
export interface SymbolBytes {
  readonly size: number;
  arena(): Uint8Array;
  offsetOf(index: number): number;
  lengthOf(index: number): number;
}

export interface EncodeV2Options {
  /**
   * Also write spec rc.3's `TimeSeries.created_timestamp` (field 6, the first sample's start time) for
   * receivers before Prometheus 3.8, which read only that field. rc.4 reserves field 6.
   */
  createdTimestampField?: boolean;
}

/**
 * Writes an `io.prometheus.write.v2.Request`:
 *   symbols    4  repeated string     (symbols[0] == "")
 *   timeseries 5  repeated TimeSeries
 * Fields are written in ascending number order and zero scalars are omitted, as Prometheus's own
 * (gogoproto) marshalling does, so our bytes can be compared with Prometheus's.
 */
export function encodeWriteRequestV2(
  writer: ProtoWriter,
  symbols: SymbolBytes,
  timeseries: readonly TimeSeries[],
  options: EncodeV2Options = {},
): void {
  writeSymbols(writer, symbols);
  for (const series of timeseries) {
    writer.tag(5, WireType.LEN);
    writer.fork();
    encodeTimeSeries(writer, series, options);
    writer.join();
  }
}

/** Request.symbols (field 4), copied from the engine's arena. */
export function writeSymbols(writer: ProtoWriter, symbols: SymbolBytes): void {
  const arena = symbols.arena();
  for (let i = 0; i < symbols.size; i++) {
    const offset = symbols.offsetOf(i);
    const length = symbols.lengthOf(i);
    writer.tag(4, WireType.LEN);
    writer.varint32(length);
    // No subarray per symbol: a request cut in pieces writes its symbols once per piece.
    writer.rawRange(arena, offset, offset + length);
  }
}

/**
 * TimeSeries: labels_refs 1 (packed uint32), samples 2, histograms 3, exemplars 4, metadata 5
 * (always written: non-nullable in Prometheus), [created_timestamp 6: rc.3 only].
 */
function encodeTimeSeries(writer: ProtoWriter, series: TimeSeries, options: EncodeV2Options): void {
  writePackedUint32(writer, 1, series.labelsRefs);
  for (const sample of series.samples) {
    writer.tag(2, WireType.LEN);
    writer.fork();
    encodeSample(writer, sample);
    writer.join();
  }
  for (const histogram of series.histograms) {
    writer.tag(3, WireType.LEN);
    writer.fork();
    encodeHistogramFields(writer, histogram);
    writer.join();
  }
  for (const exemplar of series.exemplars) {
    writer.tag(4, WireType.LEN);
    writer.fork();
    encodeExemplar(writer, exemplar);
    writer.join();
  }
  const { type, helpRef, unitRef } = series.metadata;
  encodeMetadata(writer, type, helpRef, unitRef);
  if (options.createdTimestampField) {
    const first = series.samples[0] ?? series.histograms[0];
    if (first && first.startTimestamp !== 0) {
      writer.tag(6, WireType.VARINT);
      writer.int64(first.startTimestamp);
    }
  }
}

/** TimeSeries.metadata (field 5): type 1, help_ref 3, unit_ref 4; written even when empty. */
export function encodeMetadata(writer: ProtoWriter, type: number, helpRef: number, unitRef: number): void {
  writer.tag(5, WireType.LEN);
  writer.fork();
  if (type !== 0) {
    writer.tag(1, WireType.VARINT);
    writer.varint32(type);
  }
  if (helpRef !== 0) {
    writer.tag(3, WireType.VARINT);
    writer.varint32(helpRef);
  }
  if (unitRef !== 0) {
    writer.tag(4, WireType.VARINT);
    writer.varint32(unitRef);
  }
  writer.join();
}

/**
 * Sample: value 1 (double), timestamp 2 (int64), start_timestamp 3 (int64, rc.4). RW1's Sample has the
 * same fields 1-2 and no start time (`withStartTimestamp` false).
 */
export function encodeSample(writer: ProtoWriter, sample: Sample, withStartTimestamp = true): void {
  encodeSampleFields(writer, sample.value, sample.timestamp, sample.startTimestamp, sample.stale === true, withStartTimestamp);
}

/** encodeSample from a sample's parts (the builder stores samples column-wise). */
export function encodeSampleFields(writer: ProtoWriter, value: number, timestamp: number, startTimestamp: number, stale: boolean, withStartTimestamp: boolean): void {
  if (stale) {
    writer.tag(1, WireType.I64);
    writer.doubleBits(STALE_NAN_LOW_BITS, STALE_NAN_HIGH_BITS);
  } else if (value !== 0 || Number.isNaN(value)) {
    // `!== 0` also drops -0, as Go's `if m.Value != 0` does: -0 arrives as 0 either way.
    writer.tag(1, WireType.I64);
    writer.double(value);
  }
  writeInt64Field(writer, 2, timestamp);
  if (withStartTimestamp) writeInt64Field(writer, 3, startTimestamp);
}

/** Exemplar: labels_refs 1, value 2, timestamp 3. */
export function encodeExemplar(writer: ProtoWriter, exemplar: Exemplar): void {
  writePackedUint32(writer, 1, exemplar.labelsRefs);
  writeDoubleField(writer, 2, exemplar.value);
  writeInt64Field(writer, 3, exemplar.timestamp);
}

/**
 * Histogram: count_int 1 | count_float 2, sum 3, schema 4 (sint32), zero_threshold 5,
 * zero_count_int 6 | zero_count_float 7, negative_spans 8, negative_deltas 9 (sint64),
 * negative_counts 10, positive_spans 11, positive_deltas 12, positive_counts 13, reset_hint 14,
 * timestamp 15, custom_values 16, start_timestamp 17. Oneof members are written even when zero.
 */
export function encodeHistogramFields(writer: ProtoWriter, h: Histogram): void {
  if (h.countFloat !== undefined) {
    writer.tag(2, WireType.I64);
    writer.double(h.countFloat);
  } else if (h.stale) {
    // Prometheus writes a stale integer histogram's count as the stale NaN's bits read as a uint64
    // (9218868437227405314, beyond what a JS number holds exactly).
    writer.tag(1, WireType.VARINT);
    writer.varint64(STALE_NAN_LOW_BITS, STALE_NAN_HIGH_BITS);
  } else {
    writer.tag(1, WireType.VARINT);
    writer.int64(h.countInt ?? 0);
  }
  if (h.stale) {
    writer.tag(3, WireType.I64);
    writer.doubleBits(STALE_NAN_LOW_BITS, STALE_NAN_HIGH_BITS);
  } else writeDoubleField(writer, 3, h.sum);
  if (h.schema !== 0) {
    writer.tag(4, WireType.VARINT);
    writer.sint32(h.schema);
  }
  writeDoubleField(writer, 5, h.zeroThreshold);
  if (h.zeroCountFloat !== undefined) {
    writer.tag(7, WireType.I64);
    writer.double(h.zeroCountFloat);
  } else {
    writer.tag(6, WireType.VARINT);
    writer.int64(h.zeroCountInt ?? 0);
  }
  writeSpans(writer, 8, h.negativeSpans);
  writePackedSint64(writer, 9, h.negativeDeltas);
  writePackedDouble(writer, 10, h.negativeCounts);
  writeSpans(writer, 11, h.positiveSpans);
  writePackedSint64(writer, 12, h.positiveDeltas);
  writePackedDouble(writer, 13, h.positiveCounts);
  if (h.resetHint !== 0) {
    writer.tag(14, WireType.VARINT);
    writer.varint32(h.resetHint);
  }
  writeInt64Field(writer, 15, h.timestamp);
  writePackedDouble(writer, 16, h.customValues);
  writeInt64Field(writer, 17, h.startTimestamp);
}

/** BucketSpan: offset 1 (sint32), length 2 (uint32). */
function writeSpans(writer: ProtoWriter, field: number, spans: readonly BucketSpan[]): void {
  for (const span of spans) {
    writer.tag(field, WireType.LEN);
    writer.fork();
    if (span.offset !== 0) {
      writer.tag(1, WireType.VARINT);
      writer.sint32(span.offset);
    }
    if (span.length !== 0) {
      writer.tag(2, WireType.VARINT);
      writer.varint32(span.length);
    }
    writer.join();
  }
}

export function writeInt64Field(writer: ProtoWriter, field: number, value: number): void {
  if (value === 0) return;
  writer.tag(field, WireType.VARINT);
  writer.int64(value);
}

export function writeDoubleField(writer: ProtoWriter, field: number, value: number): void {
  if (value === 0) return;
  writer.tag(field, WireType.I64);
  writer.double(value);
}

export function writePackedUint32(writer: ProtoWriter, field: number, values: ArrayLike<number>): void {
  if (values.length === 0) return;
  writer.tag(field, WireType.LEN);
  writer.fork();
  for (let i = 0; i < values.length; i++) writer.varint32(values[i]);
  writer.join();
}

function writePackedSint64(writer: ProtoWriter, field: number, values: readonly number[]): void {
  if (values.length === 0) return;
  writer.tag(field, WireType.LEN);
  writer.fork();
  for (const value of values) writer.sint64(value);
  writer.join();
}

function writePackedDouble(writer: ProtoWriter, field: number, values: readonly number[]): void {
  if (values.length === 0) return;
  writer.tag(field, WireType.LEN);
  writer.varint32(values.length * 8);
  for (const value of values) writer.double(value);
}
