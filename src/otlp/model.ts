/**
 * The one internal shape every OTLP input (protobuf bytes, OTLP JSON, SDK ResourceMetrics) is read into.
 * It mirrors opentelemetry/proto/metrics/v1 but keeps only what translation needs, with timestamps
 * already converted to Prometheus milliseconds (exactly: integer division of the nanoseconds, as
 * Prometheus does).
 */

export type AnyValue =
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  /** int64 kept exact: rendered as decimal text when it becomes a label value. */
  | { kind: 'int'; value: bigint }
  | { kind: 'double'; value: number }
  | { kind: 'bytes'; value: Uint8Array }
  | { kind: 'array'; value: AnyValue[] }
  | { kind: 'kvlist'; value: KeyValue[] }
  | { kind: 'empty' };

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface Resource {
  attributes: KeyValue[];
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: KeyValue[];
}

/** AggregationTemporality (metrics.proto): 0 unspecified, 1 delta, 2 cumulative. */
export const Temporality = { UNSPECIFIED: 0, DELTA: 1, CUMULATIVE: 2 } as const;

/** DataPointFlags.FLAG_NO_RECORDED_VALUE: the point marks the series stale. */
export const FLAG_NO_RECORDED_VALUE = 1;

export interface Exemplar {
  filteredAttributes: KeyValue[];
  timeMs: number;
  value: number;
  /** Whether as_double or as_int was set: Prometheus rejects an exemplar without a value. */
  hasValue: boolean;
  /** Lowercase hex, "" when absent. */
  traceId: string;
  spanId: string;
}

/** The fields every kind of data point has. */
export interface PointBase {
  attributes: KeyValue[];
  /** 0 when unset. */
  startTimeMs: number;
  timeMs: number;
  flags: number;
  exemplars: Exemplar[];
}

export interface NumberDataPoint extends PointBase {
  value: number;
}

export interface HistogramDataPoint extends PointBase {
  count: number;
  /** undefined when the optional sum is absent. */
  sum: number | undefined;
  bucketCounts: number[];
  explicitBounds: number[];
  min: number | undefined;
  max: number | undefined;
}

export interface ExponentialBuckets {
  offset: number;
  bucketCounts: number[];
}

export interface ExponentialHistogramDataPoint extends PointBase {
  count: number;
  sum: number | undefined;
  scale: number;
  zeroCount: number;
  zeroThreshold: number;
  positive: ExponentialBuckets;
  negative: ExponentialBuckets;
  min: number | undefined;
  max: number | undefined;
}

export interface QuantileValue {
  quantile: number;
  value: number;
}

export interface SummaryDataPoint extends PointBase {
  count: number;
  sum: number;
  quantileValues: QuantileValue[];
}

/**
 * Data points left as protobuf bytes (forEachResourceMetrics with `lazyPoints`): the data message's
 * contents are the request's bytes [start, end), with `count` data_points fields; `points` is empty.
 */
export interface LazyPoints {
  start: number;
  end: number;
  count: number;
}

/**
 * Reads a data message's contents, the request's bytes [start, end), for forEachResourceMetrics with
 * `lazyPoints`: its data_points count, aggregation_temporality (field 2) and is_monotonic (field 3),
 * or undefined to leave the message to the decoder (which reports anything malformed). The answer
 * may be reused by the next call.
 */
export type DataScanner = (start: number, end: number) => { count: number; temporality: number; monotonic: boolean } | undefined;

export type MetricData =
  | { type: 'gauge'; points: NumberDataPoint[]; lazy?: LazyPoints }
  | { type: 'sum'; points: NumberDataPoint[]; temporality: number; monotonic: boolean; lazy?: LazyPoints }
  | { type: 'histogram'; points: HistogramDataPoint[]; temporality: number; lazy?: LazyPoints }
  | { type: 'exponentialHistogram'; points: ExponentialHistogramDataPoint[]; temporality: number; lazy?: LazyPoints }
  | { type: 'summary'; points: SummaryDataPoint[]; lazy?: LazyPoints }
  /** A Metric with no data field set: Prometheus rejects it as an unsupported type. */
  | { type: 'empty' };

export interface Metric {
  name: string;
  description: string;
  unit: string;
  data: MetricData;
}

/** A metric's data points, decoded or left as bytes (LazyPoints). */
export function metricDataPoints(metric: Metric): number {
  const data = metric.data;
  if (data.type === 'empty') return 0;
  return data.lazy === undefined ? data.points.length : data.lazy.count;
}

/** The data points of every metric of a ResourceMetrics. */
export function resourceDataPoints(resourceMetrics: ResourceMetrics): number {
  let points = 0;
  for (const scope of resourceMetrics.scopeMetrics) for (const metric of scope.metrics) points += metricDataPoints(metric);
  return points;
}

export interface ScopeMetrics {
  scope: InstrumentationScope;
  schemaUrl: string;
  metrics: Metric[];
}

export interface ResourceMetrics {
  resource: Resource;
  schemaUrl: string;
  scopeMetrics: ScopeMetrics[];
}

export interface ExportMetricsRequest {
  resourceMetrics: ResourceMetrics[];
}
