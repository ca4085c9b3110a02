// The OTLP/HTTP metrics receiver (opentelemetry-proto docs/specification.md, "OTLP/HTTP"): POST
// /v1/metrics in protobuf or JSON, optionally gzip'd; each request is translated into Remote-Write
// series and handed to a Forwarder. A 200 means the request is queued (and, with a WAL, on disk);
// data points translation drops are reported back as partial success. With `grpc` set the same
// pipeline also serves OTLP/gRPC (grpc.ts).
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type BuilderOptions, V2WriteRequestBuilder } from '../builder/builder.js';
import type { DropStats } from '../builder/series-table.js';
import { decodeExportMetricsRequestJson } from '../otlp/decode-json.js';
import { decodeExportMetricsRequest } from '../otlp/decode-protobuf.js';
import { OtlpDecodeError } from '../otlp/errors.js';
import type { ExportMetricsRequest } from '../otlp/model.js';
import { TranslationError } from '../translate/translate.js';
import { HttpError, readRequestBody } from './body.js';
import { type Delivery, type Forwarder, ForwarderFullError } from './forwarder.js';
import { DEFAULT_GRPC_PORT, OtlpGrpcReceiver } from './grpc.js';
import { type Logger, silentLogger } from './log.js';
import { CONTENT_TYPES, type OtlpEncoding, exportResponse, rpcCodeFor, statusBody } from './otlp-response.js';
import { type BatchLimits, ExportBatch } from './export-batch.js';
import { BridgeTelemetry } from './telemetry.js';
import type { WalEntry, WriteAheadLog } from './wal.js';

export const METRICS_PATH = '/v1/metrics';

/** How the bridge answered one export, whatever the transport. */
export type ExportOutcome =
  | { accepted: true; rejectedDataPoints: number; message: string }
  /** `status` is the OTLP/HTTP status the spec pairs with the refusal; gRPC maps it to its code. */
  | { accepted: false; status: number; message: string; retryAfterSeconds?: number };

/**
 * TLS on the listening side, for OTLP/HTTP and OTLP/gRPC alike (PEM texts, as the OTel Collector's
 * receivers take cert_file, key_file and client_ca_file).
 */
export interface ListenTls {
  /** The server's certificate chain. */
  cert: string;
  key: string;
  /** When set, clients must present a certificate this CA signed (mutual TLS). */
  clientCa?: string;
}

export interface BridgeOptions {
  /** Default 127.0.0.1 (OTLP spec default port 4318; 0 picks a free one). */
  host?: string;
  port?: number;
  /** Serve HTTPS (and gRPC over TLS) instead of plaintext. */
  tls?: ListenTls;
  /** Also serve OTLP/gRPC (needs @grpc/grpc-js): default host 127.0.0.1, port 4317 (0 picks a free one). */
  grpc?: { host?: string; port?: number };
  /** Where translated requests go; the bridge closes it on close(). */
  forwarder: Forwarder;
  /** Translation options and engine for every request. */
  builder?: BuilderOptions;
  /** Limit on a request body, on the wire and inflated. Default 16 MiB. */
  maxBodyBytes?: number;
  /** The body must arrive within this time (slow clients get 408). Default 30 s. */
  readTimeoutMs?: number;
  /** Origins browsers may export from: exact origins, `*`, or patterns like `https://*.example.com`. */
  corsAllowedOrigins?: string[];
  /** Makes accepted requests durable before the 200 (see wal.ts). */
  wal?: WriteAheadLog;
  /** How often WAL entries whose delivery failed are sent again. Default 10 s. */
  walRetryIntervalMs?: number;
  /** Retry-After given with 429/503. Default 5 s. */
  retryAfterSeconds?: number;
  /**
   * Exports arriving within `maxDelayMs` of a batch's first one are translated into one builder and
   * handed to the forwarder as one write (one Remote-Write request per shard and piece instead of one
   * per export); each is answered once the batch is queued, with its own partial success. A batch also
   * goes as soon as it holds `maxDataPoints` data points (default 20,000) or 8 MiB of OTLP. Default off:
   * each export is its own write.
   */
  batch?: { maxDelayMs: number; maxDataPoints?: number };
  /** How long close() waits for in-flight requests and the forwarder to drain. Default 30 s. */
  drainTimeoutMs?: number;
  logger?: Logger;
}

