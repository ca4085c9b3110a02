// Self-telemetry, after Prometheus's `prometheus_remote_storage_*`: what was sent, failed, retried
// and dropped, bytes, request latency. Readable as an object and as Prometheus text exposition.
import type { ProtobufMessage, RemoteWriteRequest, SendOutcome } from './outcome.js';

/** Per data kind: written (2xx), failed (not written: rejected, failed, unsupported, a partial write's shortfall), retried (per retry), dropped (never sent by the sender). */
export interface DataCounters {
  sent: number;
  failed: number;
  retried: number;
  dropped: number;
}

export interface ClientTelemetry {
  /** The message the client sends now ('v1' after a fallback). */
  protobufMessage: ProtobufMessage;
  /** HTTP attempts by response status code, or `network_error` / `timeout`. */
  httpRequests: Record<string, number>;
  /** Requests by final outcome (a 413 half counts as a request of its own); `partial` are also `written`. */
  requests: Record<SendOutcome['kind'] | 'partial', number>;
  samples: DataCounters;
  histograms: DataCounters;
  exemplars: DataCounters;
  /** Compressed body bytes posted, retries included. */
  bytesSent: number;
  retries: number;
  /** Switches from RW2 to RW1 (0 or 1 per client). */
  fallbacksToV1: number;
  /** Duration of each HTTP attempt. `buckets[i]` counts attempts <= `bucketBounds[i]` seconds (cumulative). */
  requestDuration: { sum: number; count: number; bucketBounds: readonly number[]; buckets: number[] };
}

export interface QueueTelemetry {
  shards: number;
  pendingRequests: number;
  pendingBytes: number;
  maxQueuedRequests: number;
  /** Writes refused with QueueFullError. */
  queueFullRejections: number;
}

export type SenderTelemetry = ClientTelemetry & { queue: QueueTelemetry };

const DURATION_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

const counters = (): DataCounters => ({ sent: 0, failed: 0, retried: 0, dropped: 0 });

/** The mutable counters one RemoteWriteClient owns. */
export class TelemetryRecorder {
  private readonly state: ClientTelemetry = {
    protobufMessage: 'v2',
    httpRequests: {},
    requests: { written: 0, partial: 0, rejected: 0, failed: 0, unsupported: 0 },
    samples: counters(),
    histograms: counters(),
    exemplars: counters(),
    bytesSent: 0,
    retries: 0,
    fallbacksToV1: 0,
    requestDuration: { sum: 0, count: 0, bucketBounds: DURATION_BOUNDS, buckets: DURATION_BOUNDS.map(() => 0) },
  };

  setMessage(message: ProtobufMessage): void {
    this.state.protobufMessage = message;
  }

  attempt(status: string, bytes: number, seconds: number): void {
    const s = this.state;
    s.httpRequests[status] = (s.httpRequests[status] ?? 0) + 1;
    s.bytesSent += bytes;
    s.requestDuration.sum += seconds;
    s.requestDuration.count++;
    DURATION_BOUNDS.forEach((bound, i) => {
      if (seconds <= bound) s.requestDuration.buckets[i]++;
    });
  }

  retry(request: RemoteWriteRequest): void {
    this.state.retries++;
    this.add('retried', request.samples, request.histograms, request.exemplars);
  }

  fallback(): void {
    this.state.fallbacksToV1++;
  }

  /** The final outcome of one request (not split further). */
  outcome(request: RemoteWriteRequest, outcome: SendOutcome): void {
    this.state.requests[outcome.kind]++;
    if (outcome.kind === 'written') {
      if (outcome.partial) this.state.requests.partial++;
      this.add('sent', outcome.samplesWritten, outcome.histogramsWritten, outcome.exemplarsWritten);
      this.add(
        'failed',
        Math.max(0, request.samples - outcome.samplesWritten),
        Math.max(0, request.histograms - outcome.histogramsWritten),
        Math.max(0, request.exemplars - outcome.exemplarsWritten),
      );
    } else {
      this.add('failed', request.samples, request.histograms, request.exemplars);
    }
  }

  dropped(request: RemoteWriteRequest): void {
    this.add('dropped', request.samples, request.histograms, request.exemplars);
  }

