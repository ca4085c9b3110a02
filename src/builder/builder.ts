import { type EngineKind, type SymbolEngine, createEngine } from '../engine/index.js';
import { FastPathDeclinedError } from '../engine/errors.js';
import { type FusedRequest, fastPathCounts } from '../engine/fused-request.js';
import { LimitError, type Limits, resolveLimits, utf8ByteLength } from '../limits.js';
import { decodeExportMetricsRequestJson, fromJsonObject } from '../otlp/decode-json.js';
import { forEachResourceMetrics } from '../otlp/decode-protobuf.js';
import { type ExportMetricsRequest, resourceDataPoints } from '../otlp/model.js';
import { ProtoWriter } from '../protobuf/writer.js';
import type { EncodeV2Options } from '../rw/encode-v2.js';
import { SnappyBlockWriter, snappyCompress } from '../rw/snappy.js';
import type { WriteRequest } from '../rw/types.js';
import { type TranslationOptions, resolveTranslationOptions } from '../translate/options.js';
import { Translator } from '../translate/translate.js';
import { RequestAssembler } from './assemble.js';
import { SampleColumns } from './columns.js';
import { type SeriesRows, orderSeriesRows } from './order-samples.js';
import { SeriesHasher } from './series-hash.js';
import { type DropStats, SeriesTable } from './series-table.js';
import { writeSeriesV1 } from './write-v1.js';

/** encodeSnappy compresses once this much is written (rounded down to whole 64 KiB snappy blocks). */
const SNAPPY_DRAIN_BYTES = 1024 * 1024;
/**
 * A fused request up to this size is compressed in one call, as snappyCompress would: no pieces to
 * join (at 10k points, 3.2 MB, -0.13 ms p10 / -0.35 ms p50 of 4.2 ms). Larger ones go a megabyte at a
 * time, so snappy-wasm's memory, which it keeps, stays ~2x this.
 */
const SNAPPY_ONE_CALL_BYTES = 4 * 1024 * 1024;

export interface BuilderOptions extends TranslationOptions {
  /** The hot-path engine: 'wasm' (default) or 'js'. Both produce byte-identical requests. */
  engine?: EngineKind;
  /** Also write rc.3's TimeSeries.created_timestamp (field 6) for receivers before Prometheus 3.8. */
  createdTimestampField?: boolean;
  /** Resource limits on what one builder accepts (src/limits.ts); each defaults to a generous cap. */
  limits?: Partial<Limits>;
  /**
   * Whether the wasm engine may take requests through its fast path (default true): protobuf add()s
   * after a reset are translated and, by encode(), encodeSnappy() or encodeRequests() (RW2), written in
   * WASM. Anything else after them (build, RW1, OTLP JSON, a request the fast path declines) first
   * translates them again the general way, so turn it off where that is the rule (requests always
   * sent as RW1).
   */
  fastPath?: boolean;
}

/**
 * Larger requests take the general path: the fast path's tables stay allocated for the builder's
 * life, and at 1M points (~230 MB of OTLP) they reached 1.7 GB of WASM memory (the general path: 91 MB).
 */
const FAST_PATH_MAX_REQUEST_BYTES = 32 * 1024 * 1024;

export type OtlpInputFormat = 'protobuf' | 'json';

export interface SplitOptions {
  /** At most this many series per request. Default: no limit. */
  maxSeriesPerRequest?: number;
  /** At most this many uncompressed protobuf bytes per request, unless one series alone is larger. */
  maxBatchBytes?: number;
  /** Partition series into this many shards by a hash of their labels (see series-hash.ts). Default 1. */
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
  /** OTLP data points in them, translated or dropped. */
  dataPoints: number;
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
  private readonly assembler: RequestAssembler;
  private requests = 0;
  /** OTLP data points of the requests added (BuilderStats.dataPoints), and of the one being added. */
  private dataPoints = 0;
  private pendingDataPoints = 0;
  /** Series rows ordered since the last add, or undefined. */
  private rows: SeriesRows | undefined;
  /** Whether the engine holds the symbols of all series since the last add (encode/build cached). */
  private symbolized = false;
  /** The second buffer orderSeriesRows writes into. */
  private spare = new SampleColumns();
  /** 0, 1, 2, ...: the list of all series. */
  private all: Int32Array = new Int32Array(0);
  /** The wasm engine's fused path (undefined with the js engine). */
  private readonly fused: FusedRequest | undefined;
  /**
   * Whether the builder's one request is held by the fused path (the series table is empty): then
   * encode() and encodeSnappy() write it from WASM, and anything else replays it first (replayFused).
   */
  private holdsFused = false;
  /** Whether the held request's bytes were written (stats().symbols, as after the general path's encode). */
  private fusedEncoded = false;

