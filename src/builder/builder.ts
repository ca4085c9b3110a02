import { type EngineKind, type SymbolEngine, createEngine } from '../engine/index.js';
import { LimitError, type Limits, resolveLimits, utf8ByteLength } from '../limits.js';
import { decodeExportMetricsRequestJson, fromJsonObject } from '../otlp/decode-json.js';
import { decodeExportMetricsRequest } from '../otlp/decode-protobuf.js';
import type { ExportMetricsRequest } from '../otlp/model.js';
import { ProtoWriter } from '../protobuf/writer.js';
import { type MetricMetadataV1, type TimeSeriesV1, encodeWriteRequestV1 } from '../rw/encode-v1.js';
import { type EncodeV2Options, encodeWriteRequestV2 } from '../rw/encode-v2.js';
import { countPoints } from '../rw/count-points.js';
import { snappyCompress } from '../rw/snappy.js';
import type { Labels, TimeSeries, WriteRequest } from '../rw/types.js';
import { type TranslationOptions, resolveTranslationOptions } from '../translate/options.js';
import type { FlatLabels } from '../translate/sink.js';
import { Translator } from '../translate/translate.js';
import { orderSamples } from './order-samples.js';
import { type DropStats, type SeriesRecord, SeriesTable } from './series-table.js';

export interface BuilderOptions extends TranslationOptions {
  /** The hot-path engine: 'wasm' (default) or 'js'. Both produce byte-identical requests. */
  engine?: EngineKind;
  /** Also write rc.3's TimeSeries.created_timestamp (field 6) for receivers before Prometheus 3.8. */
  createdTimestampField?: boolean;
  /** Resource limits on what one builder accepts (src/limits.ts); each defaults to a generous cap. */
  limits?: Partial<Limits>;
}

export type OtlpInputFormat = 'protobuf' | 'json';

export interface SplitOptions {
  /** At most this many series per request. Default: no limit. */
  maxSeriesPerRequest?: number;
  /** At most this many uncompressed protobuf bytes per request, unless one series alone is larger. */
  maxBatchBytes?: number;
  /** Partition series by label-set hash into this many shards. Default 1. */
  shards?: number;
  /** 'v2' (default) or 'v1' (`prometheus.WriteRequest`). */
  protobufMessage?: 'v2' | 'v1';
  /** Snappy-compress the bodies (default true). */
  compress?: boolean;
}

