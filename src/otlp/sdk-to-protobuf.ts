import type { HrTime } from '@opentelemetry/api';
import type {
  DataPoint,
  ExponentialHistogram,
  Histogram,
  MetricData,
  ResourceMetrics as SdkResourceMetrics,
  ScopeMetrics as SdkScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { MAX_UTF8_BYTES_PER_CODE_UNIT, writeUtf8 } from '../engine/utf8.js';
import { WireType } from '../protobuf/reader.js';
import { ProtoWriter, negativeInt64Halves, varint32Size } from '../protobuf/writer.js';
import { MAX_ANY_VALUE_DEPTH } from './decode-protobuf-common.js';
import { decodeExportMetricsRequest } from './decode-protobuf.js';
import { OtlpDecodeError, OtlpErrorCode } from './errors.js';
import type { ExportMetricsRequest } from './model.js';

/*
 * The OTel JS SDK's `ResourceMetrics` written as an OTLP ExportMetricsServiceRequest in protobuf: the
 * one input the builder's fast path (the WASM module walking OTLP bytes) reads, so an in-process
 * export costs what an OTLP request of the same data costs. The bytes decode to exactly what the
 * bytes otlp-transformer's `ProtobufMetricsSerializer` writes for the same data decode to
 * (test/otlp/sdk-to-protobuf.test.ts), so an application exporting in-process sees the series an OTLP
 * collector would. The serializer's conversions on the way to the wire are made the same way:
 *   - HrTime [seconds, nanos] -> fixed64 nanoseconds (mod 2^64, its 16-bit split);
 *   - descriptor.valueType INT -> as_int (sfixed64: truncated, wrapped to int64), else as_double;
 *   - counts -> fixed64 / uint64 varints; scale and offsets -> sint32;
 *   - attribute numbers: an integer in int64 range -> int_value, anything else -> double_value;
 *     null/undefined/functions/bigints -> an empty AnyValue; Uint8Array -> bytes; other objects -> kvlist;
 *   - strings are UTF-8 encoded, so lone surrogates become U+FFFD;
 *   - no exemplars, flags or zero_threshold (the SDK has none), no scope attributes unless present;
 *   - a histogram's sum, min and max only when they are numbers.
 *
 * Only types come from @opentelemetry/sdk-metrics and @opentelemetry/api: importing this module does not
 * load the SDK. The enum values below are therefore copied, and a test pins them to the SDK's.
 */

/** `DataPointType` (@opentelemetry/sdk-metrics). */
export const SdkDataPointType = { HISTOGRAM: 0, EXPONENTIAL_HISTOGRAM: 1, GAUGE: 2, SUM: 3 } as const;
/** `AggregationTemporality` (@opentelemetry/sdk-metrics): not the OTLP numbering. */
export const SdkAggregationTemporality = { DELTA: 0, CUMULATIVE: 1 } as const;
/** `ValueType` (@opentelemetry/api). */
export const SdkValueType = { INT: 0, DOUBLE: 1 } as const;

const { VARINT, I64, LEN } = WireType;
const TWO_POW_32 = 0x100000000;
/**
 * Encoded scalar point attributes kept per encoder (by key, then value): a metric's points repeat a
 * handful of keys and values, and an application's attribute sets change little between exports.
 * Past this many the cache starts over, so unbounded cardinality cannot grow it without end.
 */
const MAX_CACHED_ATTRIBUTES = 16_384;

/**
 * One SDK ResourceMetrics in the internal shape (src/otlp/model.ts), for `builder.addRequest()`: what
 * decoding the OTLP protobuf an exporter would send gives. `builder.add(encoder.encode(rm))` is faster.
 */
export function fromSdkResourceMetrics(resourceMetrics: SdkResourceMetrics): ExportMetricsRequest {
  return decodeExportMetricsRequest(new SdkMetricsEncoder().encode(resourceMetrics));
}

/**
 * Writes SDK ResourceMetrics as OTLP protobuf, reusing its buffer and its attribute cache across calls.
 * One instance per user (an exporter keeps one); not for concurrent use.
 */
export class SdkMetricsEncoder {
  private readonly out = new ProtoWriter(1 << 16);
  /** Each scalar point attribute's KeyValue message (length prefix included), by raw key then value. */
  private readonly keyValues = new Map<string, Map<unknown, Uint8Array>>();
  private cachedKeyValues = 0;
  /** Point attributes objects written before (all scalar), weakly: they live as long as the SDK keeps them. */
  private readonly writtenAttributes = new WeakMap<object, WrittenAttributes>();
  // The position being written, for the path in a "nested too deep" error.
  private scope = -1;
  private metric = -1;
  private dataField = '';
  private point = -1;

  /**
   * One ExportMetricsServiceRequest holding `resourceMetrics`, as a view of the encoder's buffer: valid
   * until the next encode() (builder.add() takes what it needs before it returns). Copying a request
   * of 10k points out was ~13% of encoding it.
   */
  encode(resourceMetrics: SdkResourceMetrics): Uint8Array {
    const out = this.out;
    out.reset();
    this.scope = -1;
    this.metric = -1;
    this.dataField = '';
    this.point = -1;
    out.tag(1, LEN);
    out.fork();
    this.resourceMetrics(resourceMetrics);
    out.join();
    return out.buf.subarray(0, out.pos);
  }

  /** ResourceMetrics: resource 1 (Resource: attributes 1), scope_metrics 2, schema_url 3. */
  private resourceMetrics(rm: SdkResourceMetrics): void {
    const out = this.out;
    const resource = rm.resource;
    out.tag(1, LEN);
    out.fork();
    this.attributes(1, resource.attributes);
    out.join();
    for (let s = 0; s < rm.scopeMetrics.length; s++) {
      this.scope = s;
      out.tag(2, LEN);
      out.fork();
      this.scopeMetrics(rm.scopeMetrics[s]);
      out.join();
    }
    if (resource.schemaUrl) this.stringField(3, resource.schemaUrl);
  }

  /** ScopeMetrics: scope 1 (InstrumentationScope: name 1, version 2, attributes 3), metrics 2, schema_url 3. */
  private scopeMetrics(sm: SdkScopeMetrics): void {
    const out = this.out;
    // core's InstrumentationScope has no attributes today; the serializer writes them if it ever does.
    const scope = sm.scope as SdkScopeMetrics['scope'] & { attributes?: Record<string, unknown> };
    out.tag(1, LEN);
    out.fork();
    this.stringField(1, scope.name);
    if (scope.version) this.stringField(2, scope.version);
    if (scope.attributes) this.attributes(3, scope.attributes);
    out.join();
    for (let m = 0; m < sm.metrics.length; m++) {
      this.metric = m;
      out.tag(2, LEN);
      out.fork();
      this.metricOf(sm.metrics[m]);
      out.join();
    }
    this.metric = -1;
    if (scope.schemaUrl) this.stringField(3, scope.schemaUrl);
  }

  /**
   * Metric: name 1, description 2, unit 3, then one data field: gauge 5, sum 7, histogram 9,
   * exponential_histogram 10. Sum: data_points 1, aggregation_temporality 2, is_monotonic 3; the
   * histograms: data_points 1, aggregation_temporality 2. An unknown type gets no data field:
   * translation reports it as unsupported.
   */
  private metricOf(metric: MetricData): void {
    const out = this.out;
    const { descriptor } = metric;
    this.stringField(1, descriptor.name);
    if (descriptor.description) this.stringField(2, descriptor.description);
    if (descriptor.unit) this.stringField(3, descriptor.unit);
    const temporality = otlpTemporality(metric.aggregationTemporality);
    switch (metric.dataPointType) {
      case SdkDataPointType.GAUGE:
        this.dataField = 'gauge';
        out.tag(5, LEN);
        out.fork();
        this.numberPoints(metric.dataPoints, descriptor.valueType === SdkValueType.INT);
        out.join();
        break;
      case SdkDataPointType.SUM:
        this.dataField = 'sum';
        out.tag(7, LEN);
        out.fork();
        this.numberPoints(metric.dataPoints, descriptor.valueType === SdkValueType.INT);
        this.temporality(temporality);
        if (metric.isMonotonic) {
          out.tag(3, VARINT);
          out.varint32(1);
        }
        out.join();
        break;
      case SdkDataPointType.HISTOGRAM:
        this.dataField = 'histogram';
        out.tag(9, LEN);
        out.fork();
        this.histogramPoints(metric.dataPoints);
        this.temporality(temporality);
        out.join();
        break;
      case SdkDataPointType.EXPONENTIAL_HISTOGRAM:
        this.dataField = 'exponentialHistogram';
        out.tag(10, LEN);
        out.fork();
        this.exponentialPoints(metric.dataPoints);
        this.temporality(temporality);
        out.join();
        break;
      default:
    }
    this.dataField = '';
    this.point = -1;
  }

  private temporality(temporality: number): void {
    if (temporality === 0) return;
    this.out.tag(2, VARINT);
    this.out.varint32(temporality);
  }

  /** NumberDataPoint: start_time_unix_nano 2, time_unix_nano 3, as_double 4, as_int 6, attributes 7. */
  private numberPoints(points: DataPoint<number>[], asInt: boolean): void {
    const out = this.out;
    for (let p = 0; p < points.length; p++) {
      const point = points[p];
      this.beginPoint(p, point);
      if (asInt) {
        out.tag(6, I64);
        writeInt64Bits(out, point.value);
      } else {
        out.tag(4, I64);
        out.double(point.value);
      }
      this.pointAttributes(7, point.attributes);
      out.join();
    }
  }

  /**
   * HistogramDataPoint: start_time 2, time 3, count 4, sum 5, bucket_counts 6 (packed fixed64),
   * explicit_bounds 7 (packed double), attributes 9, min 11, max 12.
   */
  private histogramPoints(points: DataPoint<Histogram>[]): void {
    const out = this.out;
    for (let p = 0; p < points.length; p++) {
      const point = points[p];
      const histogram = point.value;
      this.beginPoint(p, point);
      this.countAndSum(histogram);
      const counts = histogram.buckets.counts;
      if (counts.length > 0) {
        out.tag(6, LEN);
        out.varint32(counts.length * 8);
        for (let i = 0; i < counts.length; i++) writeFixed64Number(out, counts[i]);
      }
      const bounds = histogram.buckets.boundaries;
      if (bounds.length > 0) {
        out.tag(7, LEN);
        out.varint32(bounds.length * 8);
        for (let i = 0; i < bounds.length; i++) out.double(bounds[i]);
      }
      this.pointAttributes(9, point.attributes);
      this.optionalDouble(11, histogram.min);
      this.optionalDouble(12, histogram.max);
      out.join();
    }
  }

  /**
   * ExponentialHistogramDataPoint: attributes 1, start_time 2, time 3, count 4, sum 5, scale 6 (sint32),
   * zero_count 7, positive 8, negative 9, min 12, max 13. The SDK has no zero threshold.
   */
  private exponentialPoints(points: DataPoint<ExponentialHistogram>[]): void {
    const out = this.out;
    for (let p = 0; p < points.length; p++) {
      const point = points[p];
      const histogram = point.value;
      this.beginPoint(p, point);
      this.countAndSum(histogram);
      const scale = histogram.scale | 0;
      if (scale !== 0) {
        out.tag(6, VARINT);
        out.sint32(scale);
      }
      out.tag(7, I64);
      writeFixed64Number(out, histogram.zeroCount);
      this.buckets(8, histogram.positive);
      this.buckets(9, histogram.negative);
      this.pointAttributes(1, point.attributes);
      this.optionalDouble(12, histogram.min);
      this.optionalDouble(13, histogram.max);
      out.join();
    }
  }

  /** Buckets: offset 1 (sint32), bucket_counts 2 (packed uint64 varints). */
  private buckets(field: number, buckets: { offset: number; bucketCounts: number[] }): void {
    const out = this.out;
    out.tag(field, LEN);
    out.fork();
    const offset = buckets.offset | 0;
    if (offset !== 0) {
      out.tag(1, VARINT);
      out.sint32(offset);
    }
    const counts = buckets.bucketCounts;
    if (counts.length > 0) {
      out.tag(2, LEN);
      out.fork();
      for (let i = 0; i < counts.length; i++) writeUint64Varint(out, counts[i]);
      out.join();
    }
    out.join();
  }

  /**
   * Opens data point number `p` (data_points 1 of every data message) with its start_time_unix_nano 2
   * and time_unix_nano 3, fixed64 in every point type; the caller writes the rest and joins.
   */
  private beginPoint(p: number, point: DataPoint<unknown>): void {
    const out = this.out;
    this.point = p;
    out.tag(1, LEN);
    out.fork();
    out.tag(2, I64);
    writeHrTimeNanos(out, point.startTime);
    out.tag(3, I64);
    writeHrTimeNanos(out, point.endTime);
  }

  /** count 4 (fixed64) and sum 5 (when a number) of both histogram types. */
  private countAndSum(histogram: { count: number; sum?: number }): void {
    this.out.tag(4, I64);
    writeFixed64Number(this.out, histogram.count);
    this.optionalDouble(5, histogram.sum);
  }

  private optionalDouble(field: number, value: number | undefined): void {
    if (typeof value !== 'number') return;
    this.out.tag(field, I64);
    this.out.double(value);
  }

  private stringField(field: number, text: string): void {
    this.out.tag(field, LEN);
    writeString(this.out, text);
  }

  /**
   * A data point's attributes (KeyValue, repeated `field`). The SDK keeps each series' attributes
   * object across collections (cumulative temporality), so an object written before whose keys and
   * scalar values are unchanged is copied from its bytes; otherwise each scalar attribute (string,
   * number, boolean) is copied from its KeyValue written before, and arrays, kvlists and bytes are
   * written each time (they are mutable; an object holding one is not kept).
   */
  private pointAttributes(field: number, attributes: Record<string, unknown> | undefined): void {
    if (!attributes) return;
    const out = this.out;
    const written = this.writtenAttributes.get(attributes);
    if (written !== undefined && written.field === field && unchanged(attributes, written)) {
      out.rawRange(written.bytes, 0, written.bytes.length);
      return;
    }
    const start = out.pos;
    const keys: string[] = [];
    const values: unknown[] = [];
    let scalars = true;
    for (const key in attributes) {
      if (!Object.hasOwn(attributes, key)) continue;
      const value = attributes[key];
      const kind = typeof value;
      out.tag(field, LEN);
      if (kind !== 'string' && kind !== 'number' && kind !== 'boolean') {
        scalars = false;
        out.fork();
        this.keyValue(key, value, 0);
        out.join();
        continue;
      }
      keys.push(key);
      values.push(value);
      let byValue = this.keyValues.get(key);
      if (byValue === undefined) this.keyValues.set(key, (byValue = new Map()));
      // Map keys compare by SameValueZero: "1", 1 and true stay apart, and 0 and -0 (both int 0) meet.
      const encoded = byValue.get(value);
      if (encoded !== undefined) {
        out.rawRange(encoded, 0, encoded.length);
        continue;
      }
      const keyValueStart = out.pos;
      out.fork();
      this.keyValue(key, value, 0);
      out.join();
      this.cacheKeyValue(byValue, value, out.buf.slice(keyValueStart, out.pos));
    }
    if (scalars) this.writtenAttributes.set(attributes, { field, keys, values, bytes: out.buf.slice(start, out.pos) });
  }

  /** Keeps a scalar attribute's KeyValue (length prefix and body); the cache starts over when full. */
  private cacheKeyValue(byValue: Map<unknown, Uint8Array>, value: unknown, encoded: Uint8Array): void {
    if (this.cachedKeyValues >= MAX_CACHED_ATTRIBUTES) {
      for (const values of this.keyValues.values()) values.clear();
      this.cachedKeyValues = 0;
    }
    byValue.set(value, encoded);
    this.cachedKeyValues++;
  }

  /** Resource or scope attributes (KeyValue, repeated `field`): own enumerable keys in `for...in` order. */
  private attributes(field: number, attributes: Record<string, unknown> | undefined): void {
    if (!attributes) return;
    const out = this.out;
    for (const key in attributes) {
      if (!Object.hasOwn(attributes, key)) continue;
      out.tag(field, LEN);
      out.fork();
      this.keyValue(key, attributes[key], 0);
      out.join();
    }
  }

  /** KeyValue: key 1, value 2 (AnyValue). */
  private keyValue(key: string, value: unknown, depth: number): void {
    const out = this.out;
    this.stringField(1, key);
    out.tag(2, LEN);
    out.fork();
    this.anyValue(value, depth);
    out.join();
  }

  /**
   * AnyValue: string_value 1, bool_value 2, int_value 3, double_value 4, array_value 5 (values 1),
   * kvlist_value 6 (values 1), bytes_value 7; nothing for an empty value.
   */
  private anyValue(value: unknown, depth: number): void {
    // The protobuf decoder refuses deeper values; this also stops on a cyclic object.
    if (depth >= MAX_ANY_VALUE_DEPTH) {
      throw new OtlpDecodeError(OtlpErrorCode.TOO_DEEP, `attribute value nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`, this.path());
    }
    const out = this.out;
    switch (typeof value) {
      case 'string':
        this.stringField(1, value);
        return;
      case 'boolean':
        out.tag(2, VARINT);
        out.varint32(value ? 1 : 0);
        return;
      case 'number':
        // int64 range: -(2^63) <= n < 2^63, both exact doubles. Integers above 2^53 still fit.
        if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) {
          out.tag(3, VARINT);
          out.int64(value === 0 ? 0 : value);
        } else {
          out.tag(4, I64);
          out.double(value);
        }
        return;
      case 'object': {
        if (value === null) return;
        if (value instanceof Uint8Array) {
          out.tag(7, LEN);
          out.bytes(value);
          return;
        }
        if (Array.isArray(value)) {
          out.tag(5, LEN);
          out.fork();
          for (let i = 0; i < value.length; i++) {
            out.tag(1, LEN);
            out.fork();
            this.anyValue(value[i], depth + 1);
            out.join();
          }
          out.join();
          return;
        }
        const object = value as Record<string, unknown>;
        out.tag(6, LEN);
        out.fork();
        for (const key in object) {
          if (!Object.hasOwn(object, key)) continue;
          // A kvlist entry is a KeyValue one level down, as in the decoder.
          out.tag(1, LEN);
          out.fork();
          this.keyValue(key, object[key], depth + 1);
          out.join();
        }
        out.join();
        return;
      }
      default:
    }
  }

  private path(): string {
    let path = 'resourceMetrics[0]';
    if (this.scope < 0) return path;
    path += `.scopeMetrics[${this.scope}]`;
    if (this.metric < 0) return path;
    path += `.metrics[${this.metric}]`;
    if (!this.dataField) return path;
    return `${path}.${this.dataField}.dataPoints[${this.point}]`;
  }
}

