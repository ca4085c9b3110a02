// OTLP JSON builders for the translation vectors of docs/translation-rules.md. Times are nanoseconds
// (bigint) as in the spec; every object is plain OTLP/JSON (camelCase, 64-bit integers as decimal
// strings, trace/span ids as hex) and golden.ts turns it into protobuf for the second input path.

/** The spec's default time: T0 = 1_700_000_000_000_000_000 ns. */
export const T0 = 1_700_000_000_000_000_000n;
/** T0 in Prometheus milliseconds. */
export const T0_MS = 1_700_000_000_000;
/** The spec's default resource: every data series gets job="svc" and no target_info is made. */
export const SVC = { 'service.name': 'svc' } as const;

/**
 * An attribute value:
 * - string, boolean, Uint8Array (bytes), arrays;
 * - a JS number is an int when it is an integer, a double otherwise; `{ double: 1 }` forces a double,
 *   `{ int: 42n }` or a bigint an int;
 * - `{ kvlist: [[key, value], ...] }` a map (keys may repeat), `{ empty: true }` a value with no type set.
 */
export type Value =
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | Value[]
  | { double: number }
  | { int: bigint | number }
  | { kvlist: Array<[string, Value]> }
  | { empty: true };

export type Attributes = Record<string, Value> | Array<[string, Value]>;

export function anyValue(value: Value): object {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'bigint') return { intValue: value.toString() };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (value instanceof Uint8Array) return { bytesValue: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  if ('double' in value) return { doubleValue: value.double };
  if ('int' in value) return { intValue: value.int.toString() };
  if ('kvlist' in value) return { kvlistValue: { values: value.kvlist.map(([key, v]) => ({ key, value: anyValue(v) })) } };
  return {};
}

export function attrs(attributes: Attributes = {}): object[] {
  const entries = Array.isArray(attributes) ? attributes : Object.entries(attributes);
  return entries.map(([key, value]) => ({ key, value: anyValue(value) }));
}

// ---------------------------------------------------------------------------------------------
// Data points

export interface PointBase {
  /** time_unix_nano; default T0. */
  time?: bigint;
  /** start_time_unix_nano; default unset. */
  start?: bigint;
  attributes?: Attributes;
  flags?: number;
  exemplars?: object[];
}

function base(spec: PointBase): Record<string, unknown> {
  const point: Record<string, unknown> = { attributes: attrs(spec.attributes), timeUnixNano: (spec.time ?? T0).toString() };
  if (spec.start !== undefined) point.startTimeUnixNano = spec.start.toString();
  if (spec.flags !== undefined) point.flags = spec.flags;
  if (spec.exemplars !== undefined) point.exemplars = spec.exemplars;
  return point;
}

/** A number point: `int` (as_int), `double` (as_double), or neither (no value set). */
export function point(spec: PointBase & { int?: bigint | number; double?: number } = {}): object {
  const p = base(spec);
  if (spec.int !== undefined) p.asInt = spec.int.toString();
  if (spec.double !== undefined) p.asDouble = spec.double;
  return p;
}

export interface HistogramPointSpec extends PointBase {
  count: number;
  sum?: number;
  bounds?: number[];
  counts?: number[];
}

export function histogramPoint(spec: HistogramPointSpec): object {
  const p = base(spec);
  p.count = String(spec.count);
  if (spec.sum !== undefined) p.sum = spec.sum;
  p.bucketCounts = (spec.counts ?? []).map(String);
  p.explicitBounds = spec.bounds ?? [];
  return p;
}

export interface ExponentialPointSpec extends PointBase {
  scale: number;
  count: number;
  sum?: number;
  zeroCount?: number;
  zeroThreshold?: number;
  positive?: { offset: number; counts: number[] };
  negative?: { offset: number; counts: number[] };
}

export function exponentialPoint(spec: ExponentialPointSpec): object {
  const p = base(spec);
  p.scale = spec.scale;
  p.count = String(spec.count);
  if (spec.sum !== undefined) p.sum = spec.sum;
  p.zeroCount = String(spec.zeroCount ?? 0);
  if (spec.zeroThreshold !== undefined) p.zeroThreshold = spec.zeroThreshold;
  if (spec.positive) p.positive = { offset: spec.positive.offset, bucketCounts: spec.positive.counts.map(String) };
  if (spec.negative) p.negative = { offset: spec.negative.offset, bucketCounts: spec.negative.counts.map(String) };
  return p;
}

export interface SummaryPointSpec extends PointBase {
  count: number;
  sum: number;
  quantiles?: Array<[number, number]>;
}

export function summaryPoint(spec: SummaryPointSpec): object {
  const p = base(spec);
  p.count = String(spec.count);
  p.sum = spec.sum;
  p.quantileValues = (spec.quantiles ?? []).map(([quantile, value]) => ({ quantile, value }));
  return p;
}

