/** Which protobuf message a body holds: RW2 `io.prometheus.write.v2.Request` or RW1 `prometheus.WriteRequest`. */
import type { ProtobufMessage } from '../rw/read.js';

export type { ProtobufMessage };

/**
 * What RemoteWriteClient.send() takes: a snappy-compressed body and what it carries. An
 * `EncodedRequest` from `V2WriteRequestBuilder.encodeRequests()` is one.
 */
export interface RemoteWriteRequest {
  body: Uint8Array;
  /** What `body` holds. Default 'v2'. */
  protobufMessage?: ProtobufMessage;
  samples: number;
  histograms: number;
  exemplars: number;
  series?: number;
  shard?: number;
}

interface OutcomeBase {
  /** The message the final attempt used ('v1' after a fallback). */
  protobufMessage: ProtobufMessage;
  /** HTTP requests made for this send, retries, fallback and 413 halves included. */
  attempts: number;
  /** Wall time from the first attempt to the outcome, backoff waits included. */
  elapsedMs: number;
  /** When the request was split after a 413: the outcome of each half, in order. */
  parts?: SendOutcome[];
}

/** 2xx. `partial` when the receiver reports fewer written than sent (not retried: RW2 spec R1, R7). */
export interface WrittenOutcome extends OutcomeBase {
  kind: 'written';
  status: number;
  samplesWritten: number;
  histogramsWritten: number;
  exemplarsWritten: number;
  partial: boolean;
}

/** A 4xx the spec forbids retrying (anything but 429; 413 after one split; 415 handled apart). */
export interface RejectedOutcome extends OutcomeBase {
  kind: 'rejected';
  status: number;
  /** The receiver's error body as is, truncated to 1 KiB (RW2 spec R2: log it, do not interpret it). */
  body: string;
}

/** Retries ran out (maxRetries or maxElapsedMs) on 5xx, 429, network errors or timeouts, or the send was aborted. */
export interface FailedOutcome extends OutcomeBase {
  kind: 'failed';
  /** What the last attempt got: an HTTP status, a network error, a timeout; or the caller's signal aborted. */
  reason: 'status' | 'network' | 'timeout' | 'aborted';
  status?: number;
  body?: string;
  error?: string;
}

/**
 * The receiver does not take this message: 415, or 2xx to RW2 without any `*-Written` header (a 1.x
 * receiver that decoded an empty request, RW2 spec R5), and no fallback to RW1 was possible (the
 * client is forced to one message, or RW1 got 415 too).
 */
export interface UnsupportedOutcome extends OutcomeBase {
  kind: 'unsupported';
  status: number;
  body: string;
}

export type SendOutcome = WrittenOutcome | RejectedOutcome | FailedOutcome | UnsupportedOutcome;
