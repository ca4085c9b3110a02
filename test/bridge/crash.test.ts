// At-least-once delivery across a crash, with real processes: `otlp2prw serve --wal-dir` as a child
// process forwarding to a real Prometheus 3 through a switchable proxy. A client streams OTLP exports
// (each with its own sample timestamps) and records which got a 200; the receiver is unreachable first
// (the WAL accumulates), then reachable; the bridge is killed with SIGKILL mid-stream and restarted on
// the same WAL dir. Once the WAL has drained, every sample acknowledged with a 200 must be in
// Prometheus (remote read, raw samples). Resent requests are counted at the proxy: Prometheus absorbs
// identical samples, so they cost traffic, not correctness.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWriteRequest } from '../../src/rw/read.js';
import { exportRequest, gauge, resourceMetrics } from '../support/otlp.js';
import { type PrometheusHandle, freePort, prometheusAvailability, startPrometheus } from '../support/prometheus.js';
import { encodeOtlp } from '../support/proto.js';
import { waitFor } from './support.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const avail = prometheusAvailability();

const JOB = 'crash-test';
const METRIC = 'crash_test_value';
/** Series per export request; every request has one sample per series at its own timestamp. */
const SERIES = 4;
const CLIENTS = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Export `index` from client `client`: SERIES gauges of that client, value = index, timestamp = base +
 * index ms (unique per request). Each client has its own series and sends one request at a time, so
 * each series' samples leave the client in time order, as from an SDK.
 */
function exportBody(index: number, client: number, baseMs: number): Uint8Array {
  const points = Array.from({ length: SERIES }, (_, series) => ({ value: index, timeMs: baseMs + index, attributes: { series: String(series) } }));
  const resource = resourceMetrics({ 'service.name': JOB, 'service.instance.id': `client-${client}` }, [{ name: 'crash', metrics: [gauge({ name: METRIC }, points)] }]);
  return encodeOtlp(exportRequest(resource));
}

/**
 * An HTTP proxy in front of Prometheus's remote-write receiver that can be taken down (not listening:
 * connections are refused) and brought back on the same port. It counts how often each sample
 * (series, timestamp) went through with a 2xx, to see resends.
 */
interface SwitchableProxy {
  url: string;
  forwarded: Map<string, number>;
  statuses: Map<number, number>;
  up(): Promise<void>;
  down(): Promise<void>;
}

async function startProxy(target: string): Promise<SwitchableProxy> {
  const port = await freePort();
  const forwarded = new Map<string, number>();
  const statuses = new Map<number, number>();
  let server: Server | undefined;
  const handle = async (request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = new Uint8Array(Buffer.concat(chunks));
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'content-encoding', 'x-prometheus-remote-write-version', 'user-agent']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    let upstream: Response;
    try {
      upstream = await fetch(target, { method: 'POST', headers, body });
    } catch (error) {
      response.writeHead(502, { 'Content-Type': 'text/plain' }).end(`proxy: ${(error as Error).message}\n`);
      return;
    }
    const answer = Buffer.from(await upstream.arrayBuffer());
    statuses.set(upstream.status, (statuses.get(upstream.status) ?? 0) + 1);
    if (upstream.ok && headers['x-prometheus-remote-write-version']?.startsWith('2.')) {
      for (const series of readWriteRequest(body).timeseries) {
        const key = series.labels.map((label) => `${label.name}=${label.value}`).join(',');
        for (const sample of series.samples) forwarded.set(`${key}@${sample.timestamp}`, (forwarded.get(`${key}@${sample.timestamp}`) ?? 0) + 1);
      }
    }
    const out: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (name.startsWith('x-prometheus-') || name === 'content-type') out[name] = value;
    });
    response.writeHead(upstream.status, out).end(answer);
  };
  return {
    url: `http://127.0.0.1:${port}/api/v1/write`,
    forwarded,
    statuses,
    async up() {
      if (server !== undefined) return;
      const started = createServer((request, response) => void handle(request, response));
      await new Promise<void>((resolve, reject) => {
        started.once('error', reject);
        started.listen(port, '127.0.0.1', () => resolve());
      });
      server = started;
    },
    async down() {
      const stopping = server;
      server = undefined;
      if (stopping === undefined) return;
      const closed = new Promise<void>((resolve) => stopping.close(() => resolve()));
      stopping.closeAllConnections();
      await closed;
    },
  };
}

