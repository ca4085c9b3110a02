// Re-encoding a request body the client already holds: RW2 -> RW1 for the 415 fallback, and cutting a
// request in two after a 413. Working from the bytes (not from the builder) keeps the client
// independent of builder state: by the time a queued request is answered, its builder has long been
// reset and reused.
import { ProtoWriter } from '../protobuf/writer.js';
import { type MetricMetadataV1, type TimeSeriesV1, encodeWriteRequestV1 } from '../rw/encode-v1.js';
import { JsSymbolEngine } from '../engine/js.js';
import { countPoints } from '../rw/count-points.js';
import { encodeWriteRequestV2 } from '../rw/encode-v2.js';
import { type ReadWriteRequestV2, readWriteRequest } from '../rw/read.js';
import { snappyCompress } from '../rw/snappy.js';
import { type Labels, MetricType, type TimeSeries } from '../rw/types.js';
import type { ProtobufMessage, RemoteWriteRequest } from './outcome.js';

/** The same series as an RW1 `prometheus.WriteRequest` (start timestamps and custom bucket bounds dropped: RW1 has neither). */
export function reencodeAsV1(request: RemoteWriteRequest): RemoteWriteRequest {
  if ((request.protobufMessage ?? 'v2') === 'v1') return request;
  const decoded = readWriteRequest(request.body);
  return { ...request, protobufMessage: 'v1', body: encodeV1(decoded.timeseries) };
}

/**
 * The request cut into two requests of about half the series each (each with its own symbols table
 * for RW2), or undefined when it holds fewer than two series.
 */
export function splitInHalves(request: RemoteWriteRequest): [RemoteWriteRequest, RemoteWriteRequest] | undefined {
  const message: ProtobufMessage = request.protobufMessage ?? 'v2';
  if (message === 'v1') {
    const decoded = readWriteRequest(request.body, { protobufMessage: 'v1' });
    const series = decoded.timeseries;
    if (series.length < 2) return undefined;
    const half = Math.ceil(series.length / 2);
    return [series.slice(0, half), series.slice(half)].map((part) => {
      // Keep the metadata of the families this half's series may belong to.
      const names = new Set<string>();
      for (const s of part) {
        const name = metricName(s.labels);
        names.add(name).add(name.replace(SUFFIX, ''));
      }
      const metadata = decoded.metadata.filter((m) => names.has(m.metricFamilyName));
      return { ...request, ...countPoints(part), body: writeV1(part, metadata) };
    }) as [RemoteWriteRequest, RemoteWriteRequest];
  }
  const decoded = readWriteRequest(request.body);
  const series = decoded.timeseries;
  if (series.length < 2) return undefined;
  const half = Math.ceil(series.length / 2);
  return [series.slice(0, half), series.slice(half)].map((part) => ({ ...request, ...countPoints(part), body: encodeV2(decoded.symbols, part) })) as [
    RemoteWriteRequest,
    RemoteWriteRequest,
  ];
}

/** RW2 series re-interned into a fresh symbols table holding only what they use ("" first). */
function encodeV2(symbols: readonly string[], series: readonly TimeSeries[]): Uint8Array {
  // A slow path (413): the pure-TS engine re-interns what this half uses.
  const engine = new JsSymbolEngine();
  const ref = (old: number): number => engine.intern(symbols[old]);
  const remapped: TimeSeries[] = series.map((s) => ({
    labelsRefs: s.labelsRefs.map(ref),
    samples: s.samples,
    histograms: s.histograms,
    exemplars: s.exemplars.map((e) => ({ ...e, labelsRefs: e.labelsRefs.map(ref) })),
    metadata: { type: s.metadata.type, helpRef: ref(s.metadata.helpRef), unitRef: ref(s.metadata.unitRef) },
  }));
  const writer = new ProtoWriter(1024);
  encodeWriteRequestV2(writer, engine, remapped);
  return snappyCompress(writer.finish());
}

function encodeV1(series: ReadWriteRequestV2['timeseries']): Uint8Array {
  const timeseries: TimeSeriesV1[] = [];
  const metadata = new Map<string, MetricMetadataV1>();
  for (const s of series) {
    timeseries.push({ labels: s.labels, samples: s.samples, histograms: s.histograms, exemplars: s.exemplars });
    const family = familyOf(s.labels, s.metadata.type);
    if (!metadata.has(family)) metadata.set(family, { type: s.metadata.type, metricFamilyName: family, help: s.help, unit: s.unit });
  }
  return writeV1(timeseries, [...metadata.values()]);
}

function writeV1(timeseries: readonly TimeSeriesV1[], metadata: readonly MetricMetadataV1[]): Uint8Array {
  const writer = new ProtoWriter(1024);
  encodeWriteRequestV1(writer, timeseries, metadata);
  return snappyCompress(writer.finish());
}

/**
 * RW1 metadata is per metric family; RW2 carries it per series. The family of a classic histogram's or
 * summary's `_bucket`/`_sum`/`_count` series is the name without the suffix (as the builder's own RW1
 * encoding names it); any other series' family is its `__name__`.
 */
function familyOf(labels: Labels, type: MetricType): string {
  const name = metricName(labels);
  const classic = type === MetricType.HISTOGRAM || type === MetricType.GAUGEHISTOGRAM || type === MetricType.SUMMARY;
  return classic ? name.replace(SUFFIX, '') : name;
}

const SUFFIX = /_(bucket|sum|count)$/;

function metricName(labels: Labels): string {
  return labels.find((l) => l.name === '__name__')?.value ?? '';
}
