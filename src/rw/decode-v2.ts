import { ProtoReader, WireType } from '../protobuf/reader.js';
import { STALE_NAN_HIGH_BITS, STALE_NAN_LOW_BITS } from './types.js';
import type { BucketSpan, Exemplar, Histogram, Metadata, MetricType, ResetHint, Sample, TimeSeries, WriteRequest } from './types.js';

/**
 * Decodes `io.prometheus.write.v2.Request` bytes (symbols 4, timeseries 5) into plain objects, field
 * numbers as in proto/io/prometheus/write/v2/types.proto. Structure only: the spec's rules are checked
 * by validate-v2.ts. Unknown fields (e.g. rc.3's created_timestamp 6) are skipped.
 */
export function decodeWriteRequestV2(bytes: Uint8Array): WriteRequest {
  const reader = new ProtoReader(bytes);
  const request: WriteRequest = { symbols: [], timeseries: [] };
  while (reader.pos < bytes.length) {
    const tag = reader.tag();
    if (tag === ((4 << 3) | WireType.LEN)) request.symbols.push(reader.string());
    else if (tag === ((5 << 3) | WireType.LEN)) request.timeseries.push(decodeTimeSeries(reader, reader.lengthDelimitedEnd()));
    else reader.skip(tag & 7);
  }
  return request;
}

function decodeTimeSeries(reader: ProtoReader, end: number): TimeSeries {
  const series: TimeSeries = {
    labelsRefs: [],
    samples: [],
    histograms: [],
    exemplars: [],
    metadata: { type: 0, helpRef: 0, unitRef: 0 },
  };
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (1 << 3) | WireType.LEN:
      case (1 << 3) | WireType.VARINT:
        readRepeatedUint32(reader, tag & 7, series.labelsRefs);
        break;
      case (2 << 3) | WireType.LEN:
        series.samples.push(decodeSample(reader, reader.lengthDelimitedEnd()));
        break;
      case (3 << 3) | WireType.LEN:
        series.histograms.push(decodeHistogram(reader, reader.lengthDelimitedEnd()));
        break;
      case (4 << 3) | WireType.LEN:
        series.exemplars.push(decodeExemplar(reader, reader.lengthDelimitedEnd()));
        break;
      case (5 << 3) | WireType.LEN:
        series.metadata = decodeMetadata(reader, reader.lengthDelimitedEnd());
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  reader.endOf(end, 'timeseries');
  return series;
}

/** Whether the double just read at `at` has Prometheus's exact staleness-marker bits (a NaN). */
function staleBitsAt(reader: ProtoReader, at: number): boolean {
  return reader.view.getUint32(at, true) === STALE_NAN_LOW_BITS && reader.view.getUint32(at + 4, true) === STALE_NAN_HIGH_BITS;
}

/** RW2 Sample; also RW1's, which has the same fields 1-2 and no start time. */
export function decodeSample(reader: ProtoReader, end: number): Sample {
  const sample: Sample = { value: 0, timestamp: 0, startTimestamp: 0 };
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.I64)) {
      const at = reader.pos;
      sample.value = reader.double();
      // Only a NaN can be the marker: other values skip the bit check (and its allocation, before).
      if (Number.isNaN(sample.value) && staleBitsAt(reader, at)) sample.stale = true;
    } else if (tag === ((2 << 3) | WireType.VARINT)) sample.timestamp = int64Number(reader);
    else if (tag === ((3 << 3) | WireType.VARINT)) sample.startTimestamp = int64Number(reader);
    else reader.skip(tag & 7);
  }
  reader.endOf(end, 'sample');
  return sample;
}

function decodeExemplar(reader: ProtoReader, end: number): Exemplar {
  const exemplar: Exemplar = { labelsRefs: [], value: 0, timestamp: 0 };
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.LEN) || tag === ((1 << 3) | WireType.VARINT)) {
      readRepeatedUint32(reader, tag & 7, exemplar.labelsRefs);
    } else if (tag === ((2 << 3) | WireType.I64)) exemplar.value = reader.double();
    else if (tag === ((3 << 3) | WireType.VARINT)) exemplar.timestamp = int64Number(reader);
    else reader.skip(tag & 7);
  }
  reader.endOf(end, 'exemplar');
  return exemplar;
}

function decodeMetadata(reader: ProtoReader, end: number): Metadata {
  const metadata: Metadata = { type: 0, helpRef: 0, unitRef: 0 };
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.VARINT)) metadata.type = reader.varint32() as MetricType;
    else if (tag === ((3 << 3) | WireType.VARINT)) metadata.helpRef = reader.varint32();
    else if (tag === ((4 << 3) | WireType.VARINT)) metadata.unitRef = reader.varint32();
    else reader.skip(tag & 7);
  }
  reader.endOf(end, 'metadata');
  return metadata;
}