export interface ExemplarSpec {
  /** A number is as_double; `{ int }` is as_int; undefined is an exemplar with no value. */
  value?: number | { int: bigint | number };
  time?: bigint;
  traceId?: string;
  spanId?: string;
  filtered?: Attributes;
}

export function exemplar(spec: ExemplarSpec): object {
  const e: Record<string, unknown> = { filteredAttributes: attrs(spec.filtered) };
  if (spec.time !== undefined) e.timeUnixNano = spec.time.toString();
  if (typeof spec.value === 'number') e.asDouble = spec.value;
  else if (spec.value !== undefined) e.asInt = spec.value.int.toString();
  if (spec.traceId !== undefined) e.traceId = spec.traceId;
  if (spec.spanId !== undefined) e.spanId = spec.spanId;
  return e;
}

// ---------------------------------------------------------------------------------------------
// Metrics

export interface MetricSpec {
  unit?: string;
  description?: string;
}

/** OTLP AggregationTemporality. */
export const DELTA = 1;
export const CUMULATIVE = 2;

function metric(name: string, spec: MetricSpec, body: Record<string, unknown>): object {
  return { name, unit: spec.unit ?? '', description: spec.description ?? '', ...body };
}

export function gauge(name: string, points: object[], spec: MetricSpec = {}): object {
  return metric(name, spec, { gauge: { dataPoints: points } });
}

export function sum(name: string, points: object[], spec: MetricSpec & { monotonic?: boolean; temporality?: number } = {}): object {
  return metric(name, spec, {
    sum: { dataPoints: points, aggregationTemporality: spec.temporality ?? CUMULATIVE, isMonotonic: spec.monotonic ?? true },
  });
}

export function histogram(name: string, points: object[], spec: MetricSpec & { temporality?: number } = {}): object {
  return metric(name, spec, { histogram: { dataPoints: points, aggregationTemporality: spec.temporality ?? CUMULATIVE } });
}

export function exponentialHistogram(name: string, points: object[], spec: MetricSpec & { temporality?: number } = {}): object {
  return metric(name, spec, { exponentialHistogram: { dataPoints: points, aggregationTemporality: spec.temporality ?? CUMULATIVE } });
}

export function summary(name: string, points: object[], spec: MetricSpec = {}): object {
  return metric(name, spec, { summary: { dataPoints: points } });
}

/** A metric with no data field set (OTLP type Empty). */
export function emptyMetric(name: string, spec: MetricSpec = {}): object {
  return metric(name, spec, {});
}

export type Kind = 'gauge' | 'counter' | 'updown' | 'histogram' | 'exponential' | 'summary';

/** A one-point metric of the given OTLP kind ('counter' = monotonic cumulative sum, 'updown' = non-monotonic). */
export function metricOf(kind: Kind, name: string, unit = '', description = ''): object {
  const spec = { unit, description };
  switch (kind) {
    case 'gauge':
      return gauge(name, [point({ double: 1 })], spec);
    case 'counter':
      return sum(name, [point({ double: 1 })], spec);
    case 'updown':
      return sum(name, [point({ double: 1 })], { ...spec, monotonic: false });
    case 'histogram':
      return histogram(name, [histogramPoint({ count: 1, sum: 1, bounds: [1], counts: [1, 0] })], spec);
    case 'exponential':
      return exponentialHistogram(name, [exponentialPoint({ scale: 0, count: 1, sum: 1, positive: { offset: 0, counts: [1] } })], spec);
    case 'summary':
      return summary(name, [summaryPoint({ count: 1, sum: 1 })], spec);
  }
}

// ---------------------------------------------------------------------------------------------
// Requests

export interface ScopeSpec {
  name?: string;
  version?: string;
  attributes?: Attributes;
  /** ScopeMetrics.schema_url. */
  schemaUrl?: string;
  metrics: object[];
}

export function scopeMetrics(spec: ScopeSpec): object {
  return {
    scope: { name: spec.name ?? '', version: spec.version ?? '', attributes: attrs(spec.attributes) },
    schemaUrl: spec.schemaUrl ?? '',
    metrics: spec.metrics,
  };
}

/** One ResourceMetrics with the given scopes. */
export function resource(attributes: Attributes, scopes: ScopeSpec[]): object {
  return { resource: { attributes: attrs(attributes) }, scopeMetrics: scopes.map(scopeMetrics) };
}

/** One ResourceMetrics whose metrics are in one empty scope. */
export function resourceWith(attributes: Attributes, ...metrics: object[]): object {
  return resource(attributes, [{ metrics }]);
}

export function request(...resources: object[]): object {
  return { resourceMetrics: resources };
}

/** The usual vector: the given metrics under resource {service.name="svc"} and an empty scope. */
export function svc(...metrics: object[]): object {
  return request(resourceWith(SVC, ...metrics));
}

/** Hex helpers for exemplar ids. */
export const TRACE_ID = '000102030405060708090a0b0c0d0e0f';
export const SPAN_ID = '0102030405060708';