/** Builders are reused (they keep buffers and WASM memory); a few cover the concurrency an SDK fleet makes. */
const BUILDER_POOL_SIZE = 8;

type RefusedExport = Extract<ExportOutcome, { accepted: false }>;
/** An export added to a builder: its own partial success, its data points, and whether it added samples. */
type AddedExport = Extract<ExportOutcome, { accepted: true }> & { dataPoints: number; sends: boolean };

/** A builder taken from a pool, with the pool it goes back to. */
interface PooledBuilder {
  builder: V2WriteRequestBuilder;
  pool: V2WriteRequestBuilder[];
}

/** A batch goes once it holds this much OTLP (the fast path takes up to 32 MiB per builder). */
const BATCH_MAX_BODY_BYTES = 8 << 20;
const DEFAULT_BATCH_MAX_DATA_POINTS = 20_000;

export class OtlpHttpBridge {
  readonly telemetry = new BridgeTelemetry();
  private readonly server: Server;
  private readonly scheme: 'http' | 'https';
  private grpc: OtlpGrpcReceiver | undefined;
  private readonly forwarder: Forwarder;
  private readonly wal: WriteAheadLog | undefined;
  private readonly logger: Logger;
  private readonly builderOptions: BuilderOptions;
  /**
   * Pooled builders per message the forwarder sends: the RW1 ones are made without the fast path (see
   * takeBuilder), so a builder goes back to the pool it came from, never to the other.
   */
  private readonly builders: Record<'v2' | 'v1', V2WriteRequestBuilder[]> = { v2: [], v1: [] };
  private readonly maxBodyBytes: number;
  private readonly readTimeoutMs: number;
  private readonly retryAfterSeconds: number;
  private readonly drainTimeoutMs: number;
  private readonly corsOrigins: RegExp[] | '*' | undefined;
  private readonly walRetryIntervalMs: number;
  private walTimer: NodeJS.Timeout | undefined;
  private replaying: Promise<void> | undefined;
  private activeExports = 0;
  private readonly batching: BatchLimits | undefined;
  /**
   * The batch exports join now (batching on), one per encoding: a JSON export added to a builder that
   * holds protobuf ones on the fast path would send them all through the general path again.
   */
  private readonly batches: Record<OtlpEncoding, ExportBatch | undefined> = { protobuf: undefined, json: undefined };
  private closing = false;
  private closed: Promise<void> | undefined;

  private constructor(options: BridgeOptions) {
    this.forwarder = options.forwarder;
    this.wal = options.wal;
    this.logger = options.logger ?? silentLogger;
    this.builderOptions = { ...options.builder };
    this.maxBodyBytes = options.maxBodyBytes ?? 16 << 20;
    this.readTimeoutMs = options.readTimeoutMs ?? 30_000;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
    this.drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
    this.walRetryIntervalMs = options.walRetryIntervalMs ?? 10_000;
    this.corsOrigins = corsMatchers(options.corsAllowedOrigins);
    const batch = options.batch;
    if (batch !== undefined && !(batch.maxDelayMs >= 0 && (batch.maxDataPoints === undefined || batch.maxDataPoints >= 1))) {
      throw new RangeError('batch: maxDelayMs must be >= 0 and maxDataPoints >= 1');
    }
    this.batching =
      batch === undefined || batch.maxDelayMs === 0
        ? undefined
        : { maxDelayMs: batch.maxDelayMs, maxDataPoints: batch.maxDataPoints ?? DEFAULT_BATCH_MAX_DATA_POINTS, maxBodyBytes: BATCH_MAX_BODY_BYTES };
    const route = (request: IncomingMessage, response: ServerResponse): void => this.route(request, response);
    const tls = options.tls;
    this.scheme = tls === undefined ? 'http' : 'https';
    this.server =
      tls === undefined
        ? createServer(route)
        : createTlsServer({ cert: tls.cert, key: tls.key, ca: tls.clientCa, requestCert: tls.clientCa !== undefined, rejectUnauthorized: tls.clientCa !== undefined }, route);
    // Slow-header clients are cut by Node; slow bodies by readRequestBody's own deadline (with a message).
    this.server.headersTimeout = Math.min(60_000, this.readTimeoutMs + 1_000);
    this.server.requestTimeout = 0;
    // One builder up front: the WASM compiles, and bad builder options throw, at start rather than on the first export.
    this.releaseBuilder(this.takeBuilder());
  }

