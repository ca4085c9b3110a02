import { type BuilderOptions, type OtlpInputFormat, V2WriteRequestBuilder } from '../builder/builder.js';
import { RemoteWriteClient, type RemoteWriteClientOptions } from './client.js';
import { RemoteWriteConfigError, SenderClosedError } from './errors.js';
import type { RemoteWriteRequest, SendOutcome } from './outcome.js';
import { type OnFull, RequestQueue } from './queue.js';
import { type SenderTelemetry, telemetryToText } from './telemetry.js';

export interface RemoteWriteSenderOptions extends Partial<RemoteWriteClientOptions> {
  /** A client to send through; otherwise one is made from the client options (`url` and the rest). */
  client?: RemoteWriteClient;
  /** Parallel request streams; series are assigned by a hash of their labels. Default 1. */
  shards?: number;
  /** Default 2000 (Prometheus's max_samples_per_send, counted here in series). */
  maxSeriesPerRequest?: number;
  /** Uncompressed protobuf bytes per request, at most (unless one series alone is larger). Default 2 MiB. */
  maxBatchBytes?: number;
  /** Requests queued or in flight, at most. Default 256. */
  maxQueuedRequests?: number;
  /** Compressed bytes queued or in flight, at most. Default 64 MiB. */
  maxQueuedBytes?: number;
  /** When a write does not fit: 'wait' (default: the write's promise waits for room) or 'reject' (QueueFullError). */
  onFull?: OnFull;
  /** Options of the builder that converts OTLP input given to write(). */
  builder?: BuilderOptions;
  /** Called with the outcome of every request (after retries, fallback and splitting). */
  onOutcome?(outcome: SendOutcome, request: RemoteWriteRequest): void;
}

/**
 * Converts, batches, queues and sends:
 *
 *   const sender = new RemoteWriteSender({ url: 'http://localhost:9090/api/v1/write', shards: 4 });
 *   await sender.write(otlpProtobufBytes);   // or OTLP JSON, or a V2WriteRequestBuilder
 *   await sender.flush();                    // everything written so far has an outcome
 *   await sender.close();
 *
 * write() encodes at once (a builder passed in may be reset as soon as write() returns) and resolves
 * when the requests are queued. Requests of one shard go out one at a time, in order.
 */
export class RemoteWriteSender {
  readonly client: RemoteWriteClient;
  private readonly queue: RequestQueue;
  private readonly shards: number;
  private readonly maxSeriesPerRequest: number;
  private readonly maxBatchBytes: number;
  private readonly builderOptions: BuilderOptions | undefined;
  /** Made on first use: one for RW2, one without the fast path for RW1 (see convert). */
  private builder: V2WriteRequestBuilder | undefined;
  private v1Builder: V2WriteRequestBuilder | undefined;
  private closed = false;
  /** Made from the options here (not passed in): then close() closes its connections too. */
  private readonly ownsClient: boolean;

  constructor(options: RemoteWriteSenderOptions) {
    if (options.client) this.client = options.client;
    else if (options.url !== undefined) this.client = new RemoteWriteClient(options as RemoteWriteClientOptions);
    else throw new RemoteWriteConfigError('url', 'is required (or pass a client)');
    this.ownsClient = !options.client;
    this.shards = options.shards ?? 1;
    this.maxSeriesPerRequest = options.maxSeriesPerRequest ?? 2000;
    this.maxBatchBytes = options.maxBatchBytes ?? 2 * 1024 * 1024;
    if (!(this.maxSeriesPerRequest >= 1)) throw new RemoteWriteConfigError('maxSeriesPerRequest', `must be >= 1, got ${this.maxSeriesPerRequest}`);
    if (!(this.maxBatchBytes >= 1)) throw new RemoteWriteConfigError('maxBatchBytes', `must be >= 1, got ${this.maxBatchBytes}`);
    this.builderOptions = options.builder;
    const client = this.client;
    this.queue = new RequestQueue({
      shards: this.shards,
      maxQueuedRequests: options.maxQueuedRequests ?? 256,
      maxQueuedBytes: options.maxQueuedBytes ?? 64 * 1024 * 1024,
      onFull: options.onFull ?? 'wait',
      send: (request) => client.send(request),
      onOutcome: options.onOutcome,
    });
  }

  /**
   * Converts and queues. `input`: a builder holding series, OTLP protobuf bytes, OTLP JSON text or a
   * parsed OTLP JSON object. Bad OTLP input rejects with the builder's typed error, queuing nothing.
   */
  write(input: V2WriteRequestBuilder | Uint8Array | string | object, format?: OtlpInputFormat): Promise<void> {
    if (this.closed) return Promise.reject(new SenderClosedError());
    let requests: RemoteWriteRequest[];
    try {
      requests = input instanceof V2WriteRequestBuilder ? this.encode(input) : this.convert(input, format);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.enqueue(requests);
  }

  /** Queues requests already encoded (e.g. by `builder.encodeRequests({ shards })` with this sender's shard count). */
  writeEncoded(requests: readonly RemoteWriteRequest[]): Promise<void> {
    if (this.closed) return Promise.reject(new SenderClosedError());
    return this.enqueue(requests);
  }

  /** Resolves when everything written before this call was sent (or failed). */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  /** Refuses further writes, then waits until everything queued was sent (or failed). */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue.flush();
    if (this.ownsClient) await this.client.close();
  }

  /** Whether the queue is at capacity: with onFull 'reject' any write would be refused now. */
  get queueFull(): boolean {
    return this.queue.full;
  }

  /** The queue's counters (requests and bytes pending, limits), without the client's telemetry. */
  get queueStats(): SenderTelemetry['queue'] {
    return this.queue.stats;
  }

  telemetry(): SenderTelemetry {
    return { ...this.client.telemetry(), queue: this.queue.stats };
  }

  telemetryText(): string {
    return telemetryToText(this.telemetry());
  }

  private enqueue(requests: readonly RemoteWriteRequest[]): Promise<void> {
    return this.queue.enqueue(requests).catch((error) => {
      for (const request of requests) this.client.recordDropped(request);
      throw error;
    });
  }

  private encode(builder: V2WriteRequestBuilder, protobufMessage = this.client.protobufMessage): RemoteWriteRequest[] {
    // After a fallback the client sends RW1: encode RW1 directly rather than converting every request.
    return builder.encodeRequests({
      shards: this.shards,
      maxSeriesPerRequest: this.maxSeriesPerRequest,
      maxBatchBytes: this.maxBatchBytes,
      protobufMessage,
    });
  }

  private convert(input: Uint8Array | string | object, format: OtlpInputFormat | undefined): RemoteWriteRequest[] {
    const message = this.client.protobufMessage;
    // The fast path writes RW2 only: an RW1 request would be translated twice (builder.ts fastPath).
    const builder =
      message === 'v2'
        ? (this.builder ??= new V2WriteRequestBuilder(this.builderOptions))
        : (this.v1Builder ??= new V2WriteRequestBuilder({ ...this.builderOptions, fastPath: false }));
    try {
      builder.add(input, format);
      return this.encode(builder, message);
    } finally {
      builder.reset();
    }
  }
}
