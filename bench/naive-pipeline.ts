/**
 * The baseline of issue C: OTLP -> Prometheus Remote-Write 2.0 as a TypeScript developer would first
 * write it with the usual tools, and no code from src/. It is a peer for the benchmarks, not a
 * reference implementation:
 *
 *   protobufjs decode of the OTLP request (schemas in proto/) -> message objects
 *   -> translate: a label object per series, series keyed by their joined labels, symbols interned in a
 *      Map, basic name sanitization (invalid characters -> "_", `_total` on monotonic sums, no units)
 *   -> protobufjs encode of io.prometheus.write.v2.Request -> snappy-wasm compress_raw.
 *
 *   const naive = new NaivePipeline();
 *   const body = naive.convert(otlpBytes);      // snappy-compressed RW2 request
 *
 * It produces a valid RW2 request (run.ts checks it with readWriteRequest) with the same kinds of
 * series as otlp2prw: gauges and sums one series each, explicit histograms as classic `_bucket`
 * (with `le`), `_sum` and `_count` series, exponential histograms as native histograms, summaries as
 * `quantile` series plus `_sum` and `_count`, and one `target_info` series per resource. It does not
 * follow Prometheus's rules exactly (units, label collisions, scope labels, exemplars, staleness,
 * `__name__` escaping), so its series count is close to, not equal to, otlp2prw's.
 */

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const PROTO_DIR = fileURLToPath(new URL('../proto/', import.meta.url));

// snappy-wasm's CommonJS build loads its WASM file synchronously: what `require('snappy-wasm')` gives.
const { compress_raw: snappyCompressRaw } = createRequire(import.meta.url)('snappy-wasm') as {
  compress_raw(input: Uint8Array): Uint8Array;
};

/** RW2 Metadata.MetricType. */
const COUNTER = 1;
const GAUGE = 2;
const HISTOGRAM = 3;
const SUMMARY = 5;
const INFO = 6;

// What protobufjs decodes (keepCase: false): int64/fixed64 fields are Long objects, or numbers
// when they fit. Only the fields read below are listed.
type Int64 = number | { toNumber(): number };
interface OtlpAnyValue {
  value?: 'stringValue' | 'boolValue' | 'intValue' | 'doubleValue' | 'arrayValue' | 'kvlistValue' | 'bytesValue';
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64 | null;
  doubleValue?: number | null;
  arrayValue?: unknown;
  kvlistValue?: unknown;
  bytesValue?: Uint8Array | null;
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpPointBase {
  attributes: OtlpKeyValue[];
  startTimeUnixNano: Int64;
  timeUnixNano: Int64;
}
interface OtlpNumberPoint extends OtlpPointBase {
  asDouble?: number | null;
  asInt?: Int64 | null;
}
interface OtlpHistogramPoint extends OtlpPointBase {
  count: Int64;
  sum?: number | null;
  bucketCounts: Int64[];
  explicitBounds: number[];
}
interface OtlpExponentialPoint extends OtlpPointBase {
  count: Int64;
  sum?: number | null;
  scale: number;
  zeroCount: Int64;
  zeroThreshold: number;
  positive?: { offset: number; bucketCounts: Int64[] };
  negative?: { offset: number; bucketCounts: Int64[] };
}
interface OtlpSummaryPoint extends OtlpPointBase {
  count: Int64;
  sum: number;
  quantileValues: Array<{ quantile: number; value: number }>;
}
interface OtlpMetric {
  name: string;
  description: string;
  unit: string;
  gauge?: { dataPoints: OtlpNumberPoint[] };
  sum?: { dataPoints: OtlpNumberPoint[]; isMonotonic: boolean };
  histogram?: { dataPoints: OtlpHistogramPoint[] };
  exponentialHistogram?: { dataPoints: OtlpExponentialPoint[] };
  summary?: { dataPoints: OtlpSummaryPoint[] };
}
interface OtlpRequest {
  resourceMetrics: Array<{
    resource?: { attributes: OtlpKeyValue[] };
    scopeMetrics: Array<{ metrics: OtlpMetric[] }>;
  }>;
}

// What protobufjs encodes as io.prometheus.write.v2.Request.
interface Rw2Sample {
  value: number;
  timestamp: number;
  startTimestamp: number;
}
interface Rw2Histogram {
  countInt: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCountInt: number;
  positiveSpans: Array<{ offset: number; length: number }>;
  positiveDeltas: number[];
  negativeSpans: Array<{ offset: number; length: number }>;
  negativeDeltas: number[];
  timestamp: number;
  startTimestamp: number;
}
interface Rw2TimeSeries {
  labelsRefs: number[];
  samples: Rw2Sample[];
  histograms: Rw2Histogram[];
  metadata: { type: number; helpRef: number; unitRef: number };
}

type Labels = Record<string, string>;

export class NaivePipeline {
  private readonly otlpRequestType: protobuf.Type;
  private readonly rw2RequestType: protobuf.Type;
  private symbols: string[] = [''];
  private symbolIndex = new Map<string, number>([['', 0]]);
  private series = new Map<string, Rw2TimeSeries>();

