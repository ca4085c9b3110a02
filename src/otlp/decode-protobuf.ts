import { WireError } from '../protobuf/errors.js';
import { ProtoReader, WireType } from '../protobuf/reader.js';
import { decodeKeyValue } from './decode-protobuf-common.js';
import { OtlpDecodeError } from './errors.js';
import type {
  ExponentialBuckets,
  ExponentialHistogramDataPoint,
  Exemplar,
  ExportMetricsRequest,
  HistogramDataPoint,
  KeyValue,
  Metric,
  MetricData,
  NumberDataPoint,
  QuantileValue,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from './model.js';

/**
 * Decodes an OTLP `ExportMetricsServiceRequest` (opentelemetry/proto/collector/metrics/v1) from
 * protobuf bytes. Field numbers are from opentelemetry/proto/metrics/v1/metrics.proto (see proto/).
 * Unknown fields are skipped, as protobuf requires; packed and unpacked repeated scalars are both read.
 */
export function decodeExportMetricsRequest(bytes: Uint8Array): ExportMetricsRequest {
  const reader = new ProtoReader(bytes);
  const where = new Where();
  const resourceMetrics: ResourceMetrics[] = [];
  try {
    while (reader.pos < bytes.length) {
      const tag = reader.tag();
      if (tag === ((1 << 3) | WireType.LEN)) {
        where.resource = resourceMetrics.length;
        resourceMetrics.push(decodeResourceMetrics(reader, reader.lengthDelimitedEnd(), where));
      } else reader.skip(tag & 7);
    }
  } catch (error) {
    if (error instanceof WireError) {
      throw new OtlpDecodeError(error.code, `${error.message} (byte ${error.offset})`, where.path(), error.offset);
    }
    throw error;
  }
  return { resourceMetrics };
}

/** The position being decoded, kept as plain numbers so the happy path pays only assignments. */
class Where {
  resource = -1;
  scope = -1;
  metric = -1;
  dataField = '';
  point = -1;

  path(): string {
    let path = '';
    if (this.resource < 0) return path;
    path += `resourceMetrics[${this.resource}]`;
    if (this.scope < 0) return path;
    path += `.scopeMetrics[${this.scope}]`;
    if (this.metric < 0) return path;
    path += `.metrics[${this.metric}]`;
    if (!this.dataField) return path;
    path += `.${this.dataField}`;
    if (this.point >= 0) path += `.dataPoints[${this.point}]`;
    return path;
  }
}

function decodeResourceMetrics(reader: ProtoReader, end: number, where: Where): ResourceMetrics {
  const result: ResourceMetrics = { resource: { attributes: [] }, schemaUrl: '', scopeMetrics: [] };
  where.scope = -1;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (1 << 3) | WireType.LEN: {
        // Resource: attributes (1)
        const resourceEnd = reader.lengthDelimitedEnd();
        while (reader.pos < resourceEnd) {
          const resourceTag = reader.tag();
          if (resourceTag === ((1 << 3) | WireType.LEN)) {
            result.resource.attributes.push(decodeKeyValue(reader, reader.lengthDelimitedEnd(), 0));
          } else reader.skip(resourceTag & 7);
        }
        reader.endOf(resourceEnd, 'resource');
        break;
      }
      case (2 << 3) | WireType.LEN:
        where.scope = result.scopeMetrics.length;
        result.scopeMetrics.push(decodeScopeMetrics(reader, reader.lengthDelimitedEnd(), where));
        break;
      case (3 << 3) | WireType.LEN:
        result.schemaUrl = reader.string();
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  reader.endOf(end, 'resourceMetrics');
  where.scope = -1;
  return result;
}

function decodeScopeMetrics(reader: ProtoReader, end: number, where: Where): ScopeMetrics {
  const result: ScopeMetrics = { scope: { name: '', version: '', attributes: [] }, schemaUrl: '', metrics: [] };
  where.metric = -1;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (1 << 3) | WireType.LEN: {
        // InstrumentationScope: name (1), version (2), attributes (3)
        const scopeEnd = reader.lengthDelimitedEnd();
        while (reader.pos < scopeEnd) {
          const scopeTag = reader.tag();
          if (scopeTag === ((1 << 3) | WireType.LEN)) result.scope.name = reader.string();
          else if (scopeTag === ((2 << 3) | WireType.LEN)) result.scope.version = reader.string();
          else if (scopeTag === ((3 << 3) | WireType.LEN)) {
            result.scope.attributes.push(decodeKeyValue(reader, reader.lengthDelimitedEnd(), 0));
          } else reader.skip(scopeTag & 7);
        }
        reader.endOf(scopeEnd, 'scope');
        break;
      }
      case (2 << 3) | WireType.LEN:
        where.metric = result.metrics.length;
        result.metrics.push(decodeMetric(reader, reader.lengthDelimitedEnd(), where));
        break;
      case (3 << 3) | WireType.LEN:
        result.schemaUrl = reader.string();
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  reader.endOf(end, 'scopeMetrics');
  where.metric = -1;
  return result;
}

function decodeMetric(reader: ProtoReader, end: number, where: Where): Metric {
  const metric: Metric = { name: '', description: '', unit: '', data: { type: 'empty' } };
  where.dataField = '';
  where.point = -1;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (1 << 3) | WireType.LEN:
        metric.name = reader.string();
        break;
      case (2 << 3) | WireType.LEN:
        metric.description = reader.string();
        break;
      case (3 << 3) | WireType.LEN:
        metric.unit = reader.string();
        break;
      case (5 << 3) | WireType.LEN:
        where.dataField = 'gauge';
        metric.data = decodeNumberMetric(reader, reader.lengthDelimitedEnd(), where, 'gauge');
        break;
      case (7 << 3) | WireType.LEN:
        where.dataField = 'sum';
        metric.data = decodeNumberMetric(reader, reader.lengthDelimitedEnd(), where, 'sum');
        break;
      case (9 << 3) | WireType.LEN:
        where.dataField = 'histogram';
        metric.data = decodeHistogramMetric(reader, reader.lengthDelimitedEnd(), where);
        break;
      case (10 << 3) | WireType.LEN:
        where.dataField = 'exponentialHistogram';
        metric.data = decodeExponentialHistogramMetric(reader, reader.lengthDelimitedEnd(), where);
        break;
      case (11 << 3) | WireType.LEN:
        where.dataField = 'summary';
        metric.data = decodeSummaryMetric(reader, reader.lengthDelimitedEnd(), where);
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  reader.endOf(end, 'metric');
  where.dataField = '';
  where.point = -1;
  return metric;
}

/** Gauge (data_points 1) and Sum (data_points 1, aggregation_temporality 2, is_monotonic 3). */
function decodeNumberMetric(reader: ProtoReader, end: number, where: Where, type: 'gauge' | 'sum'): MetricData {
  const points: NumberDataPoint[] = [];
  let temporality = 0;
  let monotonic = false;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.LEN)) {
      where.point = points.length;
      points.push(decodeNumberDataPoint(reader, reader.lengthDelimitedEnd()));
    } else if (type === 'sum' && tag === ((2 << 3) | WireType.VARINT)) temporality = reader.varint32();
    else if (type === 'sum' && tag === ((3 << 3) | WireType.VARINT)) monotonic = reader.bool();
    else reader.skip(tag & 7);
  }
  reader.endOf(end, type);
  where.point = -1;
  return type === 'gauge' ? { type, points } : { type, points, temporality, monotonic };
}

