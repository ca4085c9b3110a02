/**
 * Load test of `otlp2prw serve` over loopback, next to vmagent as a peer:
 *
 *   npx tsx bench/bridge/load.ts [--points 500] [--connections 8] [--seconds 15] [--engine wasm|js] [--no-batch] [--no-vmagent]
 *
 * A fixed-size OTLP protobuf request (bench/workload.ts, `--points` data points) is posted by autocannon
 * over `--connections` keep-alive connections for `--seconds`, to each target in turn:
 * - otlp2prw: `node dist/cli/main.js serve` (run `npm run build` first), POST /v1/metrics; then again
 *   with its batching on (--batch-max-delay-ms 50, --batch-max-data-points points x connections), unless --no-batch;
 * - vmagent (Debian sid's victoria-metrics package via scripts/fetch-debian-package.sh, or VMAGENT_BIN):
 *   POST /opentelemetry/v1/metrics, with Prometheus naming and Prometheus Remote-Write (RW1) out.
 * Both forward to the same loopback sink, a separate process answering 204 with
 * X-Prometheus-Remote-Write-*-Written headers (claiming everything written: it does not decode, to keep
 * its CPU off the machine). Per target: requests/s, p50/p99 latency, peak RSS, and the target process's
 * CPU time (utime + stime from /proc/PID/stat) per accepted data point. Then the sink answers 503 for
 * another `--seconds` ("receiver down"): the answers the target gives and its peak RSS show whether
 * memory stays bounded. Prints a markdown table for BENCHMARKS.md.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { writeSection } from '../benchmarks-file.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { makeWorkload } from '../workload.js';

const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = path.join(PROJECT_DIR, 'dist/cli/main.js');
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

const { values: flags } = parseArgs({
  options: {
    points: { type: 'string', default: '500' },
    connections: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '15' },
    'warmup-seconds': { type: 'string', default: '3' },
    engine: { type: 'string', default: 'wasm' },
    'no-batch': { type: 'boolean', default: false },
    'no-vmagent': { type: 'boolean', default: false },
  },
});
const POINTS = Number(flags.points);
const CONNECTIONS = Number(flags.connections);
const SECONDS = Number(flags.seconds);
const WARMUP_SECONDS = Number(flags['warmup-seconds']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// The sink: a child process so that its work does not share the load generator's event loop.

const SINK_SOURCE = `
const http = require('node:http');
let status = 204, requests = 0, bytes = 0;
const server = http.createServer((request, response) => {
  let size = 0;
  request.on('data', (chunk) => (size += chunk.length));
  request.on('end', () => {
    requests++; bytes += size;
    if (status !== 204) { response.writeHead(status, { 'Content-Type': 'text/plain', 'Retry-After': '1' }); response.end('sink down\\n'); return; }
    response.writeHead(204, {
      'X-Prometheus-Remote-Write-Samples-Written': '1000000000',
      'X-Prometheus-Remote-Write-Histograms-Written': '1000000000',
      'X-Prometheus-Remote-Write-Exemplars-Written': '1000000000',
    });
    response.end();
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (message) => {
  if (message.status !== undefined) status = message.status;
  process.send({ requests, bytes, ack: message.id });
});
`;

interface Sink {
  url: string;
  /** Sets the status it answers; resolves with its counters so far. */
  set(status: number): Promise<{ requests: number; bytes: number }>;
  close(): void;
}

async function startSink(): Promise<Sink> {
  const child = spawn(process.execPath, ['-e', SINK_SOURCE], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (message: { port: number }) => resolve(message.port)));
  let id = 0;
  return {
    url: `http://127.0.0.1:${port}/api/v1/write`,
    set(status) {
      const ack = ++id;
      return new Promise((resolve) => {
        const onMessage = (message: { ack?: number; requests: number; bytes: number }): void => {
          if (message.ack !== ack) return;
          child.off('message', onMessage);
          resolve(message);
        };
        child.on('message', onMessage);
        child.send({ status, id: ack });
      });
    },
    close: () => child.kill('SIGKILL'),
  };
}

// ---------------------------------------------------------------------------------------------
// Targets

