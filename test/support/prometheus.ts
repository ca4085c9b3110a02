// A real Prometheus for integration tests: started per test file (or per test) on 127.0.0.1 with a
// free port and a fresh temp data dir, killed and cleaned up on stop().
//
//   const avail = prometheusAvailability();           // loud warning (or throw in CI) when missing
//   describe.skipIf(!avail.available)('...', () => {
//     let prom: PrometheusHandle;
//     beforeAll(async () => { prom = await startPrometheus(); }, 60_000);
//     afterAll(async () => { await prom?.stop(); });
//     ...
//   });
//
// The binary: PROMETHEUS_BIN, else what scripts/fetch-prometheus.sh prints (Debian sid's build,
// fetched into .cache/ on first use). Any other binary (e.g. Prometheus 2.x from
// scripts/fetch-rw1-receivers.sh) can be passed as `bin`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeReadResponse, encodeReadRequest } from './proto.js';
import { snappyCompress, snappyDecompress } from './snappy.js';

const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const FETCH_SCRIPT = path.join(PROJECT_DIR, 'scripts/fetch-prometheus.sh');

export const RW2_MESSAGE = 'io.prometheus.write.v2.Request';
export const RW1_MESSAGE = 'prometheus.WriteRequest';

export interface PrometheusAvailability {
  available: boolean;
  /** Why it is (un)available: where the binary came from, or what failed. */
  reason: string;
  bin?: string;
  /** Version string from `prometheus --version`, e.g. "3.5.3+ds1". */
  version?: string;
}

export interface PrometheusOptions {
  /** Binary to run; default: PROMETHEUS_BIN or scripts/fetch-prometheus.sh. */
  bin?: string;
  /**
   * Value of --web.remote-write-receiver.accepted-protobuf-messages (Prometheus >= 3 only; the
   * flag is left out for 2.x). Default [RW2_MESSAGE]. Pass [] to leave the flag out (Prometheus's
   * own default then applies: both messages).
   */
  acceptedMessages?: string[];
  /** --enable-feature values. Default ['native-histograms', 'exemplar-storage']. */
  features?: string[];
  /** More command-line flags, e.g. ['--web.enable-otlp-receiver']. */
  extraFlags?: string[];
  /** YAML appended to the generated config (top-level keys, e.g. "otlp:\n  ...\nstorage:\n  ..."). */
  extraConfig?: string;
  /** How long to wait for /-/ready. Default 30 s. */
  readyTimeoutMs?: number;
}

export type LabelMatcherType = 'EQ' | 'NEQ' | 'RE' | 'NRE';
export interface LabelMatcher {
  type?: LabelMatcherType;
  name: string;
  value: string;
}

export interface RawSample {
  timestamp: number;
  value: number;
  /** The 16 hex digits of the value's IEEE-754 bits as Prometheus sent them. */
  valueBits: string;
  /** True for Prometheus's staleness marker (bits 7ff0000000000002). */
  stale: boolean;
}

export interface RawSeries {
  /** Labels (sorted by name, as Prometheus returns them). */
  labels: Record<string, string>;
  samples: RawSample[];
  /** Native histograms as decoded `prometheus.Histogram` objects (camelCase, longs as numbers). */
  histograms: any[];
}

export interface PromQueryData {
  resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  result: any;
}

