import { ByteSequenceCache } from '../protobuf/byte-sequence-cache.js';
import { type ProtoReader, WireType } from '../protobuf/reader.js';
import { decodeAttribute, keyValueStack } from './decode-protobuf-common.js';
import { DecodeStack } from './decode-stack.js';
import type {
  ExponentialBuckets,
  ExponentialHistogramDataPoint,
  Exemplar,
  HistogramDataPoint,
  NumberDataPoint,
  QuantileValue,
  SummaryDataPoint,
} from './model.js';

/*
 * The data points of opentelemetry/proto/metrics/v1/metrics.proto. Each decoder keeps the fields in
 * locals and builds its point with one object literal at the end: every point of a type then has the
 * same hidden class, and no placeholder (an empty array, default buckets) is allocated to be replaced.
 */

const exemplarStack = new DecodeStack<Exemplar>();

/**
 * Explicit bounds decoded before (in this request or an earlier one), by their packed bytes: a
 * histogram metric's points nearly always share one bucket layout, so they share one frozen array
 * instead of an array each, and the translator finds the layout unchanged by identity. Longer bounds
 * are decoded every time.
 */
const boundsCache = new ByteSequenceCache<number[]>();
const MAX_SHARED_BOUNDS_BYTES = 2048;
const quantileStack = new DecodeStack<QuantileValue>();
const numberStack = new DecodeStack<number>();

/** Call before and after each request: an aborted request leaves items behind. */
export function resetPointStacks(): void {
  exemplarStack.reset();
  quantileStack.reset();
  numberStack.reset();
}

/** NumberDataPoint: attributes 7, start_time_unix_nano 2, time_unix_nano 3, as_double 4, as_int 6, exemplars 5, flags 8. */
export function decodeNumberDataPoint(reader: ProtoReader, end: number): NumberDataPoint {
  const attributesMark = keyValueStack.mark();
  const exemplarsMark = exemplarStack.mark();
  let startTimeMs = 0;
  let timeMs = 0;
  let flags = 0;
  let value = 0;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (7 << 3) | WireType.LEN:
        keyValueStack.push(decodeAttribute(reader, reader.lengthDelimitedEnd()));
        break;
      case (2 << 3) | WireType.I64:
        startTimeMs = reader.fixed64NanosAsMillis();
        break;
      case (3 << 3) | WireType.I64:
        timeMs = reader.fixed64NanosAsMillis();
        break;
      case (4 << 3) | WireType.I64:
        value = reader.double();
        break;
      case (6 << 3) | WireType.I64:
        value = reader.sfixed64Number();
        break;
      case (5 << 3) | WireType.LEN:
        exemplarStack.push(decodeExemplar(reader, reader.lengthDelimitedEnd()));
        break;
      case (8 << 3) | WireType.VARINT:
        flags = reader.varint32();
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  reader.endOf(end, 'dataPoint');
  const attributes = keyValueStack.take(attributesMark);
  return { attributes, startTimeMs, timeMs, flags, exemplars: exemplarStack.take(exemplarsMark), value };
}

/**
 * HistogramDataPoint: attributes 9, start_time 2, time 3, count 4, sum 5, bucket_counts 6 (fixed64),
 * explicit_bounds 7 (double), exemplars 8, flags 10, min 11, max 12.
 */
export function decodeHistogramDataPoint(reader: ProtoReader, end: number): HistogramDataPoint {
  const attributesMark = keyValueStack.mark();
  const exemplarsMark = exemplarStack.mark();
  let startTimeMs = 0;
  let timeMs = 0;
  let flags = 0;
  let count = 0;
  let sum: number | undefined;
  let bucketCounts: number[] | undefined;
  let explicitBounds: number[] | undefined;
  let min: number | undefined;
  let max: number | undefined;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (9 << 3) | WireType.LEN:
        keyValueStack.push(decodeAttribute(reader, reader.lengthDelimitedEnd()));
        break;
      case (2 << 3) | WireType.I64:
        startTimeMs = reader.fixed64NanosAsMillis();
        break;
      case (3 << 3) | WireType.I64:
        timeMs = reader.fixed64NanosAsMillis();
        break;
      case (4 << 3) | WireType.I64:
        count = reader.fixed64Number();
        break;
      case (5 << 3) | WireType.I64:
        sum = reader.double();
        break;
      case (6 << 3) | WireType.LEN:
      case (6 << 3) | WireType.I64:
        bucketCounts = readRepeatedFixed64(reader, tag & 7, bucketCounts);
        break;
      case (7 << 3) | WireType.LEN:
      case (7 << 3) | WireType.I64:
        // A field in one packed piece (the usual form) may share its array; more pieces append to a copy.
        if (explicitBounds === undefined && tag === ((7 << 3) | WireType.LEN)) explicitBounds = readSharedBounds(reader);
        else explicitBounds = readRepeatedDouble(reader, tag & 7, explicitBounds !== undefined && Object.isFrozen(explicitBounds) ? explicitBounds.slice() : explicitBounds);
        break;
      case (8 << 3) | WireType.LEN:
        exemplarStack.push(decodeExemplar(reader, reader.lengthDelimitedEnd()));
        break;
      case (10 << 3) | WireType.VARINT:
        flags = reader.varint32();
        break;
      case (11 << 3) | WireType.I64:
        min = reader.double();
        break;
      case (12 << 3) | WireType.I64:
        max = reader.double();
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  reader.endOf(end, 'dataPoint');
  return {
    attributes: keyValueStack.take(attributesMark),
    startTimeMs,
    timeMs,
    flags,
    exemplars: exemplarStack.take(exemplarsMark),
    count,
    sum,
    bucketCounts: bucketCounts ?? [],
    explicitBounds: explicitBounds ?? [],
    min,
    max,
  };
}