interface Target {
  name: string;
  process: ChildProcess;
  otlpUrl: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

function stopper(child: ChildProcess, cleanup: () => void = () => {}): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    cleanup();
  };
}

/**
 * `otlp2prw serve`, or with `batch` its batching on: exports within 50 ms, or as many data points as the
 * connections send at once, become one write.
 */
async function startOtlp2prw(sinkUrl: string, batch: boolean): Promise<Target> {
  const port = await freePort();
  const batchPoints = POINTS * CONNECTIONS;
  const batchFlags = batch ? ['--batch-max-delay-ms', '50', '--batch-max-data-points', String(batchPoints)] : [];
  const child = spawn(process.execPath, [MAIN, 'serve', '--listen', `127.0.0.1:${port}`, '--no-grpc', '--remote-write-url', sinkUrl, '--engine', String(flags.engine), ...batchFlags, '--log-level', 'error'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitHttp(`http://127.0.0.1:${port}/-/ready`);
  const name = `otlp2prw serve (${flags.engine}${batch ? `, batches of 50 ms or ${batchPoints} points` : ''})`;
  return { name, process: child, otlpUrl: `http://127.0.0.1:${port}/v1/metrics`, stop: stopper(child) };
}

function vmagentBinary(): string | undefined {
  if (process.env.VMAGENT_BIN) return process.env.VMAGENT_BIN;
  try {
    return execFileSync('bash', [path.join(PROJECT_DIR, 'scripts/fetch-debian-package.sh'), 'sid', 'victoria-metrics', 'vmagent'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
  } catch (error) {
    console.warn(`vmagent unavailable: ${(error as Error).message}`);
    return undefined;
  }
}

/** Debian's build prints no -version: the version is the .deb's, next to the extracted tree. */
function vmagentVersion(bin: string): string {
  const cacheDir = path.resolve(path.dirname(bin), '../../..');
  const deb = readdirSync(cacheDir).find((name) => /^victoria-metrics_.+\.deb$/.test(name));
  return deb?.split('_')[1] ?? 'unknown';
}

async function startVmagent(bin: string, sinkUrl: string): Promise<Target> {
  const port = await freePort();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'otlp2prw-vmagent-'));
  const child = spawn(
    bin,
    [
      '-opentelemetry.usePrometheusNaming',
      '-remoteWrite.forcePromProto',
      `-remoteWrite.url=${sinkUrl}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      `-remoteWrite.tmpDataPath=${tmp}`,
      '-loggerLevel=ERROR',
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  await waitHttp(`http://127.0.0.1:${port}/health`);
  return {
    name: 'vmagent',
    process: child,
    otlpUrl: `http://127.0.0.1:${port}/opentelemetry/v1/metrics`,
    stop: stopper(child, () => rmSync(tmp, { recursive: true, force: true })),
  };
}

// ---------------------------------------------------------------------------------------------
// Measurement

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), 1-based: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? 0 : Number(match[1]) * 1024;
}

/** Samples a process's RSS every 50 ms; stop() returns the peak. */
function rssPeak(pid: number): { stop(): number } {
  let peak = rssBytes(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssBytes(pid));
    } catch {
      /* exited */
    }
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

interface PhaseResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<string, number>;
  errors: number;
  acceptedPoints: number;
  cpuSeconds: number;
  peakRssBytes: number;
}

async function load(url: string, body: Buffer, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 30,
  });
}

async function phase(target: Target, body: Buffer, seconds: number): Promise<PhaseResult> {
  const pid = target.process.pid as number;
  const rss = rssPeak(pid);
  const cpuBefore = cpuSeconds(pid);
  const result = await load(target.otlpUrl, body, seconds);
  const cpu = cpuSeconds(pid) - cpuBefore;
  const statuses: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = stats?.count ?? 0;
  const accepted = Object.entries(statuses)
    .filter(([code]) => code.startsWith('2'))
    .reduce((total, [, count]) => total + count, 0);
  return {
    requestsPerSecond: accepted / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statuses,
    errors: result.errors + result.timeouts,
    acceptedPoints: accepted * POINTS,
    cpuSeconds: cpu,
    peakRssBytes: rss.stop(),
  };
}