function decodeHistogramMetric(reader: ProtoReader, end: number, where: Where): MetricData {
  const points: HistogramDataPoint[] = [];
  let temporality = 0;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.LEN)) {
      where.point = points.length;
      points.push(decodeHistogramDataPoint(reader, reader.lengthDelimitedEnd()));
    } else if (tag === ((2 << 3) | WireType.VARINT)) temporality = reader.varint32();
    else reader.skip(tag & 7);
  }
  reader.endOf(end, 'histogram');
  where.point = -1;
  return { type: 'histogram', points, temporality };
}

function decodeExponentialHistogramMetric(reader: ProtoReader, end: number, where: Where): MetricData {
  const points: ExponentialHistogramDataPoint[] = [];
  let temporality = 0;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.LEN)) {
      where.point = points.length;
      points.push(decodeExponentialHistogramDataPoint(reader, reader.lengthDelimitedEnd()));
    } else if (tag === ((2 << 3) | WireType.VARINT)) temporality = reader.varint32();
    else reader.skip(tag & 7);
  }
  reader.endOf(end, 'exponentialHistogram');
  where.point = -1;
  return { type: 'exponentialHistogram', points, temporality };
}

function decodeSummaryMetric(reader: ProtoReader, end: number, where: Where): MetricData {
  const points: SummaryDataPoint[] = [];
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.LEN)) {
      where.point = points.length;
      points.push(decodeSummaryDataPoint(reader, reader.lengthDelimitedEnd()));
    } else reader.skip(tag & 7);
  }
  reader.endOf(end, 'summary');
  where.point = -1;
  return { type: 'summary', points };
}

