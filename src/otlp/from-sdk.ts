import type { HrTime } from '@opentelemetry/api';
import type {
  DataPoint,
  ExponentialHistogram,
  Histogram,
  MetricData,
  ResourceMetrics as SdkResourceMetrics,
  ScopeMetrics as SdkScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { MAX_ANY_VALUE_DEPTH } from './decode-protobuf-common.js';
import { OtlpDecodeError, OtlpErrorCode } from './errors.js';
import type {
  AnyValue,
  ExponentialBuckets,
  ExponentialHistogramDataPoint,
  ExportMetricsRequest,
  HistogramDataPoint,
  KeyValue,
  Metric,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
} from './model.js';

/*
 * The OTel JS SDK's `ResourceMetrics` read straight into the internal shape, with no OTLP bytes in
 * between. The result is exactly what `decodeExportMetricsRequest` gives for the bytes that
 * otlp-transformer's `ProtobufMetricsSerializer` writes for the same data (test/otlp/from-sdk.test.ts
 * checks it), so an application exporting in-process sees the series an OTLP collector would. Where
 * that serializer changes a value on the way to the wire, this file changes it the same way:
 *   - HrTime [seconds, nanos] -> fixed64 nanoseconds (mod 2^64) -> int64(ns) / 1e6 milliseconds;
 *   - descriptor.valueType INT -> as_int (sfixed64: truncated, wrapped to int64), else as_double;
 *   - counts -> fixed64 / uint64 varints; scale and offsets -> sint32;
 *   - attribute numbers: an integer in int64 range -> int_value, anything else -> double_value;
 *     null/undefined/functions/bigints -> an empty AnyValue; Uint8Array -> bytes; other objects -> kvlist;
 *   - strings are UTF-8 encoded, so lone surrogates become U+FFFD;
 *   - no exemplars, flags or zero_threshold (the SDK has none), no scope attributes unless present.
 *
 * Only types come from @opentelemetry/sdk-metrics and @opentelemetry/api: importing this module does not
 * load the SDK. The enum values below are therefore copied, and a test pins them to the SDK's.
 *
 * Arrays of numbers (bucket counts and bounds) are shared with the input, not copied, when the wire
 * would not change them: the result is meant to be translated at once, not kept.
 */

/** `DataPointType` (@opentelemetry/sdk-metrics). */
export const SdkDataPointType = { HISTOGRAM: 0, EXPONENTIAL_HISTOGRAM: 1, GAUGE: 2, SUM: 3 } as const;
/** `AggregationTemporality` (@opentelemetry/sdk-metrics): not the OTLP numbering. */
export const SdkAggregationTemporality = { DELTA: 0, CUMULATIVE: 1 } as const;
/** `ValueType` (@opentelemetry/api). */
export const SdkValueType = { INT: 0, DOUBLE: 1 } as const;

const TWO_POW_32 = 0x100000000;
/** Above this many seconds an HrTime is no longer below 2^63 ns, so the int64 conversion wraps. */
const MAX_FAST_SECONDS = 9_223_372_035;
const EMPTY: AnyValue = { kind: 'empty' };

type WellFormedString = string & { isWellFormed(): boolean; toWellFormed(): string };

/** Converts one SDK ResourceMetrics (what a MetricReader collects) into an export request. */
export function fromSdkResourceMetrics(resourceMetrics: SdkResourceMetrics): ExportMetricsRequest {
  return { resourceMetrics: [new SdkReader().resourceMetrics(resourceMetrics)] };
}

/** The position being read, as plain numbers, for the path in a "nested too deep" error. */
class SdkReader {
  private scope = -1;
  private metric = -1;
  private dataField = '';
  private point = -1;
  /** Scalar point attributes by raw key, then by value (see pointAttributes). */
  private readonly sharedAttributes = new Map<string, Map<unknown, KeyValue>>();

  resourceMetrics(rm: SdkResourceMetrics): ResourceMetrics {
    const resource = rm.resource;
    const scopeMetrics: ScopeMetrics[] = new Array(rm.scopeMetrics.length);
    const result: ResourceMetrics = {
      resource: { attributes: this.attributes(resource.attributes) },
      schemaUrl: resource.schemaUrl ? utf8(resource.schemaUrl) : '',
      scopeMetrics,
    };
    for (let s = 0; s < scopeMetrics.length; s++) {
      this.scope = s;
      scopeMetrics[s] = this.scopeMetrics(rm.scopeMetrics[s]);
    }
    return result;
  }

  private scopeMetrics(sm: SdkScopeMetrics): ScopeMetrics {
    // core's InstrumentationScope has no attributes today; the serializer writes them if it ever does.
    const scope = sm.scope as SdkScopeMetrics['scope'] & { attributes?: Record<string, unknown> };
    const result: ScopeMetrics = {
      scope: {
        name: utf8(scope.name),
        version: scope.version ? utf8(scope.version) : '',
        attributes: scope.attributes ? this.attributes(scope.attributes) : [],
      },
      schemaUrl: scope.schemaUrl ? utf8(scope.schemaUrl) : '',
      metrics: new Array(sm.metrics.length),
    };
    for (let m = 0; m < sm.metrics.length; m++) {
      this.metric = m;
      result.metrics[m] = this.metricOf(sm.metrics[m]);
    }
    this.metric = -1;
    return result;
  }

  private metricOf(metric: MetricData): Metric {
    const { descriptor } = metric;
    const result: Metric = {
      name: utf8(descriptor.name),
      description: descriptor.description ? utf8(descriptor.description) : '',
      unit: descriptor.unit ? utf8(descriptor.unit) : '',
      data: { type: 'empty' },
    };
    const temporality = otlpTemporality(metric.aggregationTemporality);
    switch (metric.dataPointType) {
      case SdkDataPointType.GAUGE:
        this.dataField = 'gauge';
        result.data = { type: 'gauge', points: this.numberPoints(metric.dataPoints, descriptor.valueType) };
        break;
      case SdkDataPointType.SUM:
        this.dataField = 'sum';
        result.data = {
          type: 'sum',
          points: this.numberPoints(metric.dataPoints, descriptor.valueType),
          temporality,
          monotonic: Boolean(metric.isMonotonic),
        };
        break;
      case SdkDataPointType.HISTOGRAM:
        this.dataField = 'histogram';
        result.data = { type: 'histogram', points: this.histogramPoints(metric.dataPoints), temporality };
        break;
      case SdkDataPointType.EXPONENTIAL_HISTOGRAM:
        this.dataField = 'exponentialHistogram';
        result.data = { type: 'exponentialHistogram', points: this.exponentialPoints(metric.dataPoints), temporality };
        break;
      default:
      // An unknown type is written with no data field: translation reports it as unsupported.
    }
    this.dataField = '';
    this.point = -1;
    return result;
  }

  private numberPoints(points: DataPoint<number>[], valueType: number): NumberDataPoint[] {
    const asInt = valueType === SdkValueType.INT;
    const result: NumberDataPoint[] = new Array(points.length);
    for (let p = 0; p < points.length; p++) {
      this.point = p;
      const point = points[p];
      // Literals with the decoder's field order (decode-protobuf-points.ts), no spread of a shared
      // base: every point of a kind gets one hidden class, as from the protobuf path.
      result[p] = {
        attributes: this.pointAttributes(point.attributes),
        startTimeMs: hrTimeToMillis(point.startTime),
        timeMs: hrTimeToMillis(point.endTime),
        flags: 0,
        exemplars: [],
        value: asInt ? sfixed64(point.value) : point.value,
      };
    }
    return result;
  }

  private histogramPoints(points: DataPoint<Histogram>[]): HistogramDataPoint[] {
    const result: HistogramDataPoint[] = new Array(points.length);
    for (let p = 0; p < points.length; p++) {
      this.point = p;
      const point = points[p];
      const histogram = point.value;
      result[p] = {
        attributes: this.pointAttributes(point.attributes),
        startTimeMs: hrTimeToMillis(point.startTime),
        timeMs: hrTimeToMillis(point.endTime),
        flags: 0,
        exemplars: [],
        count: fixed64(histogram.count),
        sum: histogram.sum,
        bucketCounts: counts(histogram.buckets.counts, fixed64),
        explicitBounds: histogram.buckets.boundaries,
        min: histogram.min,
        max: histogram.max,
      };
    }
    return result;
  }

  private exponentialPoints(points: DataPoint<ExponentialHistogram>[]): ExponentialHistogramDataPoint[] {
    const result: ExponentialHistogramDataPoint[] = new Array(points.length);
    for (let p = 0; p < points.length; p++) {
      this.point = p;
      const point = points[p];
      const histogram = point.value;
      result[p] = {
        attributes: this.pointAttributes(point.attributes),
        startTimeMs: hrTimeToMillis(point.startTime),
        timeMs: hrTimeToMillis(point.endTime),
        flags: 0,
        exemplars: [],
        count: fixed64(histogram.count),
        sum: histogram.sum,
        scale: histogram.scale | 0,
        zeroCount: fixed64(histogram.zeroCount),
        // The SDK has no zero threshold and the serializer writes none.
        zeroThreshold: 0,
        positive: buckets(histogram.positive),
        negative: buckets(histogram.negative),
        min: histogram.min,
        max: histogram.max,
      };
    }
    return result;
  }

  /**
   * A data point's attributes, each scalar one shared and frozen per distinct key and value of this
   * ResourceMetrics, as the protobuf decoder shares one per distinct bytes: the translator then finds
   * an attribute's label by identity (PointLabelSets), and each key and string value is made
   * well-formed once. Arrays, kvlists and bytes are converted per point (they hold mutable containers).
   */
  private pointAttributes(attributes: Record<string, unknown> | undefined): KeyValue[] {
    const result: KeyValue[] = [];
    if (!attributes) return result;
    for (const key in attributes) {
      if (!Object.hasOwn(attributes, key)) continue;
      const value = attributes[key];
      const kind = typeof value;
      if (kind !== 'string' && kind !== 'number' && kind !== 'boolean') {
        result.push({ key: utf8(key), value: this.anyValue(value, 0) });
        continue;
      }
      let byValue = this.sharedAttributes.get(key);
      if (byValue === undefined) this.sharedAttributes.set(key, (byValue = new Map()));
      // Map keys compare by SameValueZero: "1", 1 and true stay apart, and 0 and -0 (both int 0) meet.
      let attribute = byValue.get(value);
      if (attribute === undefined) byValue.set(value, (attribute = Object.freeze({ key: utf8(key), value: Object.freeze(this.anyValue(value, 0)) })));
      result.push(attribute);
    }
    return result;
  }

  /** Own enumerable keys in `for...in` order, as the serializer walks them. */
  private attributes(attributes: Record<string, unknown> | undefined): KeyValue[] {
    const result: KeyValue[] = [];
    if (!attributes) return result;
    for (const key in attributes) {
      if (!Object.hasOwn(attributes, key)) continue;
      result.push({ key: utf8(key), value: this.anyValue(attributes[key], 0) });
    }
    return result;
  }

  private anyValue(value: unknown, depth: number): AnyValue {
    // The protobuf decoder refuses deeper values; this also stops on a cyclic object.
    if (depth >= MAX_ANY_VALUE_DEPTH) {
      throw new OtlpDecodeError(OtlpErrorCode.TOO_DEEP, `attribute value nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`, this.path());
    }
    switch (typeof value) {
      case 'string':
        return { kind: 'string', value: utf8(value) };
      case 'boolean':
        return { kind: 'bool', value };
      case 'number':
        // int64 range: -(2^63) <= n < 2^63, both exact doubles. Integers above 2^53 still fit.
        if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) return { kind: 'int', value: BigInt(value) };
        return { kind: 'double', value };
      case 'object': {
        if (value === null) return EMPTY;
        if (value instanceof Uint8Array) return { kind: 'bytes', value: new Uint8Array(value) };
        if (Array.isArray(value)) {
          const items: AnyValue[] = new Array(value.length);
          for (let i = 0; i < value.length; i++) items[i] = this.anyValue(value[i], depth + 1);
          return { kind: 'array', value: items };
        }
        const object = value as Record<string, unknown>;
        const entries: KeyValue[] = [];
        for (const key in object) {
          if (!Object.hasOwn(object, key)) continue;
          // A kvlist entry is a KeyValue one level down, as in the decoder.
          entries.push({ key: utf8(key), value: this.anyValue(object[key], depth + 1) });
        }
        return { kind: 'kvlist', value: entries };
      }
      default:
        return EMPTY;
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

function otlpTemporality(temporality: number): number {
  // metrics.proto: 1 delta, 2 cumulative, 0 unspecified.
  if (temporality === SdkAggregationTemporality.DELTA) return 1;
  if (temporality === SdkAggregationTemporality.CUMULATIVE) return 2;
  return 0;
}

function buckets(sdk: { offset: number; bucketCounts: number[] }): ExponentialBuckets {
  return { offset: sdk.offset | 0, bucketCounts: counts(sdk.bucketCounts, uint64Varint) };
}

/** The input array itself when every count survives the wire unchanged (always, from the SDK). */
function counts(values: number[], convert: (n: number) => number): number[] {
  for (let i = 0; i < values.length; i++) {
    const n = values[i];
    // -0 goes out as 0.
    if (!(Number.isSafeInteger(n) && (n > 0 || Object.is(n, 0)))) return values.map(convert);
  }
  return values;
}

/** Strings go out through TextEncoder, which replaces lone surrogates with U+FFFD. */
function utf8(text: string): string {
  const s = text as WellFormedString;
  return s.isWellFormed() ? text : s.toWellFormed();
}

/**
 * HrTime to milliseconds exactly as the protobuf path does: otlp-transformer's writeHrTimeAsFixed64
 * (seconds * 1e9 + nanos in 64 bits, wrapping), then the decoder's int64(ns) / 1e6.
 */
export function hrTimeToMillis(time: HrTime): number {
  const seconds = time[0];
  const nanos = time[1];
  if (Number.isInteger(seconds) && Number.isInteger(nanos) && seconds >= 0 && seconds <= MAX_FAST_SECONDS && nanos >= 0 && nanos < 1e9) {
    // seconds * 1e9 is a multiple of 1e6, so the division splits exactly. [-0, -0] gives -0: the wire has no -0.
    const ms = seconds * 1000 + Math.floor(nanos / 1e6);
    return ms === 0 ? 0 : ms;
  }
  // Replicates writeHrTimeAsFixed64 bit for bit (its 16-bit split keeps each product below 2^53).
  const lowerNanos = (seconds & 0xffff) * 1e9;
  const upperNanos = ((seconds / 0x10000) >>> 0) * 1e9;
  const lowWithCarry = (lowerNanos >>> 0) + (((upperNanos & 0xffff) * 0x10000) >>> 0) + nanos;
  const low = lowWithCarry >>> 0;
  const high = (Math.floor(lowerNanos / TWO_POW_32) + ((upperNanos / 0x10000) >>> 0) + Math.floor(lowWithCarry / TWO_POW_32)) >>> 0;
  return Number(BigInt.asIntN(64, (BigInt(high) << 32n) | BigInt(low)) / 1000000n);
}

/** as_int: the serializer's writeSfixed64, read back as a double (sfixed64Number). */
function sfixed64(value: number): number {
  if (Number.isSafeInteger(value)) return value === 0 ? 0 : value;
  const [low, high] = int64Halves(value);
  return (high | 0) * TWO_POW_32 + low;
}

/** count / zero_count / explicit bucket counts: writeFixed64(n >>> 0, (n / 2^32) >>> 0). */
function fixed64(value: number): number {
  if (Number.isSafeInteger(value) && value >= 0) return value === 0 ? 0 : value;
  return ((value / TWO_POW_32) >>> 0) * TWO_POW_32 + (value >>> 0);
}

/** Exponential bucket counts: the serializer's writeVarint, read back as uint64 (varintNumber). */
function uint64Varint(value: number): number {
  if (value >= 0 && value <= 0xffffffff) return value >>> 0;
  const [low, high] = int64Halves(value);
  return high * TWO_POW_32 + low;
}

/** The serializer's split of a number into 64-bit two's complement halves [low, high] (rare path). */
function int64Halves(value: number): [number, number] {
  if (value >= 0) return [value >>> 0, (value / TWO_POW_32) >>> 0];
  const abs = Math.abs(value);
  let low = ~(abs >>> 0) >>> 0;
  let high = ~((abs / TWO_POW_32) >>> 0) >>> 0;
  low = (low + 1) >>> 0;
  if (low === 0) high = (high + 1) >>> 0;
  return [low, high];
}
