import type { BuilderOptions, V2WriteRequestBuilder } from '../builder/builder.js';

/** What one write achieved. */
export interface WriteResult {
  ok: boolean;
  /**
   * Whether the same request may succeed later (HTTP 5xx or 429, a network error, a timeout). The
   * exporter reports FAILED either way; retrying is the writer's business, as in OTel's
   * retrying-transport.
   */
  retryable?: boolean;
  error?: Error;
}

/**
 * Sends the Remote-Write request a builder holds. `FetchRemoteWriter` is the minimal built-in one; a
 * batching/retrying sender (src/send's RemoteWriteSender) has the same three methods.
 *
 * The exporter resets and refills the same builder on its next export, so `write` must take what it
 * needs from it (`encodeSnappy()`, `encodeRequests(...)`, ...) synchronously, before it returns.
 */
export interface MetricsRemoteWriter {
  /**
   * Resolves with the outcome, or with nothing for success (a queueing sender resolves once it has
   * taken the request). A rejection counts as a failure.
   */
  write(builder: V2WriteRequestBuilder): Promise<WriteResult | void>;
  /** Resolves once every write started so far has settled (sent, or given up on). */
  flush(): Promise<void>;
  /** Flushes, then releases what the writer holds; later writes fail. */
  close(): Promise<void>;
}

export interface PrometheusRemoteWriteExporterOptions extends BuilderOptions {
  /**
   * The Remote-Write endpoint, e.g. `http://prometheus:9090/api/v1/write`, for the built-in
   * `FetchRemoteWriter`. Give either `url` or `sender`.
   */
  url?: string;
  /** Extra HTTP headers for the built-in writer (e.g. Authorization). The RW2-reserved ones cannot be set. */
  headers?: Record<string, string>;
  /** Per-request timeout of the built-in writer. Default 30 000 ms (Prometheus's remote_timeout). */
  timeoutMillis?: number;
  /** Your own writer (a batching/retrying sender) instead of the built-in one. */
  sender?: MetricsRemoteWriter;
}
