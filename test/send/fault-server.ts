// A scripted Remote-Write receiver on 127.0.0.1 (node:http) for the sender tests: it records every
// request (headers, raw body, the request decoded and validated with readWriteRequest), answers from a
// script -- a status with headers/body, a hang (never answers), a connection reset -- and, once the
// script runs out, answers like a healthy RW2 receiver: 204 with the three `*-Written` headers for v2
// (as the compliance suite's mock receiver does), 204 without them for v1.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ReadWriteRequestV1, type ReadWriteRequestV2, readWriteRequest } from '../../src/rw/read.js';
import { V2WriteRequestBuilder } from '../../src/builder/builder.js';
import { exportRequest, gauge, resourceMetrics } from '../support/otlp.js';

export type Action =
  | {
      status: number;
      headers?: Record<string, string>;
      body?: string;
      /** For a 2xx: 'auto' (default for v2: all written), 'none' (no Written headers), or explicit counts. */
      written?: 'auto' | 'none' | { samples?: number; histograms?: number; exemplars?: number };
    }
  | { hang: true }
  | { reset: true };

export interface Received {
  index: number;
  atMs: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  message: 'v2' | 'v1';
  decoded?: ReadWriteRequestV2 | ReadWriteRequestV1;
  decodeError?: string;
  samples: number;
  histograms: number;
  exemplars: number;
  /** `name{labels}@timestamp=value` for every sample, to check what arrived and how often. */
  sampleKeys: string[];
  /** The status answered ('hang' / 'reset' otherwise). */
  answered: number | 'hang' | 'reset';
}

export interface FaultServer {
  url: string;
  received: Received[];
  /** sampleKeys of every request answered 2xx, in arrival order. */
  accepted(): string[];
  /** Replace the script (actions for the next requests, in order). */
  script(actions: Action[]): void;
  close(): Promise<void>;
}

export async function startFaultServer(actions: Action[] = [], options: { port?: number } = {}): Promise<FaultServer> {
  let queue = [...actions];
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const contentType = String(req.headers['content-type'] ?? '');
      const message = contentType.includes('proto=io.prometheus.write.v2.Request') ? 'v2' : 'v1';
      const entry: Received = {
        index: received.length,
        atMs: performance.now(),
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        message,
        samples: 0,
        histograms: 0,
        exemplars: 0,
        sampleKeys: [],
        answered: 0,
      };
      try {
        const decoded = readWriteRequest(new Uint8Array(body), { protobufMessage: message });
        entry.decoded = decoded;
        for (const series of decoded.timeseries) {
          const labels = 'labels' in series ? series.labels : [];
          const key = labels.map((l) => `${l.name}=${l.value}`).join(',');
          entry.samples += series.samples.length;
          entry.histograms += series.histograms.length;
          entry.exemplars += series.exemplars.length;
          for (const s of series.samples) entry.sampleKeys.push(`{${key}}@${s.timestamp}=${s.value}`);
        }
      } catch (error) {
        entry.decodeError = String(error);
      }
      received.push(entry);
      const action: Action = queue.shift() ?? { status: 204 };
      if ('hang' in action) {
        entry.answered = 'hang';
        return;
      }
      if ('reset' in action) {
        entry.answered = 'reset';
        req.socket.destroy();
        return;
      }
      entry.answered = action.status;
      const headers: Record<string, string> = { ...(action.headers ?? {}) };
      const is2xx = action.status >= 200 && action.status < 300;
      const written = action.written ?? (is2xx && message === 'v2' ? 'auto' : 'none');
      if (written === 'auto') {
        headers['X-Prometheus-Remote-Write-Samples-Written'] = String(entry.samples);
        headers['X-Prometheus-Remote-Write-Histograms-Written'] = String(entry.histograms);
        headers['X-Prometheus-Remote-Write-Exemplars-Written'] = String(entry.exemplars);
      } else if (written !== 'none') {
        if (written.samples !== undefined) headers['X-Prometheus-Remote-Write-Samples-Written'] = String(written.samples);
        if (written.histograms !== undefined) headers['X-Prometheus-Remote-Write-Histograms-Written'] = String(written.histograms);
        if (written.exemplars !== undefined) headers['X-Prometheus-Remote-Write-Exemplars-Written'] = String(written.exemplars);
      }
      res.writeHead(action.status, headers);
      res.end(action.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/v1/write`,
    received,
    accepted: () => received.filter((r) => typeof r.answered === 'number' && r.answered >= 200 && r.answered < 300).flatMap((r) => r.sampleKeys),
    script: (next) => {
      queue = [...next];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** OTLP JSON with `series` gauge series (one metric, `series` label values) of `points` points each, 1 s apart from t0. */
export function otlpGauges(series: number, points = 1, t0 = Date.now() - 60_000, metric = 'test_gauge'): object {
  const dataPoints = [];
  for (let s = 0; s < series; s++) {
    for (let p = 0; p < points; p++) dataPoints.push({ value: s * 1000 + p + 0.5, timeMs: t0 + p * 1000, attributes: { series: `s${s}` } });
  }
  return exportRequest(resourceMetrics({ 'service.name': 'send-test' }, [{ metrics: [gauge({ name: metric, description: 'help' }, dataPoints)] }]));
}

/** One RW2 request (EncodedRequest) of `series` gauge series. */
export function encodedRequest(series: number, points = 1, t0?: number) {
  const builder = new V2WriteRequestBuilder({ engine: 'js' }).add(otlpGauges(series, points, t0));
  const [request] = builder.encodeRequests();
  return request;
}

/** The sample keys of a request, as the fault server computes them. */
export function keysOf(requests: ReadonlyArray<{ body: Uint8Array; protobufMessage: 'v2' | 'v1' }>): string[] {
  const keys: string[] = [];
  for (const request of requests) {
    const decoded = readWriteRequest(request.body, { protobufMessage: request.protobufMessage });
    for (const series of decoded.timeseries) {
      const key = series.labels.map((l) => `${l.name}=${l.value}`).join(',');
      for (const s of series.samples) keys.push(`{${key}}@${s.timestamp}=${s.value}`);
    }
  }
  return keys;
}

export const silent = { warn: () => undefined };

export const fast = { minBackoffMs: 5, maxBackoffMs: 20, maxRetries: 5, maxElapsedMs: 10_000 };
