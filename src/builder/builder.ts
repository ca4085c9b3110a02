import { type EngineKind, type SymbolEngine, createEngine } from '../engine/index.js';
import { decodeExportMetricsRequestJson, fromJsonObject } from '../otlp/decode-json.js';
import { decodeExportMetricsRequest } from '../otlp/decode-protobuf.js';
import type { ExportMetricsRequest } from '../otlp/model.js';
import { ProtoWriter } from '../protobuf/writer.js';
import { type MetricMetadataV1, type TimeSeriesV1, encodeWriteRequestV1 } from '../rw/encode-v1.js';
import { type EncodeV2Options, encodeWriteRequestV2 } from '../rw/encode-v2.js';
import { snappyCompress } from '../rw/snappy.js';
import type { Labels, TimeSeries, WriteRequest } from '../rw/types.js';
import { type TranslationOptions, resolveTranslationOptions } from '../translate/options.js';
import type { FlatLabels } from '../translate/sink.js';
import { Translator } from '../translate/translate.js';
import { orderSamples } from './order-samples.js';
import { type DropStats, SeriesTable } from './series-table.js';

export interface BuilderOptions extends TranslationOptions {
  /** The hot-path engine: 'wasm' (default) or 'js'. Both produce byte-identical requests. */
  engine?: EngineKind;
  /** Also write rc.3's TimeSeries.created_timestamp (field 6) for receivers before Prometheus 3.8. */
  createdTimestampField?: boolean;
}

export type OtlpInputFormat = 'protobuf' | 'json';

export interface BuilderStats {
  /** OTLP requests added since the last reset. */
  requests: number;
  series: number;
  samples: number;
  histograms: number;
  exemplars: number;
  /** Symbols in the last built request ("" included); 0 before build/encode. */
  symbols: number;
  dropped: DropStats;
}

/**
 * Converts OTLP export requests into one Prometheus Remote-Write 2.0 request.
 *
 *   const builder = new V2WriteRequestBuilder();
 *   builder.add(otlpProtobufBytes);       // or OTLP JSON text, or a parsed OTLP JSON object
 *   const body = builder.encodeSnappy();  // POST to /api/v1/write
 *   builder.reset();                      // reuse for the next request
 *
 * A request that fails (bad bytes, or a metric rejected with onInvalidMetric 'reject') throws a typed
 * error and leaves the builder exactly as it was before that add().
 */
export class V2WriteRequestBuilder {
  private readonly engine: SymbolEngine;
  private readonly translator: Translator;
  private readonly series = new SeriesTable();
  private readonly writer = new ProtoWriter();
  private readonly encodeOptions: EncodeV2Options;
  private requests = 0;
  /** The request assembled from `series`, cached until the next add/reset. */
  private built: TimeSeries[] | undefined;

  constructor(options: BuilderOptions = {}) {
    this.engine = createEngine(options.engine ?? 'wasm');
    this.translator = new Translator(resolveTranslationOptions(options));
    this.encodeOptions = { createdTimestampField: options.createdTimestampField ?? false };
  }

  get engineKind(): EngineKind {
    return this.engine.kind;
  }

  /**
   * Adds one OTLP ExportMetricsServiceRequest: protobuf bytes (a Uint8Array, unless `format` is
   * 'json'), OTLP JSON text, or an already parsed OTLP JSON object.
   */
  add(input: Uint8Array | string | object, format?: OtlpInputFormat): this {
    let request: ExportMetricsRequest;
    if (input instanceof Uint8Array) {
      request = format === 'json' ? decodeExportMetricsRequestJson(input) : decodeExportMetricsRequest(input);
    } else if (typeof input === 'string') request = decodeExportMetricsRequestJson(input);
    else request = fromJsonObject(input);
    return this.addRequest(request);
  }

  /** Adds a request already in the internal OTLP shape (see src/otlp/model.ts). */
  addRequest(request: ExportMetricsRequest): this {
    this.series.begin();
    try {
      this.translator.translate(request, this.series);
    } catch (error) {
      this.series.rollback();
      throw error;
    }
    this.requests++;
    this.built = undefined;
    return this;
  }