  /**
   * With a WAL, first queues what a previous run left (so that those older samples go out ahead of new
   * ones: a series' samples must arrive in time order unless the receiver has an out-of-order window),
   * then starts listening.
   */
  static async start(options: BridgeOptions): Promise<OtlpHttpBridge> {
    const bridge = new OtlpHttpBridge(options);
    if (bridge.wal !== undefined) {
      if (bridge.wal.count > 0) bridge.logger.info('replaying write-ahead log', { dir: bridge.wal.dir, entries: bridge.wal.count, bytes: bridge.wal.bytes });
      await bridge.replayWal();
    }
    await new Promise<void>((resolve, reject) => {
      bridge.server.once('error', reject);
      bridge.server.listen(options.port ?? 4318, options.host ?? '127.0.0.1', () => {
        bridge.server.off('error', reject);
        resolve();
      });
    });
    if (options.grpc !== undefined) {
      try {
        bridge.grpc = await OtlpGrpcReceiver.start({
          host: options.grpc.host ?? '127.0.0.1',
          port: options.grpc.port ?? DEFAULT_GRPC_PORT,
          maxMessageBytes: bridge.maxBodyBytes,
          accept: (body) => bridge.accept(body, 'protobuf'),
          closing: () => bridge.closing,
          track: (call) => bridge.track(call),
          telemetry: bridge.telemetry,
          logger: bridge.logger,
          retryAfterSeconds: bridge.retryAfterSeconds,
          tls: options.tls,
        });
      } catch (error) {
        await bridge.abort();
        throw error;
      }
    }
    if (bridge.wal !== undefined) {
      bridge.walTimer = setInterval(() => void bridge.replayWal(), bridge.walRetryIntervalMs);
      bridge.walTimer.unref();
    }
    return bridge;
  }

