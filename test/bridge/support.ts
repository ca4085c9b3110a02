// A fake Remote-Write receiver for bridge tests, and helpers to start a bridge in-process.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBridge, type BridgeOptions, type OtlpHttpBridge } from '../../src/bridge/server.js';
import { SenderForwarder, type SenderForwarderOptions } from '../../src/bridge/sender-forwarder.js';
import { type ReadWriteRequestV2, readWriteRequest } from '../../src/rw/read.js';

export interface FakeReceiver {
  url: string;
  /** Decoded requests, in arrival order. */
  requests: ReadWriteRequestV2[];
  /** Every request's headers. */
  headers: Array<Record<string, string | string[] | undefined>>;
  /** The status answered next (204 when up). */
  status: number;
  /** Delay before answering. */
  delayMs: number;
  /** `name{a="1",b="2"}` -> last sample value. */
  series(): Map<string, number>;
  close(): Promise<void>;
}

export function seriesKey(labels: Array<{ name: string; value: string }>): string {
  const name = labels.find((label) => label.name === '__name__')?.value ?? '';
  const rest = labels.filter((label) => label.name !== '__name__').map((label) => `${label.name}="${label.value}"`);
  return `${name}{${rest.join(',')}}`;
}

export async function startFakeReceiver(): Promise<FakeReceiver> {
  const receiver: FakeReceiver = {
    url: '',
    requests: [],
    headers: [],
    status: 204,
    delayMs: 0,
    series() {
      const map = new Map<string, number>();
      for (const request of receiver.requests) for (const s of request.timeseries) map.set(seriesKey(s.labels), s.samples[s.samples.length - 1]?.value ?? Number.NaN);
      return map;
    },
    close: async () => {},
  };
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (receiver.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, receiver.delayMs));
    const status = receiver.status;
    if (status < 200 || status >= 300) {
      response.writeHead(status, { 'Content-Type': 'text/plain' });
      response.end('receiver unavailable\n');
      return;
    }
    let decoded: ReadWriteRequestV2;
    try {
      decoded = readWriteRequest(new Uint8Array(Buffer.concat(chunks)));
    } catch (error) {
      response.writeHead(400, { 'Content-Type': 'text/plain' });
      response.end(`${(error as Error).message}\n`);
      return;
    }
    receiver.headers.push(request.headers);
    receiver.requests.push(decoded);
    let samples = 0;
    for (const series of decoded.timeseries) samples += series.samples.length;
    // RW2 spec: a 2.x receiver reports what it wrote (without these the sender falls back to RW1).
    response.writeHead(204, { 'X-Prometheus-Remote-Write-Samples-Written': String(samples), 'X-Prometheus-Remote-Write-Histograms-Written': '0', 'X-Prometheus-Remote-Write-Exemplars-Written': '0' });
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}

/** A bridge on a free port forwarding to `url` through the real RemoteWriteSender. */
export async function startTestBridge(
  url: string,
  options: Partial<BridgeOptions> = {},
  forwarder: Partial<SenderForwarderOptions> = {},
): Promise<OtlpHttpBridge> {
  return startBridge({
    port: 0,
    forwarder: new SenderForwarder({ url, shards: 2, retry: { minBackoffMs: 10, maxBackoffMs: 50, maxElapsedMs: 2_000 }, ...forwarder }),
    ...options,
  });
}

export function waitFor(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 20);
    };
    check();
  });
}
