/**
 * A workload as the OTel JS SDK holds it: one `ResourceMetrics` (@opentelemetry/sdk-metrics) per OTLP
 * resource, so run.ts can time what an application already pays per export, otlp-transformer's
 * `ProtobufMetricsSerializer.serializeRequest`, on the same data as the other rows.
 *
 *   const sdk = toSdkResourceMetrics(otlpBytes);
 *   for (const resourceMetrics of sdk.resourceMetrics) ProtobufMetricsSerializer.serializeRequest(resourceMetrics);
 *
 * The OTLP bytes are decoded with otlp2prw's decoder to the internal model (src/otlp/model.ts), then
 * mapped field by field: timestamps (milliseconds) -> HrTime, attributes -> plain objects, counts and
 * buckets as they are. The SDK can not hold everything OTLP can: it has no summaries (their points are
 * left out and counted in `skippedPoints`), and the internal model does not keep as_int vs as_double,
 * so a number metric whose values are all integers gets `ValueType.INT` (8 bytes either way on the wire).
 */

import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type ExponentialHistogram,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { decodeExportMetricsRequest } from '../dist/otlp/decode-protobuf.js';
import type { AnyValue, KeyValue, Metric, NumberDataPoint, Temporality } from '../dist/otlp/model.js';

export interface SdkWorkload {
  /** One per OTLP resource: the SDK exports one resource per request. */
  resourceMetrics: ResourceMetrics[];
  /** Data points the SDK shape holds. */
  points: number;
  /** Data points it cannot hold (summaries). */
  skippedPoints: number;
}

export function toSdkResourceMetrics(otlpBytes: Uint8Array): SdkWorkload {
  const request = decodeExportMetricsRequest(otlpBytes);
  let points = 0;
  let skippedPoints = 0;
  const resourceMetrics = request.resourceMetrics.map((rm): ResourceMetrics => {
    const resource = resourceFromAttributes(attributes(rm.resource.attributes), { schemaUrl: rm.schemaUrl || undefined });
    const scopeMetrics = rm.scopeMetrics.map((sm): ScopeMetrics => {
      const metrics: MetricData[] = [];
      for (const metric of sm.metrics) {
        const data = metricData(metric);
        if (data === undefined) {
          skippedPoints += metric.data.type === 'empty' ? 0 : metric.data.points.length;
          continue;
        }
        points += data.dataPoints.length;
        metrics.push(data);
      }
      return { scope: { name: sm.scope.name, version: sm.scope.version || undefined, schemaUrl: sm.schemaUrl || undefined }, metrics };
    });
    return { resource, scopeMetrics };
  });
  return { resourceMetrics, points, skippedPoints };
}

function metricData(metric: Metric): MetricData | undefined {
  const { data } = metric;
  const descriptor = (valueType: ValueType) => ({ name: metric.name, description: metric.description, unit: metric.unit, valueType });
  switch (data.type) {
    case 'gauge':
      return {
        descriptor: descriptor(valueTypeOf(data.points)),
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        dataPoints: data.points.map((point) => ({ ...timesAndAttributes(point), value: point.value })),
      };
    case 'sum':
      return {
        descriptor: descriptor(valueTypeOf(data.points)),
        aggregationTemporality: sdkTemporality(data.temporality),
        dataPointType: DataPointType.SUM,
        isMonotonic: data.monotonic,
        dataPoints: data.points.map((point) => ({ ...timesAndAttributes(point), value: point.value })),
      };
    case 'histogram':
      return {
        descriptor: descriptor(ValueType.DOUBLE),
        aggregationTemporality: sdkTemporality(data.temporality),
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: data.points.map(
          (point): DataPoint<Histogram> => ({
            ...timesAndAttributes(point),
            value: {
              buckets: { boundaries: point.explicitBounds, counts: point.bucketCounts },
              sum: point.sum,
              count: point.count,
              min: point.min,
              max: point.max,
            },
          }),
        ),
      };
    case 'exponentialHistogram':
      return {
        descriptor: descriptor(ValueType.DOUBLE),
        aggregationTemporality: sdkTemporality(data.temporality),
        dataPointType: DataPointType.EXPONENTIAL_HISTOGRAM,
        dataPoints: data.points.map(
          (point): DataPoint<ExponentialHistogram> => ({
            ...timesAndAttributes(point),
            value: {
              count: point.count,
              sum: point.sum,
              scale: point.scale,
              zeroCount: point.zeroCount,
              positive: point.positive,
              negative: point.negative,
              min: point.min,
              max: point.max,
            },
          }),
        ),
      };
    default:
      // summary (the SDK has no such aggregation) or a metric without data
      return undefined;
  }
}

function timesAndAttributes(point: { startTimeMs: number; timeMs: number; attributes: KeyValue[] }) {
  return { startTime: hrTime(point.startTimeMs), endTime: hrTime(point.timeMs), attributes: attributes(point.attributes) };
}

function hrTime(ms: number): HrTime {
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
}

function valueTypeOf(points: NumberDataPoint[]): ValueType {
  return points.every((point) => Number.isInteger(point.value)) ? ValueType.INT : ValueType.DOUBLE;
}

function sdkTemporality(temporality: (typeof Temporality)[keyof typeof Temporality] | number): AggregationTemporality {
  return temporality === 1 ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
}

function attributes(keyValues: KeyValue[]): Attributes {
  const result: Attributes = {};
  for (const { key, value } of keyValues) {
    const plain = attributeValue(value);
    if (plain !== undefined) result[key] = plain;
  }
  return result;
}

function attributeValue(value: AnyValue): string | number | boolean | undefined {
  switch (value.kind) {
    case 'string':
    case 'bool':
    case 'double':
      return value.value;
    case 'int':
      return Number(value.value);
    default:
      // The workloads have no arrays, kvlists or bytes in attributes.
      return undefined;
  }
}