interface TargetReport {
  name: string;
  up: PhaseResult;
  down: PhaseResult;
  sinkRequests: number;
  sinkBytes: number;
}

async function measure(target: Target, sink: Sink, body: Buffer): Promise<TargetReport> {
  console.error(`${target.name}: warm-up ${WARMUP_SECONDS} s`);
  await load(target.otlpUrl, body, WARMUP_SECONDS);
  await sleep(1_000);
  const before = await sink.set(204);
  console.error(`${target.name}: ${SECONDS} s, ${CONNECTIONS} connections, receiver up`);
  const up = await phase(target, body, SECONDS);
  await sleep(2_000);
  const after = await sink.set(503);
  console.error(`${target.name}: ${SECONDS} s, receiver down (sink answers 503)`);
  const down = await phase(target, body, SECONDS);
  await sink.set(204);
  return { name: target.name, up, down, sinkRequests: after.requests - before.requests, sinkBytes: after.bytes - before.bytes };
}

const mib = (bytes: number) => `${(bytes / (1 << 20)).toFixed(0)} MiB`;

function table(reports: TargetReport[]): string {
  const rows = [
    '| | requests/s | data points/s | p50 / p99 latency | CPU per data point | CPU cores used | peak RSS | receiver down: answers | receiver down: peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|---|---:|',
  ];
  for (const { name, up, down } of reports) {
    const downAnswers = Object.entries(down.statuses)
      .map(([code, count]) => `${count} × ${code}`)
      .join(', ');
    rows.push(
      `| ${name} | ${up.requestsPerSecond.toFixed(0)} | ${(up.acceptedPoints / SECONDS / 1000).toFixed(0)}k | ${up.p50Ms} / ${up.p99Ms} ms | ` +
        `${((up.cpuSeconds / up.acceptedPoints) * 1e6).toFixed(2)} µs | ${(up.cpuSeconds / SECONDS).toFixed(2)} | ${mib(up.peakRssBytes)} | ` +
        `${downAnswers}${down.errors ? `, ${down.errors} errors` : ''} | ${mib(down.peakRssBytes)} |`,
    );
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const workload = makeWorkload(POINTS, 1, { withJson: false });
  const body = Buffer.from(workload.otlpBytes);
  const sink = await startSink();
  const reports: TargetReport[] = [];
  let vmagent: string | undefined;
  try {
    for (const batch of flags['no-batch'] ? [false] : [false, true]) {
      const bridge = await startOtlp2prw(sink.url, batch);
      try {
        reports.push(await measure(bridge, sink, body));
      } finally {
        await bridge.stop();
      }
    }
    const bin = flags['no-vmagent'] ? undefined : vmagentBinary();
    if (bin !== undefined) {
      vmagent = vmagentVersion(bin);
      const peer = await startVmagent(bin, sink.url);
      try {
        reports.push(await measure(peer, sink, body));
      } finally {
        await peer.stop();
      }
    }
  } finally {
    sink.close();
  }
  console.log(JSON.stringify({ points: POINTS, bytes: body.length, connections: CONNECTIONS, seconds: SECONDS, vmagent, reports }, null, 2));
  const setup =
    `OTLP/HTTP protobuf, ${POINTS} data points (${(body.length / 1024).toFixed(0)} KiB) per request, ${CONNECTIONS} keep-alive connections ` +
    `(autocannon), ${SECONDS} s per phase after ${WARMUP_SECONDS} s warm-up, loopback; Node ${process.version}, ${os.cpus().length} vCPU` +
    `${vmagent ? `, vmagent ${vmagent}` : ''}; load average ${os.loadavg()[0].toFixed(2)}; ${new Date().toISOString().slice(0, 10)}.`;
  console.log(`\n${setup}\n`);
  console.log(table(reports));
  writeSection('bench/bridge/load.ts', `## Bridge under load: otlp2prw serve vs vmagent\n\nGenerated by \`npm run bench:bridge\`. ${setup}\n\n${table(reports)}`);
}

await main();
