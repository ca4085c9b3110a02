import type { V2WriteRequestBuilder } from '../builder/builder.js';
import { RemoteWriteClient } from '../send/client.js';
import { RemoteWriteConfigError } from '../send/errors.js';
import type { SendOutcome } from '../send/outcome.js';
import { ExporterOptionError, RemoteWriteSendError, RemoteWriteSendErrorCode } from './errors.js';
import type { MetricsRemoteWriter, WriteResult } from './types.js';

const DEFAULT_TIMEOUT_MS = 30_000;

export interface FetchRemoteWriterOptions {
  url: string;
  /** Extra headers (e.g. Authorization, X-Scope-OrgID). Setting a reserved one (spec P5) throws. */
  headers?: Record<string, string>;
  /** Default 30 000 ms. */
  timeoutMillis?: number;
}

/**
 * The minimal writer: one POST of the builder's RW2 request per export through RemoteWriteClient, with
 * no retries (the PeriodicExportingMetricReader sends the cumulative state again on its next tick) and
 * no fallback to RW1 (an export to a receiver that does not take RW2 fails). For retries, backoff,
 * sharding, queueing and RW1 fallback, pass a RemoteWriteSender as the exporter's `sender`.
 */
export class FetchRemoteWriter implements MetricsRemoteWriter {
  private readonly client: RemoteWriteClient;
  private readonly url: string;
  private readonly inFlight = new Set<Promise<WriteResult>>();
  private closed = false;

  constructor(options: FetchRemoteWriterOptions) {
    this.url = options.url;
    try {
      this.client = new RemoteWriteClient({
        url: options.url,
        protobufMessage: 'v2',
        headers: options.headers,
        timeoutMs: options.timeoutMillis ?? DEFAULT_TIMEOUT_MS,
        retry: { maxRetries: 0 },
      });
    } catch (error) {
      if (error instanceof RemoteWriteConfigError) throw new ExporterOptionError(error.option, error.message.replace(`${error.option}: `, ""));
      throw error;
    }
  }

  write(builder: V2WriteRequestBuilder): Promise<WriteResult> {
    if (this.closed) {
      return Promise.resolve(failure(new RemoteWriteSendError(RemoteWriteSendErrorCode.CLOSED, 'the writer is closed', 0, false)));
    }
    // Encoded now: the caller may reset the builder as soon as write() returns.
    const requests = builder.encodeRequests();
    const pending = Promise.all(requests.map((request) => this.client.send(request))).then((outcomes) => {
      for (const outcome of outcomes) {
        const result = resultOf(outcome, this.url);
        if (!result.ok) return result;
      }
      return { ok: true };
    });
    this.inFlight.add(pending);
    void pending.finally(() => this.inFlight.delete(pending));
    return pending;
  }

  async flush(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }
}

/** The exporter's view of a client outcome: ok, or a RemoteWriteSendError saying whether a retry may help. */
function resultOf(outcome: SendOutcome, url: string): WriteResult {
  switch (outcome.kind) {
    case 'written':
      return { ok: true };
    case 'rejected':
      return failure(httpError(url, outcome.status, outcome.body, false));
    case 'unsupported':
      if (outcome.status >= 200 && outcome.status < 300) {
        const message = `${url} answered ${outcome.status} without X-Prometheus-Remote-Write-*-Written headers: it does not accept Remote-Write 2.0 (io.prometheus.write.v2.Request) and wrote nothing`;
        return failure(new RemoteWriteSendError(RemoteWriteSendErrorCode.NOT_REMOTE_WRITE_2, message, outcome.status, false));
      }
      return failure(httpError(url, outcome.status, outcome.body, false));
    case 'failed':
      if (outcome.reason === 'status') return failure(httpError(url, outcome.status ?? 0, outcome.body ?? '', true));
      if (outcome.reason === 'timeout') {
        return failure(new RemoteWriteSendError(RemoteWriteSendErrorCode.TIMEOUT, `no response from ${url}: ${outcome.error ?? 'timed out'}`, 0, true));
      }
      return failure(new RemoteWriteSendError(RemoteWriteSendErrorCode.NETWORK, `POST ${url} failed: ${outcome.error ?? outcome.reason}`, 0, true));
  }
}

function httpError(url: string, status: number, body: string, retryable: boolean): RemoteWriteSendError {
  return new RemoteWriteSendError(RemoteWriteSendErrorCode.HTTP_STATUS, `${url} answered ${status}${body ? `: ${body.trim()}` : ''}`, status, retryable);
}

function failure(error: RemoteWriteSendError): WriteResult {
  return { ok: false, retryable: error.retryable, error };
}