/** `otlp2prw serve` as a child process, with its JSON log lines. */
interface BridgeProcess {
  child: ChildProcessWithoutNullStreams;
  lines: Array<Record<string, unknown>>;
  exited: Promise<void>;
}

async function startBridgeProcess(port: number, walDir: string, remoteWriteUrl: string, extraArgs: string[]): Promise<BridgeProcess> {
  const child = spawn(
    process.execPath,
    [MAIN, 'serve', '--listen', `127.0.0.1:${port}`, '--no-grpc', '--wal-dir', walDir, '--remote-write-url', remoteWriteUrl, '--shards', '2', '--log-format', 'json', ...extraArgs],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const lines: Array<Record<string, unknown>> = [];
  let buffered = '';
  child.stderr.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) {
      if (part.trim() === '') continue;
      try {
        lines.push(JSON.parse(part));
      } catch {
        lines.push({ msg: part });
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  await waitFor(() => gone || lines.some((line) => line.msg === 'otlp2prw bridge started'), 20_000, 'the bridge startup line');
  if (gone) throw new Error(`otlp2prw serve exited before starting:\n${lines.map((line) => JSON.stringify(line)).join('\n')}`);
  return { child, lines, exited };
}

/** Streams exports from CLIENTS concurrent loops until stop(); records each request's outcome. */
function streamExports(url: () => string, baseMs: number) {
  const outcomes: Array<number | string> = [];
  /** Request index -> the client that sent it. */
  const clients: number[] = [];
  let next = 0;
  let running = true;
  const loop = async (client: number): Promise<void> => {
    while (running) {
      const index = next++;
      clients[index] = client;
      try {
        const response = await fetch(url(), {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-protobuf' },
          body: Buffer.from(exportBody(index, client, baseMs)),
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        outcomes[index] = response.status;
        if (response.status !== 200) await sleep(20);
      } catch (error) {
        // Connection refused or reset: the bridge is down or was killed mid-request.
        outcomes[index] = ((error as Error).cause as { code?: string } | undefined)?.code ?? (error as Error).name;
        await sleep(20);
      }
    }
  };
  const loops = Array.from({ length: CLIENTS }, (_, client) => loop(client));
  return {
    outcomes,
    clients,
    get sent() {
      return next;
    },
    async stop(): Promise<void> {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function walEntries(bridgeUrl: string): Promise<number> {
  const text = await (await fetch(`${bridgeUrl}/metrics`)).text();
  const match = /^otlp2prw_bridge_wal_entries (\d+)$/m.exec(text);
  if (match === null) throw new Error('no otlp2prw_bridge_wal_entries on /metrics');
  return Number(match[1]);
}

/**
 * With an out-of-order window Prometheus takes samples in any order. Without one it refuses a sample
 * older than the newest of its series (400 "out of order sample"): the run then also checks that the
 * bridge keeps each series in time order across the restart (WAL leftovers are queued before the
 * listener opens, so the queue must hold them all: --max-queued-requests).
 */
const CASES = [
  { receiver: 'Prometheus with storage.tsdb.out_of_order_time_window', extraConfig: 'storage:\n  tsdb:\n    out_of_order_time_window: 30m', bridgeArgs: [] },
  { receiver: 'Prometheus without an out-of-order window', extraConfig: undefined, bridgeArgs: ['--max-queued-requests', '10000'] },
];

describe.skipIf(!avail.available).each(CASES)(`kill -9 and restart, $receiver: every acknowledged sample is stored (${avail.reason})`, ({ extraConfig, bridgeArgs }) => {
  let prom: PrometheusHandle;
  let walDir: string;
  const children: ChildProcessWithoutNullStreams[] = [];

  beforeAll(async () => {
    prom = await startPrometheus({ extraConfig });
    walDir = mkdtempSync(path.join(os.tmpdir(), 'otlp2prw-crash-wal-'));
  }, 60_000);
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await prom?.stop();
    if (walDir) rmSync(walDir, { recursive: true, force: true });
  });

  it('receiver down, then up, SIGKILL mid-stream, restart on the same WAL: nothing acknowledged is lost', async () => {
    const proxy = await startProxy(prom.writeUrl);
    const port = await freePort();
    const bridgeUrl = `http://127.0.0.1:${port}`;
    const baseMs = Date.now() - 60_000;

    // 1. The receiver is unreachable (closed port): accepted exports pile up in the WAL.
    const first = await startBridgeProcess(port, walDir, proxy.url, bridgeArgs);
    children.push(first.child);
    const client = streamExports(() => `${bridgeUrl}/v1/metrics`, baseMs);
    await sleep(2_000);
    const walWhileDown = readdirSync(walDir).filter((name) => name.endsWith('.pb')).length;
    const acknowledgedWhileDown = client.outcomes.filter((outcome) => outcome === 200).length;

    // 2. The receiver comes back; the sender's retries start delivering; then a crash mid-stream.
    await proxy.up();
    await sleep(1_500);
    first.child.kill('SIGKILL');
    await first.exited;
    const sentBeforeKill = client.sent;
    const walAfterKill = readdirSync(walDir).filter((name) => name.endsWith('.pb')).length;

    // 3. Restart on the same WAL dir while the client keeps going, then stop the client.
    const second = await startBridgeProcess(port, walDir, proxy.url, bridgeArgs);
    children.push(second.child);
    const replayLine = second.lines.find((line) => line.msg === 'replaying write-ahead log');
    const replayedEntries = Number(replayLine?.entries ?? 0);
    await sleep(1_000);
    await client.stop();

    // 4. The WAL drains.
    let left = -1;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      left = await walEntries(bridgeUrl);
      if (left === 0) break;
      await sleep(200);
    }
    expect(left, 'WAL entries left after 60 s').toBe(0);
    expect(readdirSync(walDir).filter((name) => !name.endsWith('.corrupt'))).toEqual([]);

    // 5. Every acknowledged sample is in Prometheus; nothing is there twice.
    const series = await prom.readRaw({ __name__: METRIC, job: JOB }, baseMs - 1, baseMs + client.sent + 1);
    const stored = new Map<string, Set<number>>();
    let storedSamples = 0;
    for (const found of series) {
      const timestamps = new Set(found.samples.map((sample) => sample.timestamp));
      expect(timestamps.size, 'one sample per timestamp').toBe(found.samples.length);
      for (const sample of found.samples) expect(sample.value).toBe(sample.timestamp - baseMs);
      stored.set(`${found.labels.instance}/${found.labels.series}`, timestamps);
      storedSamples += found.samples.length;
    }
    const clientOf = (index: number): number => client.clients[index];
    const acknowledged: number[] = [];
    client.outcomes.forEach((outcome, index) => outcome === 200 && acknowledged.push(index));
    const missing: string[] = [];
    for (const index of acknowledged) {
      const client = `client-${clientOf(index)}`;
      for (let s = 0; s < SERIES; s++) if (!stored.get(`${client}/${s}`)?.has(baseMs + index)) missing.push(`request ${index} ${client} series ${s}`);
    }

    const tally = new Map<string, number>();
    for (const outcome of client.outcomes) tally.set(String(outcome), (tally.get(String(outcome)) ?? 0) + 1);
    const storedRequests = new Set<number>();
    for (const timestamps of stored.values()) for (const t of timestamps) storedRequests.add(t - baseMs);
    const unacknowledgedButStored = [...storedRequests].filter((index) => client.outcomes[index] !== 200).length;
    let resentSamples = 0;
    for (const count of proxy.forwarded.values()) if (count > 1) resentSamples += count - 1;
    const report = {
      requests: client.sent,
      outcomes: Object.fromEntries(tally),
      acknowledgedWhileReceiverDown: acknowledgedWhileDown,
      walEntriesWhileReceiverDown: walWhileDown,
      sentBeforeKill,
      walEntriesAfterKill: walAfterKill,
      replayedOnRestart: replayedEntries,
      storedSamples,
      missingAcknowledgedSamples: missing.length,
      storedButNotAcknowledgedRequests: unacknowledgedButStored,
      resentSamples,
      resentRequests: resentSamples / SERIES,
      receiverStatuses: Object.fromEntries(proxy.statuses),
    };
    console.log(`crash test: ${JSON.stringify(report)}`);

    expect(acknowledgedWhileDown, 'exports acknowledged while the receiver was down').toBeGreaterThan(0);
    expect(walAfterKill, 'WAL entries left by the crash').toBeGreaterThan(0);
    expect(replayedEntries).toBe(walAfterKill);
    expect(acknowledged.length).toBeGreaterThan(acknowledgedWhileDown);
    expect(missing.slice(0, 10)).toEqual([]);

    second.child.kill('SIGTERM');
    await second.exited;
    await proxy.down();
  }, 120_000);
});