/** NumberDataPoint: attributes 7, start_time_unix_nano 2, time_unix_nano 3, as_double 4, as_int 6, exemplars 5, flags 8. */
function decodeNumberDataPoint(reader: ProtoReader, end: number): NumberDataPoint {
  const point: NumberDataPoint = { attributes: [], startTimeMs: 0, timeMs: 0, flags: 0, exemplars: [], value: 0 };
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (7 << 3) | WireType.LEN:
        point.attributes.push(decodeKeyValue(reader, reader.lengthDelimitedEnd(), 0));
        break;
      case (2 << 3) | WireType.I64:
        point.startTimeMs = reader.fixed64NanosAsMillis();
        break;
      case (3 << 3) | WireType.I64:
        point.timeMs = reader.fixed64NanosAsMillis();
        break;
      case (4 << 3) | WireType.I64:
        point.value = reader.double();
        break;
      case (6 << 3) | WireType.I64:
        point.value = reader.sfixed64Number();
        break;
      case (5 << 3) | WireType.LEN:
        point.exemplars.push(decodeExemplar(reader, reader.lengthDelimitedEnd()));
        break;
      case (8 << 3) | WireType.VARINT:
        point.flags = reader.varint32();
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  reader.endOf(end, 'dataPoint');
  return point;
}

/**
 * HistogramDataPoint: attributes 9, start_time 2, time 3, count 4, sum 5, bucket_counts 6 (fixed64),
 * explicit_bounds 7 (double), exemplars 8, flags 10, min 11, max 12.
 */
function decodeHistogramDataPoint(reader: ProtoReader, end: number): HistogramDataPoint {
  const point: HistogramDataPoint = {
    attributes: [],
    startTimeMs: 0,
    timeMs: 0,
    flags: 0,
    exemplars: [],
    count: 0,
    sum: undefined,
    bucketCounts: [],
    explicitBounds: [],
    min: undefined,
    max: undefined,
  };
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (9 << 3) | WireType.LEN:
        point.attributes.push(decodeKeyValue(reader, reader.lengthDelimitedEnd(), 0));
        break;
      case (2 << 3) | WireType.I64:
        point.startTimeMs = reader.fixed64NanosAsMillis();
        break;
      case (3 << 3) | WireType.I64:
        point.timeMs = reader.fixed64NanosAsMillis();
        break;
      case (4 << 3) | WireType.I64:
        point.count = reader.fixed64Number();
        break;
      case (5 << 3) | WireType.I64:
        point.sum = reader.double();
        break;
      case (6 << 3) | WireType.LEN:
      case (6 << 3) | WireType.I64:
        readRepeatedFixed64(reader, tag & 7, point.bucketCounts);
        break;
      case (7 << 3) | WireType.LEN:
      case (7 << 3) | WireType.I64:
        readRepeatedDouble(reader, tag & 7, point.explicitBounds);
        break;
      case (8 << 3) | WireType.LEN:
        point.exemplars.push(decodeExemplar(reader, reader.lengthDelimitedEnd()));
        break;
      case (10 << 3) | WireType.VARINT:
        point.flags = reader.varint32();
        break;
      case (11 << 3) | WireType.I64:
        point.min = reader.double();
        break;
      case (12 << 3) | WireType.I64:
        point.max = reader.double();
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  reader.endOf(end, 'dataPoint');
  return point;
}