/** A point attributes object as written: its own keys and values in `for...in` order, and the fields. */
interface WrittenAttributes {
  field: number;
  keys: string[];
  values: unknown[];
  bytes: Uint8Array;
}

/** Whether `attributes` still has exactly the keys and values it was written with, in the same order. */
function unchanged(attributes: Record<string, unknown>, written: WrittenAttributes): boolean {
  const { keys, values } = written;
  let i = 0;
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    if (i === keys.length || key !== keys[i]) return false;
    const value = attributes[key];
    const was = values[i++];
    // NaN is written as NaN, and 0 and -0 both as int 0: SameValueZero, as the KeyValue cache.
    if (value !== was && (value === value || was === was)) return false;
  }
  return i === keys.length;
}

function otlpTemporality(temporality: number): number {
  // metrics.proto: 1 delta, 2 cumulative, 0 unspecified.
  if (temporality === SdkAggregationTemporality.DELTA) return 1;
  if (temporality === SdkAggregationTemporality.CUMULATIVE) return 2;
  return 0;
}

/** A length-prefixed UTF-8 string (TextEncoder's bytes: lone surrogates become U+FFFD). */
function writeString(out: ProtoWriter, text: string): void {
  const maxBytes = text.length * MAX_UTF8_BYTES_PER_CODE_UNIT;
  const prefix = varint32Size(maxBytes);
  out.ensure(prefix + maxBytes);
  const start = out.pos;
  const written = writeUtf8(text, out.buf, start + prefix);
  const needed = varint32Size(written);
  if (needed < prefix) out.buf.copyWithin(start + needed, start + prefix, start + prefix + written);
  out.varint32(written);
  out.pos = start + needed + written;
}