  constructor(options: BuilderOptions = {}) {
    this.limits = resolveLimits(options.limits);
    this.series = new SeriesTable(this.limits);
    this.engine = createEngine(options.engine ?? 'wasm');
    this.assembler = new RequestAssembler(this.series, this.engine, this.limits.maxSymbols);
    const externalLabels = ownStringEntries(options.externalLabels);
    this.translator = new Translator(resolveTranslationOptions({ ...options, externalLabels }));
    this.encodeOptions = { createdTimestampField: options.createdTimestampField ?? false };
    this.fused = options.fastPath === false ? undefined : this.engine.fusedRequest?.(this.translator.pointRules(), this.limits, this.encodeOptions.createdTimestampField === true);
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
    if (input instanceof Uint8Array && format !== 'json') {
      if ((this.requests === 0 || this.holdsFused) && this.tryFused(input)) return this;
      this.replayFused();
      return this.addProtobuf(input);
    }
    this.replayFused();
    if (input instanceof Uint8Array) {
      request = decodeExportMetricsRequestJson(input);
    } else if (typeof input === 'string') request = decodeExportMetricsRequestJson(input);
    else request = fromJsonObject(input);
    return this.addRequest(request);
  }

  /**
   * Decodes and translates protobuf one ResourceMetrics at a time. Errors keep the order of decoding
   * everything first: once translating fails, the rest is still decoded, and a decode error there wins.
   */
  private addProtobuf(bytes: Uint8Array): this {
    this.series.begin();
    const context = this.translator.startRequest(this.series);
    let translationFailed = false;
    let translationError: unknown;
    this.pendingDataPoints = 0;
    try {
      forEachResourceMetrics(bytes, (resourceMetrics) => {
        this.pendingDataPoints += resourceDataPoints(resourceMetrics);
        if (translationFailed) return;
        try {
          this.translator.translateResource(resourceMetrics, context);
        } catch (error) {
          translationFailed = true;
          translationError = error;
        }
      });
    } catch (error) {
      this.series.rollback();
      this.assembler.setsChanged();
      throw error;
    }
    if (translationFailed) {
      this.series.rollback();
      this.assembler.setsChanged();
      throw translationError;
    }
    return this.added();
  }

  /**
   * The fused path (wasm engine, protobuf requests added to an empty builder or to ones the fused path
   * holds): the translator's rules above the points, the module for the points and the bytes. True
   * when it took the request; false when it declined (anything it cannot produce exactly as the
   * general path would, including every error: the general path then throws its own). A declined
   * first request changes nothing but caches; a declined later one leaves the held requests to be
   * replayed (replayFused), as the module's tables hold part of it.
   */
  private tryFused(bytes: Uint8Array): boolean {
    const fused = this.fused;
    const appending = this.holdsFused;
    if (fused === undefined || (appending ? fused.heldBytes : 0) + bytes.length > FAST_PATH_MAX_REQUEST_BYTES) return false;
    let dataPoints = 0;
    try {
      if (appending) fused.append(bytes);
      else fused.begin(bytes);
      const context = this.translator.startRequest(fused);
      let declined = false;
      forEachResourceMetrics(
        bytes,
        (resourceMetrics) => {
          dataPoints += resourceDataPoints(resourceMetrics);
          if (declined) return;
          try {
            this.translator.translateWalkedResource(resourceMetrics, context, fused);
          } catch {
            declined = true;
          }
        },
        { lazyPoints: true, scanData: fused.scanData },
      );
      if (declined) throw new Error('declined');
      fused.finish();
    } catch {
      fused.abandon();
      fastPathCounts.declined++;
      return false;
    }
    fastPathCounts.accepted++;
    this.holdsFused = true;
    this.fusedEncoded = false;
    this.requests++;
    this.dataPoints += dataPoints;
    return true;
  }