  constructor() {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => path.resolve(PROTO_DIR, target);
    root.loadSync(['opentelemetry/proto/collector/metrics/v1/metrics_service.proto', 'io/prometheus/write/v2/types.proto'], { keepCase: false });
    root.resolveAll();
    this.otlpRequestType = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
    this.rw2RequestType = root.lookupType('io.prometheus.write.v2.Request');
  }

  /** OTLP protobuf bytes -> snappy-compressed RW2 request bytes. */
  convert(otlpBytes: Uint8Array): Uint8Array {
    return snappyCompressRaw(this.encode(otlpBytes));
  }

  /** OTLP protobuf bytes -> uncompressed RW2 request bytes. */
  encode(otlpBytes: Uint8Array): Uint8Array {
    this.symbols = [''];
    this.symbolIndex = new Map([['', 0]]);
    this.series = new Map();
    const request = this.otlpRequestType.decode(otlpBytes) as unknown as OtlpRequest;
    for (const resourceMetrics of request.resourceMetrics) {
      const resourceLabels: Labels = {};
      const resourceAttributes = resourceMetrics.resource?.attributes ?? [];
      const serviceName = findAttribute(resourceAttributes, 'service.name') ?? 'unknown_service';
      const namespace = findAttribute(resourceAttributes, 'service.namespace');
      resourceLabels.job = namespace ? `${namespace}/${serviceName}` : serviceName;
      const instance = findAttribute(resourceAttributes, 'service.instance.id');
      if (instance) resourceLabels.instance = instance;
      this.addTargetInfo(resourceLabels, resourceAttributes);
      for (const scopeMetrics of resourceMetrics.scopeMetrics) {
        for (const metric of scopeMetrics.metrics) this.addMetric(metric, resourceLabels);
      }
    }
    const message = this.rw2RequestType.fromObject({ symbols: this.symbols, timeseries: [...this.series.values()] });
    return this.rw2RequestType.encode(message).finish();
  }

  private addTargetInfo(resourceLabels: Labels, attributes: OtlpKeyValue[]): void {
    const labels: Labels = { ...resourceLabels };
    for (const attribute of attributes) {
      if (attribute.key === 'service.name' || attribute.key === 'service.namespace' || attribute.key === 'service.instance.id') continue;
      setLabel(labels, attribute);
    }
    this.addSample('target_info', labels, INFO, '', '', { value: 1, timestamp: 0, startTimestamp: 0 });
  }

  private addMetric(metric: OtlpMetric, resourceLabels: Labels): void {
    const name = sanitizeMetricName(metric.name);
    const help = metric.description;
    const unit = metric.unit;
    if (metric.gauge) {
      for (const point of metric.gauge.dataPoints) {
        this.addSample(name, this.pointLabels(resourceLabels, point), GAUGE, help, unit, numberSample(point));
      }
    } else if (metric.sum) {
      const monotonic = metric.sum.isMonotonic;
      const seriesName = monotonic && !name.endsWith('_total') ? `${name}_total` : name;
      for (const point of metric.sum.dataPoints) {
        this.addSample(seriesName, this.pointLabels(resourceLabels, point), monotonic ? COUNTER : GAUGE, help, unit, numberSample(point));
      }
    } else if (metric.histogram) {
      for (const point of metric.histogram.dataPoints) {
        const labels = this.pointLabels(resourceLabels, point);
        const timestamp = millis(point.timeUnixNano);
        const startTimestamp = millis(point.startTimeUnixNano);
        let cumulative = 0;
        for (let i = 0; i < point.bucketCounts.length; i++) {
          cumulative += toNumber(point.bucketCounts[i]);
          const le = i < point.explicitBounds.length ? String(point.explicitBounds[i]) : '+Inf';
          this.addSample(`${name}_bucket`, { ...labels, le }, HISTOGRAM, help, unit, { value: cumulative, timestamp, startTimestamp });
        }
        this.addSample(`${name}_sum`, labels, HISTOGRAM, help, unit, { value: point.sum ?? 0, timestamp, startTimestamp });
        this.addSample(`${name}_count`, labels, HISTOGRAM, help, unit, { value: toNumber(point.count), timestamp, startTimestamp });
      }
    } else if (metric.exponentialHistogram) {
      for (const point of metric.exponentialHistogram.dataPoints) {
        const series = this.seriesFor(name, this.pointLabels(resourceLabels, point), HISTOGRAM, help, unit);
        series.histograms.push(nativeHistogram(point));
      }
    } else if (metric.summary) {
      for (const point of metric.summary.dataPoints) {
        const labels = this.pointLabels(resourceLabels, point);
        const timestamp = millis(point.timeUnixNano);
        const startTimestamp = millis(point.startTimeUnixNano);
        for (const { quantile, value } of point.quantileValues) {
          this.addSample(name, { ...labels, quantile: String(quantile) }, SUMMARY, help, unit, { value, timestamp, startTimestamp });
        }
        this.addSample(`${name}_sum`, labels, SUMMARY, help, unit, { value: point.sum, timestamp, startTimestamp });
        this.addSample(`${name}_count`, labels, SUMMARY, help, unit, { value: toNumber(point.count), timestamp, startTimestamp });
      }
    }
  }