/**
 * ExponentialHistogramDataPoint: attributes 1, start_time 2, time 3, count 4, sum 5, scale 6 (sint32),
 * zero_count 7, positive 8, negative 9, flags 10, exemplars 11, min 12, max 13, zero_threshold 14.
 */
function decodeExponentialHistogramDataPoint(reader: ProtoReader, end: number): ExponentialHistogramDataPoint {
  const point: ExponentialHistogramDataPoint = {
    attributes: [],
    startTimeMs: 0,
    timeMs: 0,
    flags: 0,
    exemplars: [],
    count: 0,
    sum: undefined,
    scale: 0,
    zeroCount: 0,
    zeroThreshold: 0,
    positive: { offset: 0, bucketCounts: [] },
    negative: { offset: 0, bucketCounts: [] },
    min: undefined,
    max: undefined,
  };
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (1 << 3) | WireType.LEN:
        point.attributes.push(decodeKeyValue(reader, reader.lengthDelimitedEnd(), 0));
        break;
      case (2 << 3) | WireType.I64:
        point.startTimeMs = reader.fixed64NanosAsMillis();
        break;
      case (3 << 3) | WireType.I64:
        point.timeMs = reader.fixed64NanosAsMillis();
        break;
      case (4 << 3) | WireType.I64:
        point.count = reader.fixed64Number();
        break;
      case (5 << 3) | WireType.I64:
        point.sum = reader.double();
        break;
      case (6 << 3) | WireType.VARINT:
        point.scale = reader.sint32();
        break;
      case (7 << 3) | WireType.I64:
        point.zeroCount = reader.fixed64Number();
        break;
      case (8 << 3) | WireType.LEN:
        point.positive = decodeBuckets(reader, reader.lengthDelimitedEnd());
        break;
      case (9 << 3) | WireType.LEN:
        point.negative = decodeBuckets(reader, reader.lengthDelimitedEnd());
        break;
      case (10 << 3) | WireType.VARINT:
        point.flags = reader.varint32();
        break;
      case (11 << 3) | WireType.LEN:
        point.exemplars.push(decodeExemplar(reader, reader.lengthDelimitedEnd()));
        break;
      case (12 << 3) | WireType.I64:
        point.min = reader.double();
        break;
      case (13 << 3) | WireType.I64:
        point.max = reader.double();
        break;
      case (14 << 3) | WireType.I64:
        point.zeroThreshold = reader.double();
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  reader.endOf(end, 'dataPoint');
  return point;
}

/** Buckets: offset 1 (sint32), bucket_counts 2 (uint64 varints). */
function decodeBuckets(reader: ProtoReader, end: number): ExponentialBuckets {
  const buckets: ExponentialBuckets = { offset: 0, bucketCounts: [] };
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.VARINT)) buckets.offset = reader.sint32();
    else if (tag === ((2 << 3) | WireType.LEN)) {
      const packedEnd = reader.lengthDelimitedEnd();
      while (reader.pos < packedEnd) buckets.bucketCounts.push(reader.varintNumber());
      reader.endOf(packedEnd, 'bucket_counts');
    } else if (tag === ((2 << 3) | WireType.VARINT)) buckets.bucketCounts.push(reader.varintNumber());
    else reader.skip(tag & 7);
  }
  reader.endOf(end, 'buckets');
  return buckets;
}