  /**
   * Before anything but encode/encodeSnappy/stats and a fused add(): the held fused requests go
   * through the general path, one add each, as they came.
   */
  private replayFused(): void {
    if (!this.holdsFused || this.fused === undefined) return;
    const requests = this.fused.requestBytes();
    fastPathCounts.replayed++;
    const held = { requests: this.requests, dataPoints: this.dataPoints };
    this.requests = 0;
    this.dataPoints = 0;
    try {
      for (const bytes of requests) this.addProtobuf(bytes);
    } catch (error) {
      // The general path refused what the fast path took (it should not). The general path's part is
      // dropped and the requests stay held: after a declined add() the module's tables also hold part
      // of that request, so they are made again from the held requests.
      this.series.reset();
      this.engine.reset();
      this.assembler.setsChanged();
      if (!this.fused.intact) this.refillFused(requests);
      this.requests = held.requests;
      this.dataPoints = held.dataPoints;
      throw error;
    }
    this.holdsFused = false;
    // The general path's encode would have left its symbols in the engine (stats().symbols).
    if (this.fusedEncoded) this.symbolizeAll();
  }

  /** The fused path's tables made again from the held requests (they were taken before, so they are again). */
  private refillFused(requests: Uint8Array[]): void {
    this.holdsFused = false;
    for (const bytes of requests) {
      if (!this.tryFused(bytes)) throw new Error('the fast path declined a request it had taken');
    }
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
    this.replayFused();
    this.series.begin();
    this.pendingDataPoints = 0;
    for (const resourceMetrics of request.resourceMetrics) this.pendingDataPoints += resourceDataPoints(resourceMetrics);
    try {
      this.translator.translate(request, this.series);
    } catch (error) {
      this.series.rollback();
      this.assembler.setsChanged();
      throw error;
    }
    return this.added();
  }

  /** Bookkeeping after a request was added whole. */
  private added(): this {
    this.requests++;
    this.dataPoints += this.pendingDataPoints;
    this.rows = undefined;
    this.symbolized = false;
    this.assembler.setsChanged();
    return this;
  }

  /** The RW2 request as plain objects. */
  build(): WriteRequest {
    this.replayFused();
    const rows = this.symbolizeAll();
    const timeseries = this.assembler.timeSeries(rows, this.allSeries());
    const symbols: string[] = new Array(this.engine.size);
    for (let i = 0; i < symbols.length; i++) symbols[i] = this.engine.resolve(i);
    return { symbols, timeseries };
  }

  /** The RW2 request as protobuf bytes (uncompressed). */
  encode(): Uint8Array {
    const fusedBytes = this.fusedBytes();
    if (fusedBytes !== undefined) return fusedBytes.slice();
    const rows = this.symbolizeAll();
    this.writer.reset();
    this.assembler.write(this.writer, rows, this.allSeries(), this.encodeOptions);
    return this.writer.finish();
  }

  /** The RW2 request as the body Remote-Write sends: protobuf, snappy block compressed. */
  encodeSnappy(): Uint8Array {
    const fusedBytes = this.fusedBytes();
    if (fusedBytes !== undefined) return this.compressFused(fusedBytes);
    const rows = this.symbolizeAll();
    const writer = this.writer;
    const compressor = new SnappyBlockWriter();
    // Compressed a megabyte or so at a time: at 1M points the uncompressed request is ~300 MB.
    const drain = (last: boolean) => writer.dropFront(compressor.push(writer.buf.subarray(0, writer.pos), last));
    writer.reset();
    this.assembler.write(writer, rows, this.allSeries(), this.encodeOptions, () => {
      if (writer.pos >= SNAPPY_DRAIN_BYTES) drain(false);
    });
    drain(true);
    return compressor.finish();
  }

  /**
   * The held fused requests as RW2 bytes (a view of WASM memory), or undefined when none are held or
   * the module cannot write them: then they are replayed, for the general path to write (or refuse).
   */
  private fusedBytes(): Uint8Array | undefined {
    if (!this.holdsFused || this.fused === undefined) return undefined;
    try {
      const bytes = this.fused.write();
      this.fusedEncoded = true;
      return bytes;
    } catch (error) {
      if (!(error instanceof FastPathDeclinedError)) throw error;
      this.replayFused();
      return undefined;
    }
  }

