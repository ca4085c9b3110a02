// The Forwarder over src/send's RemoteWriteSender (queue, shards, retries, RW1 fallback, 413 splits).
// The sender reports an outcome per Remote-Write request; this adapter groups them back into one
// Delivery per OTLP export request, which is what the WAL needs to know when a file can go.
import type { V2WriteRequestBuilder } from '../builder/builder.js';
import { QueueFullError, RemoteWriteSender, type RemoteWriteSenderOptions, SenderClosedError } from '../send/index.js';
import type { RemoteWriteRequest, SendOutcome } from '../send/index.js';
import { type Delivery, type ForwardResult, type Forwarder, ForwarderFullError, type QueueRefusal } from './forwarder.js';

export interface SenderForwarderOptions extends Omit<RemoteWriteSenderOptions, 'onFull' | 'onOutcome' | 'client' | 'builder'> {
  /** The Retry-After hint given with ForwarderFullError. Default 5 s. */
  retryAfterSeconds?: number;
}

/** One OTLP export request's Remote-Write requests, waiting for their outcomes. */
interface PendingWrite {
  remaining: number;
  outcomes: SendOutcome[];
  settle(delivery: Delivery): void;
}

export class SenderForwarder implements Forwarder {
  readonly target: string;
  readonly sender: RemoteWriteSender;
  private readonly shards: number;
  private readonly maxSeriesPerRequest: number;
  private readonly maxBatchBytes: number;
  private readonly retryAfterSeconds: number;
  private readonly pending = new Map<RemoteWriteRequest, PendingWrite>();
  private closed = false;
  /** Remote-Write requests the last write became: what the next one probably needs. */
  private lastWriteRequests = 1;

  constructor(options: SenderForwarderOptions) {
    const { retryAfterSeconds, ...senderOptions } = options;
    this.shards = options.shards ?? 1;
    this.maxSeriesPerRequest = options.maxSeriesPerRequest ?? 2000;
    this.maxBatchBytes = options.maxBatchBytes ?? 2 * 1024 * 1024;
    this.retryAfterSeconds = retryAfterSeconds ?? 5;
    // 'reject': a full queue must become 429 for the OTLP client, not a request held open.
    this.sender = new RemoteWriteSender({ ...senderOptions, onFull: 'reject', onOutcome: (outcome, request) => this.onOutcome(outcome, request) });
    this.target = this.sender.client.url;
  }

  get protobufMessage(): 'v2' | 'v1' {
    return this.sender.client.protobufMessage;
  }

  async write(builder: V2WriteRequestBuilder): Promise<ForwardResult> {
    if (this.closed) throw new ForwarderFullError('forwarder is shutting down', this.retryAfterSeconds);
    const requests = builder.encodeRequests({
      shards: this.shards,
      maxSeriesPerRequest: this.maxSeriesPerRequest,
      maxBatchBytes: this.maxBatchBytes,
      // After a fallback the client sends RW1: encode RW1 directly.
      protobufMessage: this.protobufMessage,
    });
    let settle!: (delivery: Delivery) => void;
    const delivered = new Promise<Delivery>((resolve) => {
      settle = resolve;
    });
    if (requests.length > 0) this.lastWriteRequests = requests.length;
    const write: PendingWrite = { remaining: requests.length, outcomes: [], settle };
    for (const request of requests) this.pending.set(request, write);
    try {
      await this.sender.writeEncoded(requests);
    } catch (error) {
      for (const request of requests) this.pending.delete(request);
      if (error instanceof QueueFullError) throw new ForwarderFullError(`${error.message} (is ${this.target} down?)`, this.retryAfterSeconds);
      if (error instanceof SenderClosedError) throw new ForwarderFullError('forwarder is shutting down', this.retryAfterSeconds);
      throw error;
    }
    if (requests.length === 0) settle({ outcome: 'written', detail: 'nothing to send' });
    let series = 0;
    let samples = 0;
    let histograms = 0;
    for (const request of requests) {
      series += request.series;
      samples += request.samples;
      histograms += request.histograms;
    }
    return { requests: requests.length, series, samples, histograms, delivered };
  }

  /**
   * Refuses when the queue is full, or has less room than the last write took: the queue takes a write
   * all or nothing, so a write that will not fit is refused before it is decoded and translated.
   */
  refusal(): QueueRefusal | undefined {
    const { pendingRequests, maxQueuedRequests } = this.sender.queueStats;
    if (!this.sender.queueFull && (pendingRequests === 0 || pendingRequests + this.lastWriteRequests <= maxQueuedRequests)) return undefined;
    return { message: `remote-write queue full (${pendingRequests}/${maxQueuedRequests} requests queued) (is ${this.target} down?)`, retryAfterSeconds: this.retryAfterSeconds };
  }

  async flush(timeoutMs = Number.POSITIVE_INFINITY): Promise<void> {
    if (!Number.isFinite(timeoutMs)) return this.sender.flush();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.sender.flush(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  /**
   * Refuses further writes and settles every pending delivery as 'failed' at once. The sender has no
   * abort: requests already queued keep being tried in the background until their retries run out.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const writes = new Set(this.pending.values());
    this.pending.clear();
    for (const write of writes) write.settle({ outcome: 'failed', detail: 'forwarder closed before delivery' });
    void this.sender.close().catch(() => {});
  }

  telemetryText(): string {
    return this.sender.telemetryText();
  }

  private onOutcome(outcome: SendOutcome, request: RemoteWriteRequest): void {
    const write = this.pending.get(request);
    if (write === undefined) return;
    this.pending.delete(request);
    write.outcomes.push(outcome);
    if (--write.remaining === 0) write.settle(deliveryOf(write.outcomes));
  }
}

function deliveryOf(outcomes: SendOutcome[]): Delivery {
  const failed = outcomes.find((outcome) => outcome.kind === 'failed');
  if (failed?.kind === 'failed') {
    return { outcome: 'failed', detail: `${failed.status !== undefined ? `HTTP ${failed.status}` : failed.reason} after ${failed.attempts} attempt(s): ${failed.body ?? failed.error ?? ''}` };
  }
  const refused = outcomes.find((outcome) => outcome.kind === 'rejected' || outcome.kind === 'unsupported');
  if (refused?.kind === 'rejected' || refused?.kind === 'unsupported') return { outcome: 'rejected', detail: `HTTP ${refused.status}: ${refused.body}` };
  const partial = outcomes.some((outcome) => outcome.kind === 'written' && outcome.partial);
  return { outcome: 'written', detail: `${outcomes.length} request(s) written${partial ? ' (the receiver reported a partial write)' : ''}` };
}