  /** The RW2 request as plain objects. */
  build(): WriteRequest {
    const timeseries = this.assemble();
    const symbols: string[] = new Array(this.engine.size);
    for (let i = 0; i < symbols.length; i++) symbols[i] = this.engine.resolve(i);
    return { symbols, timeseries };
  }

  /** The RW2 request as protobuf bytes (uncompressed). */
  encode(): Uint8Array {
    const timeseries = this.assemble();
    this.writer.reset();
    encodeWriteRequestV2(this.writer, this.engine, timeseries, this.encodeOptions);
    return this.writer.finish();
  }

  /** The RW2 request as the body Remote-Write sends: protobuf, snappy block compressed. */
  encodeSnappy(): Uint8Array {
    return snappyCompress(this.encode());
  }

  /**
   * The same series as an RW1 `prometheus.WriteRequest` (for receivers that answer 415 to RW2), with
   * one MetricMetadata per metric family. RW1 has no start timestamps.
   */
  encodeV1(): Uint8Array {
    this.assemble();
    const timeseries: TimeSeriesV1[] = [];
    const metadata = new Map<string, MetricMetadataV1>();
    for (const record of this.series.records) {
      timeseries.push({
        labels: pairs(record.labels),
        samples: record.samples,
        histograms: record.histograms,
        exemplars: record.exemplars.map((exemplar) => ({ labels: pairs(exemplar.labels), value: exemplar.value, timestamp: exemplar.timestamp })),
      });
      const { type, family, help, unit } = record.metadata;
      metadata.set(family, { type, metricFamilyName: family, help, unit });
    }
    this.writer.reset();
    encodeWriteRequestV1(this.writer, timeseries, [...metadata.values()]);
    return this.writer.finish();
  }

  encodeV1Snappy(): Uint8Array {
    return snappyCompress(this.encodeV1());
  }

  /** Forgets every series and symbol; keeps buffers and the engine's capacity. */
  reset(): this {
    this.series.reset();
    this.engine.reset();
    this.requests = 0;
    this.built = undefined;
    return this;
  }

  get stats(): BuilderStats {
    let samples = 0;
    let histograms = 0;
    let exemplars = 0;
    for (const record of this.series.records) {
      samples += record.samples.length;
      histograms += record.histograms.length;
      exemplars += record.exemplars.length;
    }
    return {
      requests: this.requests,
      series: this.series.records.length,
      samples,
      histograms,
      exemplars,
      symbols: this.built === undefined ? 0 : this.engine.size,
      dropped: structuredClone(this.series.drops),
    };
  }

  /**
   * Orders samples, interns every string (labels, help, unit, exemplar labels) in one engine batch
   * and resolves references into TimeSeries. Symbols are numbered in first-use order.
   */
  private assemble(): TimeSeries[] {
    if (this.built !== undefined) return this.built;
    const records = this.series.records;
    const strings: string[] = [];
    for (const record of records) {
      orderSamples(record, this.series.drops);
      for (const label of record.labels) strings.push(label);
      strings.push(record.metadata.help, record.metadata.unit);
      for (const exemplar of record.exemplars) for (const label of exemplar.labels) strings.push(label);
    }
    const refs = new Uint32Array(strings.length);
    this.engine.reset();
    this.engine.internBatch(strings, strings.length, refs);
    let next = 0;
    const timeseries: TimeSeries[] = new Array(records.length);
    for (let r = 0; r < records.length; r++) {
      const record = records[r];
      const labelsRefs = Array.from(refs.subarray(next, next + record.labels.length));
      next += record.labels.length;
      const metadata = { type: record.metadata.type, helpRef: refs[next], unitRef: refs[next + 1] };
      next += 2;
      const exemplars = record.exemplars.map((exemplar) => {
        const labelsRefs = Array.from(refs.subarray(next, next + exemplar.labels.length));
        next += exemplar.labels.length;
        return { labelsRefs, value: exemplar.value, timestamp: exemplar.timestamp };
      });
      timeseries[r] = { labelsRefs, samples: record.samples, histograms: record.histograms, exemplars, metadata };
    }
    this.built = timeseries;
    return timeseries;
  }
}

function pairs(flat: FlatLabels): Labels {
  const labels: Labels = [];
  for (let i = 0; i < flat.length; i += 2) labels.push({ name: flat[i], value: flat[i + 1] });
  return labels;
}
