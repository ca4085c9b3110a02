import { QueueFullError, RemoteWriteConfigError } from './errors.js';
import type { RemoteWriteRequest, SendOutcome } from './outcome.js';

export type OnFull = 'reject' | 'wait';

export interface QueueOptions {
  /** Parallel request streams; a request goes to stream `request.shard % shards`. */
  shards: number;
  /** Requests queued or in flight, at most. */
  maxQueuedRequests: number;
  /** Compressed bytes queued or in flight, at most (a single larger request still passes an empty queue). */
  maxQueuedBytes: number;
  /** When a write does not fit: throw QueueFullError ('reject'), or wait for room ('wait'). */
  onFull: OnFull;
  send(request: RemoteWriteRequest): Promise<SendOutcome>;
  onOutcome?(outcome: SendOutcome, request: RemoteWriteRequest): void;
}

interface Entry {
  request: RemoteWriteRequest;
  done: Promise<void>;
  resolve(): void;
}

interface Shard {
  entries: Entry[];
  sending: boolean;
}

/**
 * Per-shard FIFO queues with one request in flight per shard, as in Prometheus's queue manager: a
 * series always lands in the same shard, so its requests reach the receiver in write order (RW2 spec
 * M9 asks for timestamp order within a series). A bounded total gives backpressure.
 */
export class RequestQueue {
  private readonly shards: Shard[];
  private pendingRequests = 0;
  private pendingBytes = 0;
  private fullRejections = 0;
  /** 'wait' mode: writes are admitted one after another, so a later write never overtakes an earlier one. */
  private admission: Promise<void> = Promise.resolve();
  private roomWaiters: Array<() => void> = [];

  constructor(private readonly options: QueueOptions) {
    if (!Number.isInteger(options.shards) || options.shards < 1) throw new RemoteWriteConfigError('shards', `must be an integer >= 1, got ${options.shards}`);
    if (!(options.maxQueuedRequests >= 1)) throw new RemoteWriteConfigError('maxQueuedRequests', `must be >= 1, got ${options.maxQueuedRequests}`);
    if (!(options.maxQueuedBytes >= 1)) throw new RemoteWriteConfigError('maxQueuedBytes', `must be >= 1, got ${options.maxQueuedBytes}`);
    if (options.onFull !== 'reject' && options.onFull !== 'wait') throw new RemoteWriteConfigError('onFull', `must be 'reject' or 'wait', got ${String(options.onFull)}`);
    this.shards = Array.from({ length: options.shards }, () => ({ entries: [], sending: false }));
  }

  get stats() {
    return {
      shards: this.shards.length,
      pendingRequests: this.pendingRequests,
      pendingBytes: this.pendingBytes,
      maxQueuedRequests: this.options.maxQueuedRequests,
      queueFullRejections: this.fullRejections,
    };
  }

  /** Whether no further request fits ('reject' would refuse any write now). */
  get full(): boolean {
    return this.pendingRequests > 0 && (this.pendingRequests >= this.options.maxQueuedRequests || this.pendingBytes >= this.options.maxQueuedBytes);
  }

  /**
   * Queues the requests (in order). 'reject': all or nothing, at once, else QueueFullError. 'wait':
   * resolves when the last one is queued (not sent: see flush()).
   */
  enqueue(requests: readonly RemoteWriteRequest[]): Promise<void> {
    if (requests.length === 0) return this.admission;
    if (this.options.onFull === 'reject') {
      const bytes = requests.reduce((n, r) => n + r.body.length, 0);
      const fitsRequests = this.pendingRequests + requests.length <= this.options.maxQueuedRequests;
      const fitsBytes = this.pendingBytes + bytes <= this.options.maxQueuedBytes || this.pendingRequests === 0;
      if (!fitsRequests || !fitsBytes) {
        this.fullRejections++;
        const detail = fitsBytes ? '' : `, ${this.pendingBytes} + ${bytes} bytes > maxQueuedBytes ${this.options.maxQueuedBytes}`;
        return Promise.reject(new QueueFullError(requests.length, this.pendingRequests, this.options.maxQueuedRequests, detail));
      }
      for (const request of requests) this.push(request);
      return Promise.resolve();
    }
    this.admission = this.admission.then(async () => {
      for (const request of requests) {
        while (!this.fits(request)) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
        this.push(request);
      }
    });
    return this.admission;
  }

  /** Resolves when every request queued (or waiting for room) before this call has an outcome. */
  async flush(): Promise<void> {
    await this.admission;
    await Promise.all(this.shards.map((shard) => shard.entries[shard.entries.length - 1]?.done));
  }

  private fits(request: RemoteWriteRequest): boolean {
    if (this.pendingRequests === 0) return true;
    return this.pendingRequests + 1 <= this.options.maxQueuedRequests && this.pendingBytes + request.body.length <= this.options.maxQueuedBytes;
  }

  private push(request: RemoteWriteRequest): void {
    const shard = this.shards[(request.shard ?? 0) % this.shards.length];
    let resolve!: () => void;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    shard.entries.push({ request, done, resolve });
    this.pendingRequests++;
    this.pendingBytes += request.body.length;
    if (!shard.sending) void this.drain(shard);
  }

  /** Sends the shard's requests one at a time until it is empty. */
  private async drain(shard: Shard): Promise<void> {
    shard.sending = true;
    while (shard.entries.length > 0) {
      const entry = shard.entries[0];
      let outcome: SendOutcome;
      try {
        outcome = await this.options.send(entry.request);
      } catch (error) {
        // send() resolves with an outcome for any HTTP trouble; this is a bug or an undecodable body.
        outcome = {
          kind: 'failed',
          reason: 'network',
          error: `send threw: ${error instanceof Error ? error.message : String(error)}`,
          protobufMessage: entry.request.protobufMessage ?? 'v2',
          attempts: 0,
          elapsedMs: 0,
        };
      }
      shard.entries.shift();
      this.pendingRequests--;
      this.pendingBytes -= entry.request.body.length;
      try {
        this.options.onOutcome?.(outcome, entry.request);
      } catch {
        // A throwing callback must not stop the shard.
      }
      entry.resolve();
      const waiters = this.roomWaiters;
      this.roomWaiters = [];
      for (const wake of waiters) wake();
    }
    shard.sending = false;
  }
}
