// The bridge's own counters, after the OpenTelemetry Collector receiver's (accepted/refused points) and
// Prometheus's HTTP handler metrics; exposed on /metrics with the forwarder's.
import { ExpositionWriter, byLabel } from './exposition.js';

export class BridgeTelemetry {
  /** `${handler} ${status}` -> count. */
  readonly httpRequests = new Map<string, number>();
  /** gRPC status name (OK, INVALID_ARGUMENT...) -> Export calls. */
  readonly grpcCalls = new Map<string, number>();
  receivedDataPoints = 0;
  /** Data points translation dropped, by reason (reported to clients as partial success). */
  readonly rejectedDataPoints: Record<string, number> = {};
  /** Export requests refused as a whole (400, 413, 415, 429, 503...). */
  refusedRequests = 0;
  wireBytes = 0;
  decodedBytes = 0;
  forwardedSeries = 0;
  forwardedSamples = 0;
  forwardedHistograms = 0;
  deliveries: Record<'written' | 'rejected' | 'failed', number> = { written: 0, rejected: 0, failed: 0 };

  countRequest(handler: string, status: number): void {
    const key = `${handler} ${status}`;
    this.httpRequests.set(key, (this.httpRequests.get(key) ?? 0) + 1);
  }

  countGrpcCall(code: string): void {
    this.grpcCalls.set(code, (this.grpcCalls.get(code) ?? 0) + 1);
  }

  text(extra: { walEntries?: number; walBytes?: number; walMaxBytes?: number; ready: boolean }): string {
    const requests: Array<[Record<string, string>, number]> = [];
    for (const [key, count] of this.httpRequests) {
      const [handler, code] = key.split(' ');
      requests.push([{ handler, code }, count]);
    }
    const calls: Array<[Record<string, string>, number]> = [];
    for (const [code, count] of this.grpcCalls) calls.push([{ method: 'Export', code }, count]);
    const writer = new ExpositionWriter()
      .family('otlp2prw_bridge_http_requests_total', 'counter', 'HTTP requests by handler and status code.', requests)
      .family('otlp2prw_bridge_grpc_calls_total', 'counter', 'OTLP/gRPC MetricsService calls by method and status code.', calls)
      .family('otlp2prw_bridge_received_data_points_total', 'counter', 'OTLP data points in export requests decoded and translated (requests refused as a whole not counted).', this.receivedDataPoints)
      .family('otlp2prw_bridge_rejected_data_points_total', 'counter', 'Data points not translated, by reason (reported as partial success).', byLabel('reason', this.rejectedDataPoints))
      .family('otlp2prw_bridge_refused_requests_total', 'counter', 'Export requests refused as a whole (4xx/5xx).', this.refusedRequests)
      .family('otlp2prw_bridge_received_bytes_total', 'counter', 'OTLP/HTTP export request bytes as received on the wire.', this.wireBytes)
      .family('otlp2prw_bridge_decoded_bytes_total', 'counter', 'Export request bytes after gzip decoding (OTLP/HTTP and gRPC).', this.decodedBytes)
      .family('otlp2prw_bridge_forwarded_series_total', 'counter', 'Series handed to the forwarder.', this.forwardedSeries)
      .family('otlp2prw_bridge_forwarded_samples_total', 'counter', 'Float samples handed to the forwarder.', this.forwardedSamples)
      .family('otlp2prw_bridge_forwarded_histograms_total', 'counter', 'Native histogram samples handed to the forwarder.', this.forwardedHistograms)
      .family('otlp2prw_bridge_deliveries_total', 'counter', 'Accepted export requests by delivery outcome.', byLabel('outcome', this.deliveries))
      .family('otlp2prw_bridge_ready', 'gauge', '1 when /-/ready answers 200.', extra.ready ? 1 : 0);
    if (extra.walEntries !== undefined) {
      writer
        .family('otlp2prw_bridge_wal_entries', 'gauge', 'Accepted export requests in the WAL, not yet delivered.', extra.walEntries)
        .family('otlp2prw_bridge_wal_bytes', 'gauge', 'Bytes in the WAL.', extra.walBytes ?? 0)
        .family('otlp2prw_bridge_wal_capacity_bytes', 'gauge', 'The WAL bound (--wal-max-bytes).', extra.walMaxBytes ?? 0);
    }
    return writer.text();
  }
}