/**
 * ExponentialHistogramDataPoint: attributes 1, start_time 2, time 3, count 4, sum 5, scale 6 (sint32),
 * zero_count 7, positive 8, negative 9, flags 10, exemplars 11, min 12, max 13, zero_threshold 14.
 */
export function decodeExponentialHistogramDataPoint(reader: ProtoReader, end: number): ExponentialHistogramDataPoint {
  const attributesMark = keyValueStack.mark();
  const exemplarsMark = exemplarStack.mark();
  let startTimeMs = 0;
  let timeMs = 0;
  let flags = 0;
  let count = 0;
  let sum: number | undefined;
  let scale = 0;
  let zeroCount = 0;
  let zeroThreshold = 0;
  let positive: ExponentialBuckets | undefined;
  let negative: ExponentialBuckets | undefined;
  let min: number | undefined;
  let max: number | undefined;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (1 << 3) | WireType.LEN:
        keyValueStack.push(decodeAttribute(reader, reader.lengthDelimitedEnd()));
        break;
      case (2 << 3) | WireType.I64:
        startTimeMs = reader.fixed64NanosAsMillis();
        break;
      case (3 << 3) | WireType.I64:
        timeMs = reader.fixed64NanosAsMillis();
        break;
      case (4 << 3) | WireType.I64:
        count = reader.fixed64Number();
        break;
      case (5 << 3) | WireType.I64:
        sum = reader.double();
        break;
      case (6 << 3) | WireType.VARINT:
        scale = reader.sint32();
        break;
      case (7 << 3) | WireType.I64:
        zeroCount = reader.fixed64Number();
        break;
      case (8 << 3) | WireType.LEN:
        positive = decodeBuckets(reader, reader.lengthDelimitedEnd());
        break;
      case (9 << 3) | WireType.LEN:
        negative = decodeBuckets(reader, reader.lengthDelimitedEnd());
        break;
      case (10 << 3) | WireType.VARINT:
        flags = reader.varint32();
        break;
      case (11 << 3) | WireType.LEN:
        exemplarStack.push(decodeExemplar(reader, reader.lengthDelimitedEnd()));
        break;
      case (12 << 3) | WireType.I64:
        min = reader.double();
        break;
      case (13 << 3) | WireType.I64:
        max = reader.double();
        break;
      case (14 << 3) | WireType.I64:
        zeroThreshold = reader.double();
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  reader.endOf(end, 'dataPoint');
  return {
    attributes: keyValueStack.take(attributesMark),
    startTimeMs,
    timeMs,
    flags,
    exemplars: exemplarStack.take(exemplarsMark),
    count,
    sum,
    scale,
    zeroCount,
    zeroThreshold,
    positive: positive ?? { offset: 0, bucketCounts: [] },
    negative: negative ?? { offset: 0, bucketCounts: [] },
    min,
    max,
  };
}

/** Buckets: offset 1 (sint32), bucket_counts 2 (uint64 varints). */
function decodeBuckets(reader: ProtoReader, end: number): ExponentialBuckets {
  const countsMark = numberStack.mark();
  let offset = 0;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.VARINT)) offset = reader.sint32();
    else if (tag === ((2 << 3) | WireType.LEN)) {
      const packedEnd = reader.lengthDelimitedEnd();
      while (reader.pos < packedEnd) numberStack.push(reader.varintNumber());
      reader.endOf(packedEnd, 'bucket_counts');
    } else if (tag === ((2 << 3) | WireType.VARINT)) numberStack.push(reader.varintNumber());
    else reader.skip(tag & 7);
  }
  reader.endOf(end, 'buckets');
  return { offset, bucketCounts: numberStack.take(countsMark) };
}