  snapshot(): ClientTelemetry {
    return structuredClone(this.state) as ClientTelemetry;
  }

  private add(counter: keyof DataCounters, samples: number, histograms: number, exemplars: number): void {
    this.state.samples[counter] += samples;
    this.state.histograms[counter] += histograms;
    this.state.exemplars[counter] += exemplars;
  }
}

/** Prometheus text exposition (format 0.0.4) of a client's or sender's telemetry; names prefixed `otlp2prw_`. */
export function telemetryToText(t: ClientTelemetry | SenderTelemetry): string {
  const lines: string[] = [];
  const family = (name: string, type: 'counter' | 'gauge' | 'histogram', help: string) => {
    lines.push(`# HELP otlp2prw_${name} ${help}`, `# TYPE otlp2prw_${name} ${type}`);
  };
  const line = (name: string, value: number, labels: Record<string, string> = {}) => {
    const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
    lines.push(`otlp2prw_${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${formatNumber(value)}`);
  };

  family('http_requests_total', 'counter', 'HTTP attempts to the Remote-Write endpoint, by response status code (or network_error, timeout).');
  for (const [status, n] of Object.entries(t.httpRequests)) line('http_requests_total', n, { status });
  family('requests_total', 'counter', 'Remote-Write requests by final outcome (written, partial, rejected, failed, unsupported).');
  for (const [outcome, n] of Object.entries(t.requests)) line('requests_total', n, { outcome });
  for (const kind of ['samples', 'histograms', 'exemplars'] as const) {
    const c = t[kind];
    family(`${kind}_total`, 'counter', `${kind} the receiver reported written.`);
    line(`${kind}_total`, c.sent);
    family(`${kind}_failed_total`, 'counter', `${kind} not written: rejected, failed after retries, unsupported, or missing from a partial write.`);
    line(`${kind}_failed_total`, c.failed);
    family(`${kind}_retried_total`, 'counter', `${kind} in requests that were retried, once per retry.`);
    line(`${kind}_retried_total`, c.retried);
    family(`${kind}_dropped_total`, 'counter', `${kind} never sent (queue full, sender closed).`);
    line(`${kind}_dropped_total`, c.dropped);
  }
  family('sent_bytes_total', 'counter', 'Compressed request body bytes posted, retries included.');
  line('sent_bytes_total', t.bytesSent);
  family('retries_total', 'counter', 'Retried HTTP attempts.');
  line('retries_total', t.retries);
  family('fallbacks_to_v1_total', 'counter', 'Switches from Remote-Write 2.0 to 1.0 after a 415 or a 2xx without Written headers.');
  line('fallbacks_to_v1_total', t.fallbacksToV1);
  family('protobuf_message_info', 'gauge', 'The protobuf message the client sends now.');
  line('protobuf_message_info', 1, { message: t.protobufMessage === 'v2' ? 'io.prometheus.write.v2.Request' : 'prometheus.WriteRequest' });
  family('request_duration_seconds', 'histogram', 'Duration of each HTTP attempt.');
  const d = t.requestDuration;
  d.bucketBounds.forEach((bound, i) => line('request_duration_seconds_bucket', d.buckets[i], { le: String(bound) }));
  line('request_duration_seconds_bucket', d.count, { le: '+Inf' });
  line('request_duration_seconds_sum', d.sum);
  line('request_duration_seconds_count', d.count);
  if ('queue' in t) {
    family('shards', 'gauge', 'Shards (parallel request streams) of the sender.');
    line('shards', t.queue.shards);
    family('queue_pending_requests', 'gauge', 'Requests queued or in flight.');
    line('queue_pending_requests', t.queue.pendingRequests);
    family('queue_pending_bytes', 'gauge', 'Compressed bytes of the requests queued or in flight.');
    line('queue_pending_bytes', t.queue.pendingBytes);
    family('queue_capacity_requests', 'gauge', 'maxQueuedRequests.');
    line('queue_capacity_requests', t.queue.maxQueuedRequests);
    family('queue_full_total', 'counter', 'Writes refused because the queue was full.');
    line('queue_full_total', t.queue.queueFullRejections);
  }
  return `${lines.join('\n')}\n`;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