/** SummaryDataPoint: attributes 7, start_time 2, time 3, count 4, sum 5, quantile_values 6, flags 8. */
function decodeSummaryDataPoint(reader: ProtoReader, end: number): SummaryDataPoint {
  const point: SummaryDataPoint = {
    attributes: [],
    startTimeMs: 0,
    timeMs: 0,
    flags: 0,
    exemplars: [],
    count: 0,
    sum: 0,
    quantileValues: [],
  };
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (7 << 3) | WireType.LEN:
        point.attributes.push(decodeKeyValue(reader, reader.lengthDelimitedEnd(), 0));
        break;
      case (2 << 3) | WireType.I64:
        point.startTimeMs = reader.fixed64NanosAsMillis();
        break;
      case (3 << 3) | WireType.I64:
        point.timeMs = reader.fixed64NanosAsMillis();
        break;
      case (4 << 3) | WireType.I64:
        point.count = reader.fixed64Number();
        break;
      case (5 << 3) | WireType.I64:
        point.sum = reader.double();
        break;
      case (6 << 3) | WireType.LEN:
        point.quantileValues.push(decodeQuantile(reader, reader.lengthDelimitedEnd()));
        break;
      case (8 << 3) | WireType.VARINT:
        point.flags = reader.varint32();
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  reader.endOf(end, 'dataPoint');
  return point;
}

function decodeQuantile(reader: ProtoReader, end: number): QuantileValue {
  const quantile: QuantileValue = { quantile: 0, value: 0 };
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.I64)) quantile.quantile = reader.double();
    else if (tag === ((2 << 3) | WireType.I64)) quantile.value = reader.double();
    else reader.skip(tag & 7);
  }
  reader.endOf(end, 'quantileValue');
  return quantile;
}

/** Exemplar: filtered_attributes 7, time_unix_nano 2, as_double 3, as_int 6, span_id 4, trace_id 5. */
function decodeExemplar(reader: ProtoReader, end: number): Exemplar {
  const exemplar: Exemplar = { filteredAttributes: [] as KeyValue[], timeMs: 0, value: 0, hasValue: false, traceId: '', spanId: '' };
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (7 << 3) | WireType.LEN:
        exemplar.filteredAttributes.push(decodeKeyValue(reader, reader.lengthDelimitedEnd(), 0));
        break;
      case (2 << 3) | WireType.I64:
        exemplar.timeMs = reader.fixed64NanosAsMillis();
        break;
      case (3 << 3) | WireType.I64:
        exemplar.value = reader.double();
        exemplar.hasValue = true;
        break;
      case (6 << 3) | WireType.I64:
        exemplar.value = reader.sfixed64Number();
        exemplar.hasValue = true;
        break;
      case (4 << 3) | WireType.LEN:
        exemplar.spanId = toHex(reader.bytes());
        break;
      case (5 << 3) | WireType.LEN:
        exemplar.traceId = toHex(reader.bytes());
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  reader.endOf(end, 'exemplar');
  return exemplar;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]];
  return hex;
}

function readRepeatedFixed64(reader: ProtoReader, wireType: number, out: number[]): void {
  if (wireType === WireType.I64) {
    out.push(reader.fixed64Number());
    return;
  }
  const end = reader.lengthDelimitedEnd();
  while (reader.pos < end) out.push(reader.fixed64Number());
  reader.endOf(end, 'packed fixed64');
}

function readRepeatedDouble(reader: ProtoReader, wireType: number, out: number[]): void {
  if (wireType === WireType.I64) {
    out.push(reader.double());
    return;
  }
  const end = reader.lengthDelimitedEnd();
  while (reader.pos < end) out.push(reader.double());
  reader.endOf(end, 'packed double');
}