/**
 * HrTime as otlp-transformer's writeHrTimeAsFixed64 writes it: seconds * 1e9 + nanos in 64 bits,
 * wrapping, from a 16-bit split of the seconds that keeps each product below 2^53.
 */
function writeHrTimeNanos(out: ProtoWriter, time: HrTime): void {
  const seconds = time[0];
  const nanos = time[1];
  const lowerNanos = (seconds & 0xffff) * 1e9;
  const upperNanos = ((seconds / 0x10000) >>> 0) * 1e9;
  const lowWithCarry = (lowerNanos >>> 0) + (((upperNanos & 0xffff) * 0x10000) >>> 0) + nanos;
  const low = lowWithCarry >>> 0;
  const high = (Math.floor(lowerNanos / TWO_POW_32) + ((upperNanos / 0x10000) >>> 0) + Math.floor(lowWithCarry / TWO_POW_32)) >>> 0;
  out.fixed64(low, high);
}

/** count / zero_count / explicit bucket counts: the serializer's writeFixed64(n >>> 0, (n / 2^32) >>> 0). */
function writeFixed64Number(out: ProtoWriter, value: number): void {
  out.fixed64(value >>> 0, (value / TWO_POW_32) >>> 0);
}

/** as_int: the serializer's writeSfixed64, the number's 64-bit two's complement halves. */
function writeInt64Bits(out: ProtoWriter, value: number): void {
  if (value >= 0) out.fixed64(value >>> 0, (value / TWO_POW_32) >>> 0);
  else {
    const [low, high] = negativeInt64Halves(value);
    out.fixed64(low, high);
  }
}

/** Exponential bucket counts: the serializer's writeVarint (a uint32 fast, else 64-bit halves). */
function writeUint64Varint(out: ProtoWriter, value: number): void {
  if (value >= 0 && value <= 0xffffffff) out.varint32(value >>> 0);
  else if (value >= 0) out.varint64(value >>> 0, (value / TWO_POW_32) >>> 0);
  else {
    const [low, high] = negativeInt64Halves(value);
    out.varint64(low, high);
  }
}
