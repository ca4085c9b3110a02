import { WireError } from '../protobuf/errors.js';
import { ProtoReader, WireType } from '../protobuf/reader.js';
import { decodeKeyValue, resetCommonStacks } from './decode-protobuf-common.js';
import {
  decodeExponentialHistogramDataPoint,
  decodeHistogramDataPoint,
  decodeNumberDataPoint,
  decodeSummaryDataPoint,
  resetPointStacks,
} from './decode-protobuf-points.js';
import { OtlpDecodeError } from './errors.js';
import type {
  DataScanner,
  ExponentialHistogramDataPoint,
  ExportMetricsRequest,
  HistogramDataPoint,
  LazyPoints,
  Metric,
  MetricData,
  NumberDataPoint,
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
  const resourceMetrics: ResourceMetrics[] = [];
  forEachResourceMetrics(bytes, (decoded) => resourceMetrics.push(decoded));
  return { resourceMetrics };
}

/**
 * Decodes the request one ResourceMetrics at a time, handing each to `visit` before decoding the next,
 * so a large request never has more than one resource's objects alive (at 1M points the whole decoded
 * tree kept ~0.6 GB of objects for the garbage collector to trace). Throws OtlpDecodeError at the first
 * malformed byte, after visiting the resources before it; `visit` must not throw.
 *
 * `lazyPoints`: every metric keeps its data points as a byte range of `bytes` (MetricData.lazy), for
 * the wasm engine's fused path to walk; the points themselves are not decoded nor checked here.
 * `scanData` then reads each data message in place of the decoder's loop (DataScanner).
 */
export function forEachResourceMetrics(
  bytes: Uint8Array,
  visit: (resourceMetrics: ResourceMetrics) => void,
  options: { lazyPoints?: boolean; scanData?: DataScanner } = {},
): void {
  const reader = new ProtoReader(bytes);
  const where = new Where();
  resetStacks();
  lazyPoints = options.lazyPoints === true;
  scanData = lazyPoints ? options.scanData : undefined;
  try {
    while (reader.pos < bytes.length) {
      const tag = reader.tag();
      if (tag === ((1 << 3) | WireType.LEN)) {
        where.resource++;
        visit(decodeResourceMetrics(reader, reader.lengthDelimitedEnd(), where));
      } else reader.skip(tag & 7);
    }
  } catch (error) {
    if (error instanceof WireError) {
      throw new OtlpDecodeError(error.code, `${error.message} (byte ${error.offset})`, where.path(), error.offset);
    }
    throw error;
  } finally {
    lazyPoints = false;
    scanData = undefined;
    resetStacks();
  }
}

function resetStacks(): void {
  resetCommonStacks();
  resetPointStacks();
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

/** Whether the request being decoded leaves data points as bytes (forEachResourceMetrics). */
let lazyPoints = false;
/** Reads data messages when lazyPoints (forEachResourceMetrics). */
let scanData: DataScanner | undefined;

/**
 * The lazy data message [reader.pos, end) read by scanData, the reader moved to its end; undefined
 * when there is no scanner or it leaves the message to the decoder.
 */
function scannedData(reader: ProtoReader, end: number): { count: number; temporality: number; monotonic: boolean } | undefined {
  const scanned = scanData?.(reader.pos, end);
  if (scanned !== undefined) reader.pos = end;
  return scanned;
}

/** `data` with its points' byte range when decoding with `lazyPoints` (without the key otherwise: decoded trees compare equal). */
function withLazy(data: MetricData, start: number, end: number, count: number): MetricData {
  if (lazyPoints && data.type !== 'empty') data.lazy = { start, end, count } satisfies LazyPoints;
  return data;
}

/** Gauge (data_points 1) and Sum (data_points 1, aggregation_temporality 2, is_monotonic 3). */
function decodeNumberMetric(reader: ProtoReader, end: number, where: Where, type: 'gauge' | 'sum'): MetricData {
  const points: NumberDataPoint[] = [];
  const start = reader.pos;
  const scanned = scannedData(reader, end);
  let temporality = scanned?.temporality ?? 0;
  let monotonic = scanned !== undefined && scanned.monotonic;
  let lazyCount = scanned?.count ?? 0;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.LEN) && lazyPoints) {
      reader.pos = reader.lengthDelimitedEnd();
      lazyCount++;
    } else if (tag === ((1 << 3) | WireType.LEN)) {
      where.point = points.length;
      points.push(decodeNumberDataPoint(reader, reader.lengthDelimitedEnd()));
    } else if (type === 'sum' && tag === ((2 << 3) | WireType.VARINT)) temporality = reader.varint32();
    else if (type === 'sum' && tag === ((3 << 3) | WireType.VARINT)) monotonic = reader.bool();
    else reader.skip(tag & 7);
  }
  reader.endOf(end, type);
  where.point = -1;
  return withLazy(type === 'gauge' ? { type, points } : { type, points, temporality, monotonic }, start, end, lazyCount);
}

function decodeHistogramMetric(reader: ProtoReader, end: number, where: Where): MetricData {
  const points: HistogramDataPoint[] = [];
  const start = reader.pos;
  const scanned = scannedData(reader, end);
  let temporality = scanned?.temporality ?? 0;
  let lazyCount = scanned?.count ?? 0;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.LEN) && lazyPoints) {
      reader.pos = reader.lengthDelimitedEnd();
      lazyCount++;
    } else if (tag === ((1 << 3) | WireType.LEN)) {
      where.point = points.length;
      points.push(decodeHistogramDataPoint(reader, reader.lengthDelimitedEnd()));
    } else if (tag === ((2 << 3) | WireType.VARINT)) temporality = reader.varint32();
    else reader.skip(tag & 7);
  }
  reader.endOf(end, 'histogram');
  where.point = -1;
  return withLazy({ type: 'histogram', points, temporality }, start, end, lazyCount);
}

function decodeExponentialHistogramMetric(reader: ProtoReader, end: number, where: Where): MetricData {
  const points: ExponentialHistogramDataPoint[] = [];
  const start = reader.pos;
  const scanned = scannedData(reader, end);
  let temporality = scanned?.temporality ?? 0;
  let lazyCount = scanned?.count ?? 0;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.LEN) && lazyPoints) {
      reader.pos = reader.lengthDelimitedEnd();
      lazyCount++;
    } else if (tag === ((1 << 3) | WireType.LEN)) {
      where.point = points.length;
      points.push(decodeExponentialHistogramDataPoint(reader, reader.lengthDelimitedEnd()));
    } else if (tag === ((2 << 3) | WireType.VARINT)) temporality = reader.varint32();
    else reader.skip(tag & 7);
  }
  reader.endOf(end, 'exponentialHistogram');
  where.point = -1;
  return withLazy({ type: 'exponentialHistogram', points, temporality }, start, end, lazyCount);
}

function decodeSummaryMetric(reader: ProtoReader, end: number, where: Where): MetricData {
  const points: SummaryDataPoint[] = [];
  const start = reader.pos;
  let lazyCount = scannedData(reader, end)?.count ?? 0;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.LEN) && lazyPoints) {
      reader.pos = reader.lengthDelimitedEnd();
      lazyCount++;
    } else if (tag === ((1 << 3) | WireType.LEN)) {
      where.point = points.length;
      points.push(decodeSummaryDataPoint(reader, reader.lengthDelimitedEnd()));
    } else reader.skip(tag & 7);
  }
  reader.endOf(end, 'summary');
  where.point = -1;
  return withLazy({ type: 'summary', points }, start, end, lazyCount);
}