/** Also used for RW1 histograms, whose fields 1-15 are numbered the same. */
export function decodeHistogram(reader: ProtoReader, end: number): Histogram {
  const h: Histogram = {
    sum: 0,
    schema: 0,
    zeroThreshold: 0,
    negativeSpans: [],
    negativeDeltas: [],
    negativeCounts: [],
    positiveSpans: [],
    positiveDeltas: [],
    positiveCounts: [],
    resetHint: 0,
    timestamp: 0,
    customValues: [],
    startTimestamp: 0,
  };
  while (reader.pos < end) {
    const tag = reader.tag();
    const field = tag >>> 3;
    const wireType = tag & 7;
    switch (field) {
      case 1:
        reader.expect(WireType.VARINT, wireType, 'count_int');
        h.countInt = reader.varintNumber();
        h.countFloat = undefined;
        break;
      case 2:
        reader.expect(WireType.I64, wireType, 'count_float');
        h.countFloat = reader.double();
        h.countInt = undefined;
        break;
      case 3: {
        reader.expect(WireType.I64, wireType, 'sum');
        const at = reader.pos;
        h.sum = reader.double();
        if (Number.isNaN(h.sum) && staleBitsAt(reader, at)) h.stale = true;
        break;
      }
      case 4:
        reader.expect(WireType.VARINT, wireType, 'schema');
        h.schema = reader.sint32();
        break;
      case 5:
        reader.expect(WireType.I64, wireType, 'zero_threshold');
        h.zeroThreshold = reader.double();
        break;
      case 6:
        reader.expect(WireType.VARINT, wireType, 'zero_count_int');
        h.zeroCountInt = reader.varintNumber();
        h.zeroCountFloat = undefined;
        break;
      case 7:
        reader.expect(WireType.I64, wireType, 'zero_count_float');
        h.zeroCountFloat = reader.double();
        h.zeroCountInt = undefined;
        break;
      case 8:
        reader.expect(WireType.LEN, wireType, 'negative_spans');
        h.negativeSpans.push(decodeSpan(reader, reader.lengthDelimitedEnd()));
        break;
      case 9:
        readRepeatedSint64(reader, wireType, h.negativeDeltas);
        break;
      case 10:
        readRepeatedDouble(reader, wireType, h.negativeCounts);
        break;
      case 11:
        reader.expect(WireType.LEN, wireType, 'positive_spans');
        h.positiveSpans.push(decodeSpan(reader, reader.lengthDelimitedEnd()));
        break;
      case 12:
        readRepeatedSint64(reader, wireType, h.positiveDeltas);
        break;
      case 13:
        readRepeatedDouble(reader, wireType, h.positiveCounts);
        break;
      case 14:
        reader.expect(WireType.VARINT, wireType, 'reset_hint');
        h.resetHint = reader.varint32() as ResetHint;
        break;
      case 15:
        reader.expect(WireType.VARINT, wireType, 'timestamp');
        h.timestamp = int64Number(reader);
        break;
      case 16:
        readRepeatedDouble(reader, wireType, h.customValues);
        break;
      case 17:
        reader.expect(WireType.VARINT, wireType, 'start_timestamp');
        h.startTimestamp = int64Number(reader);
        break;
      default:
        reader.skip(wireType);
    }
  }
  reader.endOf(end, 'histogram');
  if (h.countInt === undefined && h.countFloat === undefined) h.countInt = 0;
  if (h.zeroCountInt === undefined && h.zeroCountFloat === undefined) h.zeroCountInt = 0;
  return h;
}

function decodeSpan(reader: ProtoReader, end: number): BucketSpan {
  const span: BucketSpan = { offset: 0, length: 0 };
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.VARINT)) span.offset = reader.sint32();
    else if (tag === ((2 << 3) | WireType.VARINT)) span.length = reader.varint32();
    else reader.skip(tag & 7);
  }
  reader.endOf(end, 'bucket span');
  return span;
}

/** int64 varint as a number (timestamps: exact for any real date). */
export function int64Number(reader: ProtoReader): number {
  const [lo, hi] = reader.varint64();
  return (hi | 0) * 4294967296 + lo;
}

export function readRepeatedUint32(reader: ProtoReader, wireType: number, out: number[]): void {
  if (wireType === WireType.VARINT) {
    out.push(reader.varint32());
    return;
  }
  const end = reader.lengthDelimitedEnd();
  while (reader.pos < end) out.push(reader.varint32());
  reader.endOf(end, 'packed uint32');
}

function readRepeatedSint64(reader: ProtoReader, wireType: number, out: number[]): void {
  if (wireType === WireType.VARINT) {
    out.push(reader.sint64Number());
    return;
  }
  reader.expect(WireType.LEN, wireType, 'packed sint64');
  const end = reader.lengthDelimitedEnd();
  while (reader.pos < end) out.push(reader.sint64Number());
  reader.endOf(end, 'packed sint64');
}

function readRepeatedDouble(reader: ProtoReader, wireType: number, out: number[]): void {
  if (wireType === WireType.I64) {
    out.push(reader.double());
    return;
  }
  reader.expect(WireType.LEN, wireType, 'packed double');
  const end = reader.lengthDelimitedEnd();
  while (reader.pos < end) out.push(reader.double());
  reader.endOf(end, 'packed double');
}
