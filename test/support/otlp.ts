// Small builders for OTLP JSON requests (the OTLP/HTTP JSON mapping). The same objects go through
// protobufjs (encodeOtlp) for protobuf input, so every test can feed both decoders.

export type AttributeValue = string | number | boolean | bigint | { double: number } | Uint8Array | AttributeValue[];

export function anyValue(value: AttributeValue): object {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'bigint') return { intValue: value.toString() };
  if (typeof value === 'number') return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (value instanceof Uint8Array) return { bytesValue: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return { doubleValue: value.double };
}

export function attributes(entries: Record<string, AttributeValue> = {}): object[] {
  return Object.entries(entries).map(([key, value]) => ({ key, value: anyValue(value) }));
}

/** Milliseconds to the OTLP nanosecond string. */
export function nanos(ms: number): string {
  return `${BigInt(Math.trunc(ms)) * 1000000n}`;
}

export interface PointSpec {
  value: number | bigint;
  timeMs: number;
  startMs?: number;
  attributes?: Record<string, AttributeValue>;
  flags?: number;
  exemplars?: object[];
}

export function numberPoint(spec: PointSpec): object {
  const point: Record<string, unknown> = {
    attributes: attributes(spec.attributes),
    timeUnixNano: nanos(spec.timeMs),
  };
  if (spec.startMs !== undefined) point.startTimeUnixNano = nanos(spec.startMs);
  if (typeof spec.value === 'bigint') point.asInt = spec.value.toString();
  else point.asDouble = spec.value;
  if (spec.flags !== undefined) point.flags = spec.flags;
  if (spec.exemplars !== undefined) point.exemplars = spec.exemplars;
  return point;
}

export interface MetricSpec {
  name: string;
  unit?: string;
  description?: string;
}

export function gauge(spec: MetricSpec, points: PointSpec[]): object {
  return { name: spec.name, unit: spec.unit ?? '', description: spec.description ?? '', gauge: { dataPoints: points.map(numberPoint) } };
}

export function sum(spec: MetricSpec & { monotonic?: boolean; temporality?: number }, points: PointSpec[]): object {
  return {
    name: spec.name,
    unit: spec.unit ?? '',
    description: spec.description ?? '',
    sum: { aggregationTemporality: spec.temporality ?? 2, isMonotonic: spec.monotonic ?? true, dataPoints: points.map(numberPoint) },
  };
}

export interface ScopeSpec {
  name?: string;
  version?: string;
  attributes?: Record<string, AttributeValue>;
  schemaUrl?: string;
  metrics: object[];
}

export function resourceMetrics(resourceAttributes: Record<string, AttributeValue>, scopes: ScopeSpec[]): object {
  return {
    resource: { attributes: attributes(resourceAttributes) },
    scopeMetrics: scopes.map((scope) => ({
      scope: { name: scope.name ?? '', version: scope.version ?? '', attributes: attributes(scope.attributes) },
      schemaUrl: scope.schemaUrl ?? '',
      metrics: scope.metrics,
    })),
  };
}

export function exportRequest(...resources: object[]): { resourceMetrics: object[] } {
  return { resourceMetrics: resources };
}