  get address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  /** e.g. http://127.0.0.1:4318 */
  get url(): string {
    const { address, port, family } = this.address;
    return `${this.scheme}://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
  }

  /** The OTLP/gRPC listener as host:port (an exporter's endpoint is http://host:port), if serving gRPC. */
  get grpcAddress(): string | undefined {
    return this.grpc?.address;
  }

  get ready(): boolean {
    return this.server.listening && !this.closing;
  }

  /**
   * Graceful stop: refuse new requests (503), finish those in flight, drain the forwarder (up to
   * drainTimeoutMs), close it. What is still undelivered stays in the WAL, if there is one.
   */
  close(): Promise<void> {
    this.closed ??= this.shutdown(true);
    return this.closed;
  }

  /** Stops at once, as a crash would: no draining; only the WAL keeps what was acknowledged. */
  abort(): Promise<void> {
    this.closed ??= this.shutdown(false);
    return this.closed;
  }

  private async shutdown(drain: boolean): Promise<void> {
    this.closing = true;
    clearInterval(this.walTimer);
    // Exports waiting in a batch are not answered yet: the batch goes now.
    for (const batch of Object.values(this.batches)) batch?.markDue();
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (drain) {
      const deadline = Date.now() + this.drainTimeoutMs;
      while (this.activeExports > 0 && Date.now() < deadline) await sleep(10);
      await this.forwarder.flush(Math.max(0, deadline - Date.now()));
    }
    this.server.closeAllConnections();
    await this.grpc?.close(drain ? 1_000 : 0);
    await this.forwarder.close();
    await serverClosed;
    // Deliveries settled by close() run their callbacks on the next ticks; let them update the WAL accounting.
    await sleep(0);
  }

  private route(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0];
    const handler = path === METRICS_PATH || path === '/-/healthy' || path === '/-/ready' || path === '/metrics' ? path : 'other';
    response.on('finish', () => this.telemetry.countRequest(handler, response.statusCode));
    const allowedOrigin = this.applyCors(request, response);
    if (path === METRICS_PATH) {
      if (request.method === 'OPTIONS') return this.preflight(request, response, allowedOrigin);
      if (request.method !== 'POST') return sendText(response, 405, `${METRICS_PATH} takes POST\n`, { Allow: 'POST, OPTIONS' });
      this.track(this.export(request, response)).catch((error: unknown) => {
        this.logger.error('export failed', { error: (error as Error).message });
        if (!response.headersSent) sendText(response, 500, `internal error: ${(error as Error).message}\n`);
      });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    switch (path) {
      case '/-/healthy':
        return sendText(response, 200, 'otlp2prw bridge is Healthy.\n');
      case '/-/ready':
        return this.ready ? sendText(response, 200, 'otlp2prw bridge is Ready.\n') : sendText(response, 503, 'otlp2prw bridge is shutting down.\n');
      case '/metrics': {
        const wal = this.wal;
        const text =
          this.telemetry.text({ ready: this.ready, walEntries: wal?.count, walBytes: wal?.bytes, walMaxBytes: wal?.maxBytes }) +
          (this.forwarder.telemetryText?.() ?? '');
        return sendText(response, 200, text, {}, 'text/plain; version=0.0.4; charset=utf-8');
      }
      default:
        return sendText(response, 404, `not found; OTLP metrics go to POST ${METRICS_PATH}\n`);
    }
  }

  /** Counts an export in flight until it settles: close() waits for them. */
  private track<T>(exporting: Promise<T>): Promise<T> {
    this.activeExports++;
    return exporting.finally(() => this.activeExports--);
  }

  private async export(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const encoding: OtlpEncoding | undefined = mediaType === 'application/x-protobuf' ? 'protobuf' : mediaType === 'application/json' ? 'json' : undefined;
    const refuse = (status: number, message: string, headers: Record<string, string> = {}): void => {
      this.telemetry.refusedRequests++;
      this.logger.debug('export refused', { status, error: message });
      if (encoding === undefined) sendText(response, status, `${message}\n`, headers);
      else send(response, status, statusBody(encoding, rpcCodeFor(status), message), CONTENT_TYPES[encoding], headers);
    };
    if (encoding === undefined) {
      return refuse(415, `unsupported Content-Type ${JSON.stringify(request.headers['content-type'] ?? '')}: OTLP/HTTP takes application/x-protobuf or application/json`, {
        Connection: 'close',
      });
    }
    if (this.closing) return refuse(503, 'the bridge is shutting down', { 'Retry-After': String(this.retryAfterSeconds), Connection: 'close' });
    const contentEncoding = (request.headers['content-encoding'] ?? '').trim().toLowerCase();
    if (contentEncoding !== '' && contentEncoding !== 'identity' && contentEncoding !== 'gzip') {
      return refuse(415, `unsupported Content-Encoding ${JSON.stringify(contentEncoding)}: OTLP/HTTP takes gzip or none`, { Connection: 'close' });
    }

    let body: Uint8Array;
    try {
      const read = await readRequestBody(request, { maxBytes: this.maxBodyBytes, gzip: contentEncoding === 'gzip', timeoutMs: this.readTimeoutMs });
      body = read.bytes;
      this.telemetry.wireBytes += read.wireBytes;
      this.telemetry.decodedBytes += body.length;
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return refuse(error.status, error.message, { ...error.headers, Connection: 'close' });
    }

    const outcome = await this.accept(body, encoding);
    if (!outcome.accepted) {
      const headers: Record<string, string> = outcome.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(outcome.retryAfterSeconds) };
      return refuse(outcome.status, outcome.message, headers);
    }
    send(response, 200, exportResponse(encoding, outcome.rejectedDataPoints, outcome.message), CONTENT_TYPES[encoding]);
  }

  /**
   * What both transports do with a request body: decode, translate, make it durable (WAL), queue it.
   * A refusal carries the OTLP/HTTP status the spec pairs with it; gRPC maps that to its code.
   */
  private async accept(body: Uint8Array, encoding: OtlpEncoding): Promise<ExportOutcome> {
    const full = this.forwarder.refusal?.();
    if (full !== undefined) return { accepted: false, status: 429, message: full.message, retryAfterSeconds: full.retryAfterSeconds };
    if (this.batching !== undefined) return this.acceptIntoBatch(body, encoding, this.batching);
    const pooled = this.takeBuilder();
    const { builder } = pooled;
    try {
      const added = this.addExport(builder, body, encoding);
      if (!added.accepted) return added;
      const { rejectedDataPoints, message } = added;
      if (builder.stats.series > 0) {
        let entry: WalEntry | undefined;
        if (this.wal !== undefined) {
          if (!this.wal.hasRoom(body.length)) return this.walFull();
          entry = await this.wal.append(body, encoding);
        }
        const refused = await this.forward(builder, entry === undefined ? [] : [entry], 1);
        if (refused !== undefined) return refused;
      }
      return { accepted: true, rejectedDataPoints, message };
    } finally {
      this.releaseBuilder(pooled);
    }
  }

  /**
   * Adds one export to `builder`: a 400 for what cannot be decoded or translated (add() leaves the
   * builder as it was), else its own partial success (the drops of this add) and whether it added
   * anything to send.
   */
  private addExport(builder: V2WriteRequestBuilder, body: Uint8Array, encoding: OtlpEncoding): RefusedExport | AddedExport {
    const before = builder.stats;
    try {
      // The bytes, not a decoded request: while RW2 is sent, a protobuf export takes the wasm engine's fast path.
      builder.add(body, encoding);
    } catch (error) {
      // onInvalidMetric 'reject': the whole request fails, as Prometheus >= 3.7 answers 400.
      if (error instanceof OtlpDecodeError || error instanceof TranslationError) return { accepted: false, status: 400, message: error.message };
      throw error;
    }
    const after = builder.stats;
    const dataPoints = after.dataPoints - before.dataPoints;
    this.telemetry.receivedDataPoints += dataPoints;
    const drops = dropsBetween(before.dropped, after.dropped);
    const rejectedDataPoints = countDropped(drops, this.telemetry.rejectedDataPoints);
    const message = rejectedDataPoints === 0 ? '' : describeDrops(rejectedDataPoints, drops);
    if (rejectedDataPoints > 0) this.logger.info('data points not translated', { rejected: rejectedDataPoints, reasons: message });
    const sends = after.samples + after.histograms > before.samples + before.histograms;
    return { accepted: true, rejectedDataPoints, message, dataPoints, sends };
  }

  /**
   * Queues the builder's series with the forwarder; its delivery settles `entries` (the WAL entries of
   * its `exports` exports). A 429 when the forwarder is full (the entries go then).
   */
  private async forward(builder: V2WriteRequestBuilder, entries: WalEntry[], exports: number): Promise<RefusedExport | undefined> {
    try {
      const result = await this.forwarder.write(builder);
      this.telemetry.forwardedSeries += result.series;
      this.telemetry.forwardedSamples += result.samples;
      this.telemetry.forwardedHistograms += result.histograms;
      void result.delivered.then((delivery) => this.settle(entries, delivery, exports));
      return undefined;
    } catch (error) {
      for (const entry of entries) await this.wal?.remove(entry);
      if (error instanceof ForwarderFullError) return { accepted: false, status: 429, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
      throw error;
    }
  }

  /**
   * accept() with batching: the export joins the open batch's builder (a bad one is refused alone: add()
   * leaves the builder as it was), gets its WAL entry, and is answered once the batch is queued.
   */
  private async acceptIntoBatch(body: Uint8Array, encoding: OtlpEncoding, batching: BatchLimits): Promise<ExportOutcome> {
    if (this.wal !== undefined && !this.wal.hasRoom(body.length)) return this.walFull();
    const batch = (this.batches[encoding] ??= this.openBatch(batching, encoding));
    const added = this.addExport(batch.builder, body, encoding);
    if (!added.accepted) return added;
    const { rejectedDataPoints, message, dataPoints } = added;
    // Nothing of its own to send: answered at once.
    if (!added.sends) return { accepted: true, rejectedDataPoints, message };
    batch.hold(dataPoints, body.length);
    let entry: WalEntry | undefined;
    try {
      // Should the WAL fail here, the export is answered 500 but its series are in the batch and still
      // go: the client's retry sends them again (at least once, as with a retried delivery).
      if (this.wal !== undefined) entry = await this.wal.append(body, encoding);
    } finally {
      batch.release(entry);
    }
    const queued = await batch.queued;
    if ('error' in queued) throw queued.error;
    return (queued.result as RefusedExport | undefined) ?? { accepted: true, rejectedDataPoints, message };
  }

  private openBatch(batching: BatchLimits, encoding: OtlpEncoding): ExportBatch {
    const pooled = this.takeBuilder();
    return new ExportBatch(
      pooled.builder,
      batching,
      (batch) => {
        if (this.batches[encoding] === batch) this.batches[encoding] = undefined;
      },
      (batch) => this.sendBatch(batch, pooled),
    );
  }

  /** Hands a due batch to the forwarder: undefined, or the 429 its exports get. */
  private async sendBatch(batch: ExportBatch, pooled: PooledBuilder): Promise<RefusedExport | undefined> {
    try {
      return await this.forward(batch.builder, batch.entries, batch.exports);
    } finally {
      this.releaseBuilder(pooled);
    }
  }

  private walFull(): ExportOutcome {
    const wal = this.wal as WriteAheadLog;
    return {
      accepted: false,
      status: 503,
      message: `write-ahead log full (${wal.bytes} of ${wal.maxBytes} bytes, --wal-max-bytes): is the remote-write receiver down?`,
      retryAfterSeconds: this.retryAfterSeconds,
    };
  }

  /**
   * A builder for the message the forwarder sends now. The wasm fast path writes RW2 only: a request
   * it took and then encoded as RW1 would be translated twice (builder.ts fastPath), so once the
   * forwarder sends RW1 (forced, or after a 415) requests are translated the general way at once.
   */
  private takeBuilder(): PooledBuilder {
    const message = this.forwarder.protobufMessage ?? 'v2';
    const pool = this.builders[message];
    const builder = pool.pop() ?? new V2WriteRequestBuilder(message === 'v2' ? this.builderOptions : { ...this.builderOptions, fastPath: false });
    return { builder, pool };
  }

  /** Back into the pool it was taken from: the forwarder may have fallen back to RW1 meanwhile. */
  private releaseBuilder({ builder, pool }: PooledBuilder): void {
    builder.reset();
    if (pool.length < BUILDER_POOL_SIZE) pool.push(builder);
  }

  /**
   * A write's delivery ended: its WAL entries (one per export it holds) go, or wait for the next retry.
   * The telemetry counts export requests: a batch's delivery is each of its exports'.
   */
  private settle(entries: WalEntry[], delivery: Delivery, exports = 1): void {
    this.telemetry.deliveries[delivery.outcome] += exports;
    if (delivery.outcome === 'failed') {
      this.logger.warn('remote write failed', { detail: delivery.detail, kept_in_wal: entries.length > 0 });
      for (const entry of entries) entry.inFlight = false;
      return;
    }
    if (delivery.outcome === 'rejected') this.logger.warn('remote write rejected by the receiver', { detail: delivery.detail });
    for (const entry of entries) void this.wal?.remove(entry);
  }

  /** Sends WAL entries not in flight (left by a previous run, or whose delivery failed), oldest first. */
  private replayWal(): Promise<void> {
    this.replaying ??= this.replayWaiting().finally(() => {
      this.replaying = undefined;
    });
    return this.replaying;
  }

  private async replayWaiting(): Promise<void> {
    const wal = this.wal;
    if (wal === undefined) return;
    for (const entry of wal.waiting()) {
      if (this.closing) return;
      entry.inFlight = true;
      const pooled = this.takeBuilder();
      const { builder } = pooled;
      try {
        const body = await wal.read(entry);
        try {
          builder.add(body, entry.format);
        } catch (error) {
          const kept = await wal.quarantine(entry);
          this.logger.error('write-ahead log entry cannot be decoded; moved aside', { file: kept, error: (error as Error).message });
          continue;
        }
        if (builder.stats.series === 0) {
          await wal.remove(entry);
          continue;
        }
        const result = await this.forwarder.write(builder);
        this.logger.debug('replayed write-ahead log entry', { file: entry.file, series: result.series });
        void result.delivered.then((delivery) => this.settle([entry], delivery));
      } catch (error) {
        entry.inFlight = false;
        if (error instanceof ForwarderFullError) return; // the next round tries again
        this.logger.error('write-ahead log replay failed', { file: entry.file, error: (error as Error).message });
        return;
      } finally {
        this.releaseBuilder(pooled);
      }
    }
  }

  /** CORS headers for an allowed Origin; returns whether the request's Origin is allowed. */
  private applyCors(request: IncomingMessage, response: ServerResponse): boolean {
    const origin = request.headers.origin;
    if (origin === undefined || this.corsOrigins === undefined) return false;
    const allowed = this.corsOrigins === '*' || this.corsOrigins.some((pattern) => pattern.test(origin));
    if (!allowed) return false;
    response.setHeader('Access-Control-Allow-Origin', this.corsOrigins === '*' ? '*' : origin);
    response.setHeader('Vary', 'Origin');
    // So browser clients can honour the backpressure hint.
    response.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    return true;
  }

  private preflight(request: IncomingMessage, response: ServerResponse, allowedOrigin: boolean): void {
    const isPreflight = request.headers.origin !== undefined && request.headers['access-control-request-method'] !== undefined;
    if (!isPreflight) return send(response, 204, '', 'text/plain', { Allow: 'POST, OPTIONS' });
    if (!allowedOrigin) return sendText(response, 403, `origin ${request.headers.origin} is not allowed (--cors-allowed-origins)\n`);
    send(response, 204, '', 'text/plain', {
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': request.headers['access-control-request-headers'] ?? 'Content-Type, Content-Encoding',
      'Access-Control-Max-Age': '7200',
    });
  }
}

export function startBridge(options: BridgeOptions): Promise<OtlpHttpBridge> {
  return OtlpHttpBridge.start(options);
}

function corsMatchers(origins: string[] | undefined): RegExp[] | '*' | undefined {
  if (origins === undefined || origins.length === 0) return undefined;
  if (origins.includes('*')) return '*';
  return origins.map((origin) => new RegExp(`^${origin.split('*').map(escapeRegExp).join('[^/]*')}$`));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Data points dropped by translation (duplicate timestamps included), added to `byReason`. */
function countDropped(dropped: DropStats, byReason: Record<string, number>): number {
  let total = 0;
  for (const [reason, count] of Object.entries(dropped.points)) {
    if (count === 0) continue;
    total += count;
    byReason[reason] = (byReason[reason] ?? 0) + count;
  }
  return total;
}

/** The drops of one add() to a builder: `after` less `before` (its recent reasons: the ones not there before). */
function dropsBetween(before: DropStats, after: DropStats): DropStats {
  const points = { ...after.points };
  for (const reason of Object.keys(points) as Array<keyof DropStats['points']>) points[reason] -= before.points[reason];
  const seen = new Set(before.recent.map((drop) => JSON.stringify(drop)));
  return { points, metrics: after.metrics - before.metrics, recent: after.recent.filter((drop) => !seen.has(JSON.stringify(drop))) };
}

function describeDrops(total: number, dropped: DropStats): string {
  const reasons = Object.entries(dropped.points)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${reason}: ${count}`)
    .join(', ');
  const details = [...new Set(dropped.recent.map((drop) => drop.detail))].slice(0, 5).join('; ');
  return `${total} data point(s) not translated (${reasons})${details ? `: ${details}` : ''}`;
}

function send(response: ServerResponse, status: number, body: Uint8Array | string, contentType: string, headers: Record<string, string> = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  response.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': String(bytes.length) });
  response.end(bytes);
}

function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}, contentType = 'text/plain; charset=utf-8'): void {
  send(response, status, text, contentType, headers);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