  /** encodeSnappy of the fused request's bytes: compressed from WASM memory a megabyte or so at a time. */
  private compressFused(bytes: Uint8Array): Uint8Array {
    if (bytes.length <= SNAPPY_ONE_CALL_BYTES) return snappyCompress(bytes);
    const compressor = new SnappyBlockWriter();
    let at = 0;
    while (bytes.length - at > SNAPPY_DRAIN_BYTES) at += compressor.push(bytes.subarray(at, at + SNAPPY_DRAIN_BYTES));
    compressor.push(bytes.subarray(at), true);
    return compressor.finish();
  }

  /**
   * The same series as an RW1 `prometheus.WriteRequest` (for receivers that answer 415 to RW2), with
   * one MetricMetadata per metric family. RW1 has no start timestamps.
   */
  encodeV1(): Uint8Array {
    this.replayFused();
    return this.encodeV1Series(this.prepare(), this.allSeries()).slice();
  }

  encodeV1Snappy(): Uint8Array {
    this.replayFused();
    return snappyCompress(this.encodeV1Series(this.prepare(), this.allSeries()));
  }

  /** Forgets every series and symbol; keeps buffers and the engine's capacity. */
  reset(): this {
    this.holdsFused = false;
    this.series.reset();
    this.engine.reset();
    this.requests = 0;
    this.dataPoints = 0;
    this.rows = undefined;
    this.symbolized = false;
    this.assembler.setsChanged();
    return this;
  }

  get stats(): BuilderStats {
    const table = this.series;
    const fused = this.fused;
    if (this.holdsFused && fused !== undefined) {
      return {
        requests: this.requests,
        dataPoints: this.dataPoints,
        series: fused.seriesCount,
        samples: fused.sampleCount,
        histograms: fused.histogramCount,
        exemplars: 0,
        symbols: this.fusedEncoded ? fused.symbolCount : 0,
        dropped: structuredClone(table.drops),
      };
    }
    return {
      requests: this.requests,
      dataPoints: this.dataPoints,
      series: table.size,
      samples: table.samples.length,
      histograms: table.histograms.length,
      exemplars: table.exemplars.length,
      symbols: this.symbolized ? this.engine.size : 0,
      dropped: structuredClone(table.drops),
    };
  }

  /**
   * The series split into several Remote-Write requests, each with its own symbols table (the protocol
   * is stateless): partitioned into `shards` by a hash of the labels (without `le`, `quantile` and a
   * `_bucket`/`_sum`/`_count` suffix: a point's series stay together), so one series always lands in
   * the same shard and a sender can keep per-shard order, as Prometheus's queue manager does; then cut
   * so that no request has more than `maxSeriesPerRequest` series or (unless a single series is
   * larger) more than `maxBatchBytes` uncompressed bytes.
   */
  encodeRequests(options: SplitOptions = {}): EncodedRequest[] {
    const message = options.protobufMessage ?? 'v2';
    if (message === 'v2' && this.holdsFused && this.fused !== undefined) {
      const requests = this.encodeFusedRequests(this.fused, options);
      if (requests !== undefined) return requests;
    }
    this.replayFused();
    const rows = this.prepare();
    // Each chunk re-fills the engine: the symbolized request is stale from the first one, even if a
    // later chunk throws (maxSymbols).
    this.symbolized = false;
    const table = this.series;
    const split = {
      size: table.size,
      write: (series: readonly number[]) => (message === 'v1' ? this.encodeV1Series(rows, series) : this.encodeV2Series(rows, series)),
      counts: (series: readonly number[]) => countSeriesPoints(rows, series),
    };
    return splitIntoRequests(split, () => new SeriesHasher(table), options);
  }

  /**
   * encodeRequests of the held fused request, written in pieces by the module (the same bytes: see
   * src/engine/fused-series.ts); undefined when the module cannot (out of memory), for the general path.
   */
  private encodeFusedRequests(fused: FusedRequest, options: SplitOptions): EncodedRequest[] | undefined {
    // As the general path's encodeRequests leaves the engine: stats().symbols 0 until encode().
    this.fusedEncoded = false;
    try {
      const series = fused.series();
      return splitIntoRequests(series, () => series.keysByRecord(new SeriesHasher(series, ...series.putInNames)), options);
    } catch (error) {
      if (error instanceof FastPathDeclinedError) return undefined;
      throw error;
    }
  }