export interface PrometheusHandle {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** Remote-write receiver URL (url + /api/v1/write). */
  writeUrl: string;
  /** OTLP receiver URL (only answers when started with --web.enable-otlp-receiver). */
  otlpUrl: string;
  /** Version string from `--version`, e.g. "3.5.3+ds1". */
  version: string;
  /** Major version number parsed from `version`. */
  major: number;
  bin: string;
  dataDir: string;
  /** Everything Prometheus printed so far (stdout and stderr, capped). */
  logs(): string;
  /** Instant query; throws unless status is success. */
  query(promql: string, timeSec?: number): Promise<PromQueryData>;
  /** Range query; throws unless status is success. */
  queryRange(promql: string, startSec: number, endSec: number, stepSec: number): Promise<PromQueryData>;
  /**
   * Raw samples through remote read (POST /api/v1/read, SAMPLES response type): nothing is
   * dropped or interpolated, staleness markers included. `matchers` as a name->value record means
   * equality matchers. Times in ms, both ends inclusive.
   */
  readRaw(matchers: Record<string, string> | LabelMatcher[], startMs: number, endMs: number): Promise<RawSeries[]>;
  /** GET /api/v1/query_exemplars; returns `data` ([{ seriesLabels, exemplars: [{labels, value, timestamp}] }]). */
  queryExemplars(promql: string, startSec: number, endSec: number): Promise<any[]>;
  /** GET an API path (e.g. '/api/v1/series?match[]=up') and return `data`; throws unless success. */
  api(pathAndQuery: string): Promise<any>;
  /** Kill the process and remove the data dir. Idempotent. */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Binary resolution

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `<bin> --version` -> "3.5.3+ds1" (throws if the binary does not run). */
export function prometheusVersion(bin: string): string {
  const out = execFileSync(bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  const m = /version\s+(\S+)/.exec(out);
  if (!m) throw new Error(`cannot parse version from: ${out.split('\n')[0]}`);
  return m[1];
}

let cachedAvailability: PrometheusAvailability | undefined;

function resolvePrometheus(): PrometheusAvailability {
  if (process.env.OTLP2PRW_SKIP_PROMETHEUS && process.env.CI !== 'true') {
    return { available: false, reason: `OTLP2PRW_SKIP_PROMETHEUS=${process.env.OTLP2PRW_SKIP_PROMETHEUS} is set` };
  }
  let bin: string;
  let source: string;
  const envBin = process.env.PROMETHEUS_BIN;
  if (envBin && isExecutable(envBin)) {
    bin = envBin;
    source = 'PROMETHEUS_BIN';
  } else {
    try {
      // Prints the cached path at once, or fetches Debian sid's package (a few seconds) first.
      bin = execFileSync('bash', [FETCH_SCRIPT], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 10 * 60_000,
      }).trim();
      source = 'scripts/fetch-prometheus.sh';
    } catch (e: any) {
      const stderr = String(e?.stderr ?? '').trim().split('\n').slice(-5).join(' | ');
      return {
        available: false,
        reason:
          (envBin ? `PROMETHEUS_BIN=${envBin} is not executable, and ` : '') +
          `scripts/fetch-prometheus.sh failed: ${e?.message ?? e}${stderr ? ` (${stderr})` : ''}`,
      };
    }
  }
  try {
    const version = prometheusVersion(bin);
    return { available: true, reason: `${source}: ${bin} (version ${version})`, bin, version };
  } catch (e: any) {
    return { available: false, reason: `${bin} (from ${source}) does not run: ${e?.message ?? e}`, bin };
  }
}

/**
 * Whether a Prometheus binary can be used. In CI (CI=true) a missing binary throws; elsewhere the
 * caller skips its tests and this prints a loud warning saying why. Cached per module instance.
 */
export function prometheusAvailability(): PrometheusAvailability {
  if (!cachedAvailability) {
    cachedAvailability = resolvePrometheus();
    if (!cachedAvailability.available) {
      if (process.env.CI === 'true') {
        throw new Error(`Prometheus is required in CI (CI=true) but unavailable: ${cachedAvailability.reason}`);
      }
      const bar = '!'.repeat(100);
      console.warn(
        `\n${bar}\n!!! PROMETHEUS INTEGRATION TESTS SKIPPED: ${cachedAvailability.reason}\n` +
          `!!! Set PROMETHEUS_BIN to a Prometheus 3.x binary, or run \`bash scripts/fetch-prometheus.sh\`.\n${bar}\n`,
      );
    }
  }
  return cachedAvailability;
}

// ---------------------------------------------------------------------------------------------
// Process management

const live = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // If a test file dies without calling stop(), do not leave Prometheus running or data behind.
  process.on('exit', () => {
    for (const c of live) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
    for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
  });
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function majorOf(version: string): number {
  return Number.parseInt(version, 10) || 0;
}

/** Start Prometheus and wait until /-/ready answers 200. */
export async function startPrometheus(opts: PrometheusOptions = {}): Promise<PrometheusHandle> {
  let bin = opts.bin;
  if (!bin) {
    const avail = prometheusAvailability();
    if (!avail.available || !avail.bin) throw new Error(`Prometheus unavailable: ${avail.reason}`);
    bin = avail.bin;
  }
  const version = prometheusVersion(bin);
  const major = majorOf(version);
  installExitHook();

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(bin, version, major, opts);
    } catch (e) {
      lastError = e;
      // Another process may have taken the port between freePort() and bind: try a new one.
      if (!/address already in use/i.test(String((e as Error)?.message))) throw e;
    }
  }
  throw lastError;
}

