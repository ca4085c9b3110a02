// What the bridge needs from whatever sends Remote-Write requests: queue a translated OTLP request,
// say when its delivery ended, drain, stop. The bridge never sees HTTP toward the receiver.
import type { V2WriteRequestBuilder } from '../builder/builder.js';
import { Otlp2PrwError } from '../errors.js';

/** How the delivery of one write ended. */
export interface Delivery {
  /**
   * 'written': every Remote-Write request got a 2xx. 'rejected': the receiver refused at least one for
   * good (a 4xx other than 429): sending it again cannot help. 'failed': retries ran out, or the
   * forwarder was closed first: sending it again later may work (the WAL keeps such writes).
   */
  outcome: 'written' | 'rejected' | 'failed';
  /** One line for logs: the status and the receiver's error text. */
  detail: string;
}

/** A write the forwarder took into its queue. */
export interface ForwardResult {
  /** Remote-Write requests the write became (after sharding and splitting). */
  requests: number;
  series: number;
  samples: number;
  histograms: number;
  /** Settles, never rejects, when every request of the write has a final outcome. */
  delivered: Promise<Delivery>;
}

export interface Forwarder {
  /** Where requests go, for the startup log line. */
  readonly target: string;
  /**
   * The Remote-Write message sent now: 'v1' when forced or after the receiver refused RW2 (415).
   * Undefined means 'v2'. The bridge reads it to translate RW1 without the wasm fast path, which
   * writes RW2 only (builder.ts fastPath).
   */
  readonly protobufMessage?: 'v2' | 'v1';
  /**
   * Encodes the builder's series into Remote-Write requests and queues them. Throws
   * ForwarderFullError, having queued nothing, when the queue has no room: the bridge turns that into
   * 429 + Retry-After (backpressure instead of unbounded memory). The builder may be reset once the
   * returned promise settles.
   */
  write(builder: V2WriteRequestBuilder): Promise<ForwardResult>;
  /**
   * Why write() would throw ForwarderFullError now for lack of room, or undefined: checked before a
   * request is decoded, so a saturated bridge refuses cheaply instead of translating what it will refuse.
   * A plain object, not an error: building an Error (its stack) per refusal was ~3% of a saturated
   * bridge's CPU.
   */
  refusal?(): QueueRefusal | undefined;
  /** Resolves when everything queued so far has a final outcome, or after `timeoutMs`. */
  flush(timeoutMs?: number): Promise<void>;
  /** Stops sending; deliveries still pending end as 'failed'. Idempotent. */
  close(): Promise<void>;
  /** The forwarder's own counters in Prometheus text exposition format, appended to /metrics. */
  telemetryText?(): string;
}

/** What a full forwarder answers before decoding (Forwarder.refusal). */
export interface QueueRefusal {
  message: string;
  /** A hint for the client's Retry-After. */
  retryAfterSeconds: number;
}

/** Forwarder.write() when the queue cannot take the write. */
export class ForwarderFullError extends Otlp2PrwError {
  override name = 'ForwarderFullError';
  /** A hint for the client's Retry-After. */
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super('FORWARDER_FULL', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