  /** Orders every series' samples once per batch of adds. */
  private prepare(): SeriesRows {
    if (this.rows === undefined) {
      const { rows, spare } = orderSeriesRows(this.series, this.spare);
      this.rows = rows;
      this.spare = spare;
    }
    return this.rows;
  }

  /** Ordered rows with every series' strings in the engine, kept until the next add/reset. */
  private symbolizeAll(): SeriesRows {
    const rows = this.prepare();
    if (!this.symbolized) {
      this.assembler.symbolize(rows, this.allSeries(), true);
      this.symbolized = true;
    }
    return rows;
  }

  private allSeries(): Int32Array {
    if (this.all.length < this.series.size) {
      this.all = new Int32Array(Math.max(this.series.size, 2 * this.all.length));
      for (let s = 0; s < this.all.length; s++) this.all[s] = s;
    }
    return this.all.subarray(0, this.series.size);
  }

  /** The RW2 request of `series`: a view of the writer, valid until it writes again. */
  private encodeV2Series(rows: SeriesRows, series: readonly number[]): Uint8Array {
    this.assembler.symbolize(rows, series);
    this.writer.reset();
    this.assembler.write(this.writer, rows, series, this.encodeOptions);
    return this.writer.buf.subarray(0, this.writer.pos);
  }

  /** The RW1 request of `series`: a view of the writer, valid until it writes again. */
  private encodeV1Series(rows: SeriesRows, series: ArrayLike<number>): Uint8Array {
    this.writer.reset();
    writeSeriesV1(this.writer, this.series, rows, series);
    return this.writer.buf.subarray(0, this.writer.pos);
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

/** What encodeRequests splits: series 0 .. size - 1, in the request's order. */
interface SplitSeries {
  readonly size: number;
  /** The request of `series`: a view, valid until the next write. */
  write(series: readonly number[]): Uint8Array;
  counts(series: readonly number[]): SeriesCounts;
}

type SeriesCounts = Pick<EncodedRequest, 'series' | 'samples' | 'histograms' | 'exemplars'>;

/** encodeRequests' shards and pieces (see there), whichever path wrote the series; `hasher` is made for more than one shard. */
function splitIntoRequests(source: SplitSeries, hasher: () => Pick<SeriesHasher, 'hash'>, options: SplitOptions): EncodedRequest[] {
  const shards = Math.max(1, Math.floor(options.shards ?? 1));
  const maxSeries = Math.max(1, options.maxSeriesPerRequest ?? Number.POSITIVE_INFINITY);
  const maxBytes = options.maxBatchBytes ?? Number.POSITIVE_INFINITY;
  const message = options.protobufMessage ?? 'v2';
  const compress = options.compress ?? true;
  const byShard: number[][] = Array.from({ length: shards }, () => []);
  const keys = shards === 1 ? undefined : hasher();
  for (let s = 0; s < source.size; s++) byShard[keys === undefined ? 0 : keys.hash(s) % shards].push(s);
  const requests: EncodedRequest[] = [];
  const emit = (shard: number, series: number[]): void => {
    const bytes = source.write(series);
    if (bytes.length > maxBytes && series.length > 1) {
      const half = Math.ceil(series.length / 2);
      emit(shard, series.slice(0, half));
      emit(shard, series.slice(half));
      return;
    }
    // `bytes` is a view, overwritten by the next write: compressing copies it anyway.
    const body = compress ? snappyCompress(bytes) : bytes.slice();
    requests.push({ shard, protobufMessage: message, body, ...source.counts(series) });
  };
  byShard.forEach((series, shard) => {
    const step = Number.isFinite(maxSeries) ? maxSeries : Math.max(1, series.length);
    for (let start = 0; start < series.length; start += step) emit(shard, series.slice(start, start + step));
  });
  return requests;
}

/** What the listed series carry, as the `*-Written` headers count it (rows are ordered: no duplicates). */
function countSeriesPoints(rows: SeriesRows, series: readonly number[]): SeriesCounts {
  let samples = 0;
  let histograms = 0;
  let exemplars = 0;
  for (const s of series) {
    samples += rows.sampleStart[s + 1] - rows.sampleStart[s];
    histograms += rows.histogramStart[s + 1] - rows.histogramStart[s];
    exemplars += rows.exemplarStart[s + 1] - rows.exemplarStart[s];
  }
  return { series: series.length, samples, histograms, exemplars };
}