/** One Remote-Write request body with what it carries. */
export interface EncodedRequest {
  shard: number;
  protobufMessage: 'v2' | 'v1';
  body: Uint8Array;
  series: number;
  samples: number;
  histograms: number;
  exemplars: number;
}

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
  private readonly limits: Limits;
  private readonly series: SeriesTable;
  private readonly writer = new ProtoWriter();
  private readonly encodeOptions: EncodeV2Options;
  private requests = 0;
  /** The request assembled from `series`, cached until the next add/reset. */
  private built: TimeSeries[] | undefined;
  /** Whether samples are ordered since the last add. */
  private prepared = false;

  constructor(options: BuilderOptions = {}) {
    this.limits = resolveLimits(options.limits);
    this.series = new SeriesTable(this.limits);
    this.engine = createEngine(options.engine ?? 'wasm');
    const externalLabels = ownStringEntries(options.externalLabels);
    this.translator = new Translator(resolveTranslationOptions({ ...options, externalLabels }));
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
    this.checkRequestBytes(input);
    if (input instanceof Uint8Array) {
      request = format === 'json' ? decodeExportMetricsRequestJson(input) : decodeExportMetricsRequest(input);
    } else if (typeof input === 'string') request = decodeExportMetricsRequestJson(input);
    else request = fromJsonObject(input);
    return this.addRequest(request);
  }

  /** maxRequestBytes, before decoding. A parsed JSON object has no byte size and is not measured. */
  private checkRequestBytes(input: Uint8Array | string | object): void {
    const max = this.limits.maxRequestBytes;
    let bytes: number;
    if (input instanceof Uint8Array) bytes = input.length;
    else if (typeof input === 'string') {
      // UTF-8 needs at least one byte per UTF-16 code unit and at most three: count only in between.
      if (input.length * 3 <= max) return;
      bytes = input.length > max ? input.length : utf8ByteLength(input);
    } else return;
    if (bytes > max) throw new LimitError('maxRequestBytes', max, bytes, 'the OTLP request size in bytes');
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
    this.prepared = false;
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
    this.prepare();
    return this.encodeV1Records(this.series.records);
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
    this.prepared = false;
    return this;
  }

  get stats(): BuilderStats {
    return {
      requests: this.requests,
      ...countPoints(this.series.records),
      symbols: this.built === undefined ? 0 : this.engine.size,
      dropped: structuredClone(this.series.drops),
    };
  }

  /**
   * The series split into several Remote-Write requests, each with its own symbols table (the protocol
   * is stateless): partitioned into `shards` by a hash of the label set, so one series always lands in
   * the same shard and a sender can keep per-shard order, as Prometheus's queue manager does; then cut
   * so that no request has more than `maxSeriesPerRequest` series or (unless a single series is
   * larger) more than `maxBatchBytes` uncompressed bytes.
   */
  encodeRequests(options: SplitOptions = {}): EncodedRequest[] {
    this.prepare();
    // Each chunk re-fills the engine: the cached request is stale from the first one, even if a later
    // chunk throws (maxSymbols).
    this.built = undefined;
    const shards = Math.max(1, Math.floor(options.shards ?? 1));
    const maxSeries = Math.max(1, options.maxSeriesPerRequest ?? Number.POSITIVE_INFINITY);
    const maxBytes = options.maxBatchBytes ?? Number.POSITIVE_INFINITY;
    const message = options.protobufMessage ?? 'v2';
    const compress = options.compress ?? true;
    const byShard: SeriesRecord[][] = Array.from({ length: shards }, () => []);
    for (const record of this.series.records) byShard[shards === 1 ? 0 : shardOf(record.key, shards)].push(record);
    const requests: EncodedRequest[] = [];
    const emit = (shard: number, records: SeriesRecord[]): void => {
      const bytes = message === 'v1' ? this.encodeV1Records(records) : this.encodeV2Records(records);
      if (bytes.length > maxBytes && records.length > 1) {
        const half = Math.ceil(records.length / 2);
        emit(shard, records.slice(0, half));
        emit(shard, records.slice(half));
        return;
      }
      const body = compress ? snappyCompress(bytes) : bytes;
      requests.push({ shard, protobufMessage: message, body, ...countPoints(records) });
    };
    byShard.forEach((records, shard) => {
      for (let start = 0; start < records.length; start += Number.isFinite(maxSeries) ? maxSeries : records.length) {
        emit(shard, records.slice(start, start + (Number.isFinite(maxSeries) ? maxSeries : records.length)));
      }
    });
    // The engine now holds the last chunk's symbols.
    this.built = undefined;
    return requests;
  }

  /** Orders every series' samples once per batch of adds. */
  private prepare(): void {
    if (this.prepared) return;
    for (const record of this.series.records) orderSamples(record, this.series.drops);
    this.prepared = true;
  }

  private assemble(): TimeSeries[] {
    if (this.built !== undefined) return this.built;
    this.prepare();
    this.built = this.assembleRecords(this.series.records);
    return this.built;
  }

  private encodeV2Records(records: readonly SeriesRecord[]): Uint8Array {
    const timeseries = this.assembleRecords(records);
    this.writer.reset();
    encodeWriteRequestV2(this.writer, this.engine, timeseries, this.encodeOptions);
    return this.writer.finish();
  }

  private encodeV1Records(records: readonly SeriesRecord[]): Uint8Array {
    const timeseries: TimeSeriesV1[] = [];
    const metadata = new Map<string, MetricMetadataV1>();
    for (const record of records) {
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

  /**
   * Interns the distinct strings of `records` (labels, help, unit, exemplar labels) in one engine batch,
   * from an empty table, in first-use order, and resolves references into TimeSeries.
   */
  private assembleRecords(records: readonly SeriesRecord[]): TimeSeries[] {
    const ids = this.series.strings;
    // Ids for the strings that are not labels; may add ids, so before sizing `position`.
    const metadataIds = new Array<number>(records.length * 2);
    const exemplarIds: number[][][] = new Array(records.length);
    for (let r = 0; r < records.length; r++) {
      const record = records[r];
      metadataIds[2 * r] = ids.id(record.metadata.help);
      metadataIds[2 * r + 1] = ids.id(record.metadata.unit);
      if (record.exemplars.length > 0) exemplarIds[r] = record.exemplars.map((exemplar) => exemplar.labels.map((label) => ids.id(label)));
    }
    const emptyId = ids.id('');
    // Each used id's place in `unique` + 1 (0: not used yet); symbols are numbered in first-use order.
    const position = new Int32Array(ids.strings.length);
    const unique: string[] = [];
    const use = (id: number): void => {
      if (position[id] === 0) position[id] = unique.push(ids.strings[id]);
    };
    for (let r = 0; r < records.length; r++) {
      for (const id of records[r].labelIds) use(id);
      use(metadataIds[2 * r]);
      use(metadataIds[2 * r + 1]);
      const exemplarLabelIds = exemplarIds[r];
      if (exemplarLabelIds !== undefined) for (const labelIds of exemplarLabelIds) for (const id of labelIds) use(id);
    }
    // RW2 spec: symbols[0] is "", always present; checked before the engine is touched, so a request
    // over the limit leaves the engine and the last built request as they were.
    const symbolCount = unique.length + (position[emptyId] === 0 ? 1 : 0);
    if (symbolCount > this.limits.maxSymbols) {
      throw new LimitError('maxSymbols', this.limits.maxSymbols, symbolCount, 'the symbol count of one Remote-Write request');
    }
    const refs = new Uint32Array(unique.length);
    this.engine.reset();
    this.engine.internBatch(unique, unique.length, refs);
    const symbolOf = (id: number): number => refs[position[id] - 1];
    const timeseries: TimeSeries[] = new Array(records.length);
    for (let r = 0; r < records.length; r++) {
      const record = records[r];
      const labelIds = record.labelIds;
      const labelsRefs: number[] = new Array(labelIds.length);
      for (let i = 0; i < labelIds.length; i++) labelsRefs[i] = symbolOf(labelIds[i]);
      const metadata = { type: record.metadata.type, helpRef: symbolOf(metadataIds[2 * r]), unitRef: symbolOf(metadataIds[2 * r + 1]) };
      const exemplarLabelIds = exemplarIds[r];
      const exemplars =
        exemplarLabelIds === undefined
          ? []
          : record.exemplars.map((exemplar, e) => ({ labelsRefs: exemplarLabelIds[e].map(symbolOf), value: exemplar.value, timestamp: exemplar.timestamp }));
      timeseries[r] = { labelsRefs, samples: record.samples, histograms: record.histograms, exemplars, metadata };
    }
    return timeseries;
  }
}

/**
 * The own string-valued entries of a user's externalLabels, in a null-prototype object: the translator
 * walks it with `for...in`, which would also visit enumerable properties inherited from a polluted
 * Object.prototype, and a `__proto__` label must stay an ordinary label.
 */
function ownStringEntries(labels: Record<string, string> | undefined): Record<string, string> {
  const own: Record<string, string> = Object.create(null);
  if (labels === undefined) return own;
  for (const name of Object.keys(labels)) {
    const value = labels[name];
    if (typeof value !== 'string') throw new TypeError(`externalLabels.${name} must be a string, not ${typeof value}`);
    Object.defineProperty(own, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return own;
}

/** FNV-1a over the label-set key: stable across processes, so a series keeps its shard. */
function shardOf(key: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

function pairs(flat: FlatLabels): Labels {
  const labels: Labels = [];
  for (let i = 0; i < flat.length; i += 2) labels.push({ name: flat[i], value: flat[i + 1] });
  return labels;
}