  private pointLabels(resourceLabels: Labels, point: OtlpPointBase): Labels {
    const labels: Labels = { ...resourceLabels };
    for (const attribute of point.attributes) setLabel(labels, attribute);
    return labels;
  }

  private addSample(name: string, labels: Labels, type: number, help: string, unit: string, sample: Rw2Sample): void {
    this.seriesFor(name, labels, type, help, unit).samples.push(sample);
  }

  /** The series of `name` + `labels`, created on first use: series are keyed by their joined labels. */
  private seriesFor(name: string, labels: Labels, type: number, help: string, unit: string): Rw2TimeSeries {
    const sorted = Object.entries({ ...labels, __name__: name }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const key = sorted.map(([labelName, value]) => `${labelName}=${value}`).join(',');
    let series = this.series.get(key);
    if (series === undefined) {
      const labelsRefs: number[] = [];
      for (const [labelName, value] of sorted) labelsRefs.push(this.intern(labelName), this.intern(value));
      series = { labelsRefs, samples: [], histograms: [], metadata: { type, helpRef: this.intern(help), unitRef: this.intern(unit) } };
      this.series.set(key, series);
    }
    return series;
  }

  private intern(value: string): number {
    let index = this.symbolIndex.get(value);
    if (index === undefined) {
      index = this.symbols.length;
      this.symbols.push(value);
      this.symbolIndex.set(value, index);
    }
    return index;
  }
}

function toNumber(value: Int64 | null | undefined): number {
  // protobufjs leaves unset oneof and `optional` fields null.
  if (value == null) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

function millis(nanos: Int64): number {
  return Math.floor(toNumber(nanos) / 1e6);
}

function numberSample(point: OtlpNumberPoint): Rw2Sample {
  const value = point.asDouble ?? toNumber(point.asInt);
  return { value, timestamp: millis(point.timeUnixNano), startTimestamp: millis(point.startTimeUnixNano) };
}

function nativeHistogram(point: OtlpExponentialPoint): Rw2Histogram {
  const buckets = (side: { offset: number; bucketCounts: Int64[] } | undefined) => {
    const counts = side?.bucketCounts ?? [];
    if (counts.length === 0) return { spans: [], deltas: [] };
    // OTLP bucket i covers (base^(offset+i), base^(offset+i+1)]; Prometheus's index is one higher.
    const deltas: number[] = [];
    let previous = 0;
    for (const count of counts) {
      const current = toNumber(count);
      deltas.push(current - previous);
      previous = current;
    }
    return { spans: [{ offset: (side?.offset ?? 0) + 1, length: counts.length }], deltas };
  };
  const positive = buckets(point.positive);
  const negative = buckets(point.negative);
  return {
    countInt: toNumber(point.count),
    sum: point.sum ?? 0,
    schema: point.scale,
    zeroThreshold: point.zeroThreshold,
    zeroCountInt: toNumber(point.zeroCount),
    positiveSpans: positive.spans,
    positiveDeltas: positive.deltas,
    negativeSpans: negative.spans,
    negativeDeltas: negative.deltas,
    timestamp: millis(point.timeUnixNano),
    startTimestamp: millis(point.startTimeUnixNano),
  };
}

/** RW2 spec: label values must not be empty, so an empty attribute is no label. */
function setLabel(labels: Labels, attribute: OtlpKeyValue): void {
  const value = anyValueToString(attribute.value);
  if (value !== '') labels[sanitizeLabelName(attribute.key)] = value;
}

function findAttribute(attributes: OtlpKeyValue[], key: string): string | undefined {
  const attribute = attributes.find((candidate) => candidate.key === key);
  return attribute ? anyValueToString(attribute.value) : undefined;
}

function anyValueToString(value: OtlpAnyValue | null | undefined): string {
  if (value == null) return '';
  // protobufjs names the set member of a oneof in a virtual property named after the oneof: AnyValue's is `value`.
  switch (value.value) {
    case 'stringValue':
      return value.stringValue ?? '';
    case 'intValue':
      return String(toNumber(value.intValue));
    case 'doubleValue':
      return String(value.doubleValue);
    case 'boolValue':
      return String(value.boolValue);
    case undefined:
      return '';
    default:
      return JSON.stringify(value);
  }
}

function sanitizeMetricName(name: string): string {
  const sanitized = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(sanitized) ? `_${sanitized}` : sanitized;
}

function sanitizeLabelName(name: string): string {
  const sanitized = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(sanitized) ? `_${sanitized}` : sanitized;
}