/** SummaryDataPoint: attributes 7, start_time 2, time 3, count 4, sum 5, quantile_values 6, flags 8. */
export function decodeSummaryDataPoint(reader: ProtoReader, end: number): SummaryDataPoint {
  const attributesMark = keyValueStack.mark();
  const quantilesMark = quantileStack.mark();
  let startTimeMs = 0;
  let timeMs = 0;
  let flags = 0;
  let count = 0;
  let sum = 0;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (7 << 3) | WireType.LEN:
        keyValueStack.push(decodeAttribute(reader, reader.lengthDelimitedEnd()));
        break;
      case (2 << 3) | WireType.I64:
        startTimeMs = reader.fixed64NanosAsMillis();
        break;
      case (3 << 3) | WireType.I64:
        timeMs = reader.fixed64NanosAsMillis();
        break;
      case (4 << 3) | WireType.I64:
        count = reader.fixed64Number();
        break;
      case (5 << 3) | WireType.I64:
        sum = reader.double();
        break;
      case (6 << 3) | WireType.LEN:
        quantileStack.push(decodeQuantile(reader, reader.lengthDelimitedEnd()));
        break;
      case (8 << 3) | WireType.VARINT:
        flags = reader.varint32();
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  reader.endOf(end, 'dataPoint');
  return {
    attributes: keyValueStack.take(attributesMark),
    startTimeMs,
    timeMs,
    flags,
    exemplars: [],
    count,
    sum,
    quantileValues: quantileStack.take(quantilesMark),
  };
}

function decodeQuantile(reader: ProtoReader, end: number): QuantileValue {
  let quantile = 0;
  let value = 0;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.I64)) quantile = reader.double();
    else if (tag === ((2 << 3) | WireType.I64)) value = reader.double();
    else reader.skip(tag & 7);
  }
  reader.endOf(end, 'quantileValue');
  return { quantile, value };
}

/** Exemplar: filtered_attributes 7, time_unix_nano 2, as_double 3, as_int 6, span_id 4, trace_id 5. */
function decodeExemplar(reader: ProtoReader, end: number): Exemplar {
  const attributesMark = keyValueStack.mark();
  let timeMs = 0;
  let value = 0;
  let hasValue = false;
  let traceId = '';
  let spanId = '';
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (7 << 3) | WireType.LEN:
        keyValueStack.push(decodeAttribute(reader, reader.lengthDelimitedEnd()));
        break;
      case (2 << 3) | WireType.I64:
        timeMs = reader.fixed64NanosAsMillis();
        break;
      case (3 << 3) | WireType.I64:
        value = reader.double();
        hasValue = true;
        break;
      case (6 << 3) | WireType.I64:
        value = reader.sfixed64Number();
        hasValue = true;
        break;
      case (4 << 3) | WireType.LEN:
        spanId = toHex(reader.bytes());
        break;
      case (5 << 3) | WireType.LEN:
        traceId = toHex(reader.bytes());
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  reader.endOf(end, 'exemplar');
  return { filteredAttributes: keyValueStack.take(attributesMark), timeMs, value, hasValue, traceId, spanId };
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]];
  return hex;
}

/**
 * A repeated fixed64, packed or not; a field may arrive in several pieces, appended in order. Whole
 * packed elements are read straight from the view (the length was checked against the buffer); a tail
 * shorter than 8 bytes is read as before, so it fails with the same error and offset.
 */
function readRepeatedFixed64(reader: ProtoReader, wireType: number, existing: number[] | undefined): number[] {
  const mark = numberStack.mark();
  if (wireType === WireType.I64) numberStack.push(reader.fixed64Number());
  else {
    const end = reader.lengthDelimitedEnd();
    const view = reader.view;
    let pos = reader.pos;
    for (; pos + 8 <= end; pos += 8) numberStack.push(view.getUint32(pos + 4, true) * 4294967296 + view.getUint32(pos, true));
    reader.pos = pos;
    while (reader.pos < end) numberStack.push(reader.fixed64Number());
    reader.endOf(end, 'packed fixed64');
  }
  return numberStack.takeOnto(mark, existing);
}

function readRepeatedDouble(reader: ProtoReader, wireType: number, existing: number[] | undefined): number[] {
  const mark = numberStack.mark();
  if (wireType === WireType.I64) numberStack.push(reader.double());
  else pushPackedDoubles(reader, reader.lengthDelimitedEnd());
  return numberStack.takeOnto(mark, existing);
}

/** A packed repeated double (the reader past its length) as a frozen array shared by equal bytes. */
function readSharedBounds(reader: ProtoReader): number[] {
  const end = reader.lengthDelimitedEnd();
  const start = reader.pos;
  if (end - start > MAX_SHARED_BOUNDS_BYTES) {
    const mark = numberStack.mark();
    pushPackedDoubles(reader, end);
    return numberStack.take(mark);
  }
  const slot = boundsCache.slot(reader.view, reader.buf, start, end);
  const cached = boundsCache.get(slot, reader.view, reader.buf, start, end);
  if (cached !== undefined) {
    reader.pos = end;
    return cached;
  }
  const mark = numberStack.mark();
  pushPackedDoubles(reader, end);
  const bounds = Object.freeze(numberStack.take(mark)) as number[];
  boundsCache.set(slot, reader.buf, start, end, bounds);
  return bounds;
}

/** Pushes the doubles of a packed field ending at `end`; whole ones straight from the view (see readRepeatedFixed64). */
function pushPackedDoubles(reader: ProtoReader, end: number): void {
  const view = reader.view;
  let pos = reader.pos;
  for (; pos + 8 <= end; pos += 8) numberStack.push(view.getFloat64(pos, true));
  reader.pos = pos;
  while (reader.pos < end) numberStack.push(reader.double());
  reader.endOf(end, 'packed double');
}