async function startOnce(bin: string, version: string, major: number, opts: PrometheusOptions): Promise<PrometheusHandle> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'otlp2prw-prometheus-'));
  liveDirs.add(dataDir);
  const configFile = path.join(dataDir, 'prometheus.yml');
  writeFileSync(
    configFile,
    `global:\n  scrape_interval: 1h\n  evaluation_interval: 1h\nscrape_configs: []\n${opts.extraConfig ? `${opts.extraConfig.trimEnd()}\n` : ''}`,
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const features = opts.features ?? ['native-histograms', 'exemplar-storage'];
  const accepted = opts.acceptedMessages ?? [RW2_MESSAGE];
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${path.join(dataDir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-remote-write-receiver',
    ...(major >= 3 && accepted.length > 0 ? [`--web.remote-write-receiver.accepted-protobuf-messages=${accepted.join(',')}`] : []),
    ...(features.length > 0 ? [`--enable-feature=${features.join(',')}`] : []),
    ...(opts.extraFlags ?? []),
  ];

  let output = '';
  const MAX_LOG = 256 * 1024;
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > MAX_LOG) output = output.slice(-MAX_LOG);
  };
  const child = spawn(bin, args, { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      live.delete(child);
      resolve();
    });
    child.on('error', (err) => {
      append(Buffer.from(`spawn error: ${err.message}\n`));
      exited ??= { code: -1, signal: null };
      live.delete(child);
      resolve();
    });
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitPromise;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
    liveDirs.delete(dataDir);
  };

  // Wait for readiness.
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(
        `Prometheus ${version} exited (code ${exited.code}, signal ${exited.signal}) before ready.\n` +
          `args: ${args.join(' ')}\n${output.slice(-4000)}`,
      );
    }
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Prometheus ${version} not ready after ${opts.readyTimeoutMs ?? 30_000} ms.\n${output.slice(-4000)}`);
    }
    await sleep(50);
  }

  const api = async (pathAndQuery: string): Promise<any> => {
    const res = await fetch(url + pathAndQuery);
    const text = await res.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`GET ${pathAndQuery}: HTTP ${res.status}: ${text.slice(0, 500)}`);
    }
    if (body.status !== 'success') throw new Error(`GET ${pathAndQuery}: HTTP ${res.status}: ${body.errorType}: ${body.error}`);
    return body.data;
  };

  const qs = (params: Record<string, string | number | undefined>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) p.set(k, String(v));
    return p.toString();
  };

  const readRaw = async (
    matchers: Record<string, string> | LabelMatcher[],
    startMs: number,
    endMs: number,
  ): Promise<RawSeries[]> => {
    const types: Record<LabelMatcherType, number> = { EQ: 0, NEQ: 1, RE: 2, NRE: 3 };
    const list: LabelMatcher[] = Array.isArray(matchers)
      ? matchers
      : Object.entries(matchers).map(([name, value]) => ({ type: 'EQ' as const, name, value }));
    const body = encodeReadRequest({
      queries: [
        {
          startTimestampMs: startMs,
          endTimestampMs: endMs,
          matchers: list.map((m) => ({ type: types[m.type ?? 'EQ'], name: m.name, value: m.value })),
        },
      ],
      acceptedResponseTypes: [0], // SAMPLES
    });
    const res = await fetch(`${url}/api/v1/read`, {
      method: 'POST',
      headers: {
        'Content-Encoding': 'snappy',
        'Content-Type': 'application/x-protobuf',
        'X-Prometheus-Remote-Read-Version': '0.1.0',
      },
      body: snappyCompress(body),
    });
    const buf = new Uint8Array(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`remote read: HTTP ${res.status}: ${Buffer.from(buf).toString('utf8').slice(0, 500)}`);
    const decoded = decodeReadResponse(snappyDecompress(buf));
    const series = decoded.results[0]?.timeseries ?? [];
    return series.map((ts: any) => ({
      labels: Object.fromEntries(ts.labels.map((l: any) => [l.name, l.value])),
      samples: ts.samples.map((s: any) => ({
        timestamp: s.timestamp,
        value: s.value,
        valueBits: s.valueBits,
        stale: s.valueBits === '7ff0000000000002',
      })),
      histograms: ts.histograms,
    }));
  };

  return {
    url,
    writeUrl: `${url}/api/v1/write`,
    otlpUrl: `${url}/api/v1/otlp/v1/metrics`,
    version,
    major,
    bin,
    dataDir,
    logs: () => output,
    api,
    query: (promql, timeSec) => api(`/api/v1/query?${qs({ query: promql, time: timeSec })}`),
    queryRange: (promql, startSec, endSec, stepSec) =>
      api(`/api/v1/query_range?${qs({ query: promql, start: startSec, end: endSec, step: stepSec })}`),
    queryExemplars: (promql, startSec, endSec) =>
      api(`/api/v1/query_exemplars?${qs({ query: promql, start: startSec, end: endSec })}`),
    readRaw,
    stop,
  };
}
