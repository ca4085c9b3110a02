/**
 * Steady-state memory of the builder (issue C), written into the memory section of BENCHMARKS.md.
 *
 *   npx tsx bench/memory.ts                    # 1000 x 10k-point requests, then 1M points in one request
 *   npx tsx bench/memory.ts --requests 200     # fewer requests (prints, writes nothing)
 *   npx tsx bench/memory.ts --engine js        # the js engine (prints, writes nothing)
 *
 * 1. Steady state: `--requests` requests of the otlp-10k workload through ONE builder (reset(); add();
 *    encodeSnappy() each). WASM memory of its engine and process RSS / V8 heap after a full GC are taken
 *    after the warm-up (the first 5% of requests, at least 10) and at the end; a builder that keeps
 *    capacity but leaks nothing shows the same WASM memory and about the same RSS and heap at both.
 * 2. One request of 1M data points (otlp-1M, ~210 MB of OTLP, limits lifted) in a child process, so its
 *    peak RSS (getrusage maxRSS) is its own and not the steady-state run's.
 */

import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type EngineKind, V2WriteRequestBuilder } from '../dist/index.js';
import { writeSection } from './benchmarks-file.js';
import { builderWasmMemoryBytes } from './wasm-memory.js';
import { makeWorkload } from './workload.js';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ONE_MILLION_CHILD = '--one-million-child';
/** The heap of the second 1M attempt, when the default one is not enough (the machine has 24 GB). */
const LARGE_HEAP_MB = 12_288;

interface Snapshot {
  request: number;
  wasm: number | undefined;
  rss: number;
  heapUsed: number;
  external: number;
}

function snapshot(request: number, builder: V2WriteRequestBuilder): Snapshot {
  gc();
  const usage = process.memoryUsage();
  return { request, wasm: builderWasmMemoryBytes(builder), rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external + usage.arrayBuffers };
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : `${(bytes / 1e6).toFixed(1)} MB`;
}

function steadyState(requests: number, engine: EngineKind): { lines: string[]; grew: boolean } {
  const workload = makeWorkload(10_000, 1, { withJson: false });
  const builder = new V2WriteRequestBuilder({ engine });
  const warmUp = Math.max(10, Math.floor(requests * 0.05));
  let after: Snapshot | undefined;
  const checkpoints: Snapshot[] = [];
  let maxRss = 0;
  let outputBytes = 0;
  const started = performance.now();
  for (let request = 1; request <= requests; request++) {
    outputBytes = builder.reset().add(workload.otlpBytes).encodeSnappy().length;
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
    if (request === warmUp) after = snapshot(request, builder);
    if (request % 100 === 0 && request !== requests) {
      checkpoints.push(snapshot(request, builder));
      console.error(`  ${request}/${requests} requests, RSS ${mb(process.memoryUsage().rss)}, WASM ${mb(builderWasmMemoryBytes(builder))}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const end = snapshot(requests, builder);
  const warm = after ?? end;
  checkpoints.push(end);
  // WASM memory never shrinks, so any growth after warm-up is capacity that the steady state did not reuse.
  // The V8 heap after a full GC is what the process still references: a leak shows there. RSS is not a
  // leak test: V8 returns freed pages to the OS lazily, so RSS after GC wanders by 100+ MB between
  // checkpoints; it counts as growth only if the last checkpoint is above every earlier one by 20%.
  const wasmGrew = warm.wasm !== undefined && end.wasm !== undefined && end.wasm > warm.wasm;
  const heapGrew = end.heapUsed > warm.heapUsed * 1.1 + 5e6;
  const earlierRss = Math.max(warm.rss, ...checkpoints.slice(0, -1).map((checkpoint) => checkpoint.rss));
  const rssGrew = end.rss > earlierRss * 1.2;
  const row = (label: string, s: Snapshot) => `| ${label} (request ${s.request}) | ${mb(s.wasm)} | ${mb(s.rss)} | ${mb(s.heapUsed)} | ${mb(s.external)} |`;
  const lines = [
    `Steady state: ${requests} requests of otlp-10k (${workload.points} points, ${mb(workload.otlpBytes.length)} OTLP, ` +
      `${mb(outputBytes)} RW2 snappy) through one ${engine}-engine builder, reset() between; ${seconds.toFixed(0)} s ` +
      `(${((seconds / requests) * 1000).toFixed(0)} ms per request). Memory after a full GC:`,
    '',
    '| when | WASM memory | RSS | V8 heap used | external + array buffers |',
    '|---|--:|--:|--:|--:|',
    row('after warm-up', warm),
    row('at the end', end),
    '',
    `RSS / V8 heap used after a full GC every 100 requests: ${checkpoints.map((c) => `${(c.rss / 1e6).toFixed(0)}/${(c.heapUsed / 1e6).toFixed(0)}`).join(', ')} MB.`,
    '',
    `Highest RSS seen between requests (no forced GC): ${mb(maxRss)}. ` +
      (wasmGrew || rssGrew || heapGrew
        ? `**Grew after warm-up:** ${[wasmGrew && 'WASM memory', heapGrew && 'V8 heap (>10% + 5 MB)', rssGrew && 'RSS (last checkpoint >20% above all earlier ones)'].filter(Boolean).join(', ')}.`
        : 'No growth after warm-up: WASM memory identical, V8 heap within 10% + 5 MB, RSS not above its earlier checkpoints by 20%.'),
  ];
  return { lines, grew: wasmGrew || rssGrew || heapGrew };
}

/** Runs in the child: one 1M-point request, then prints one JSON line of results. */
function oneMillionChild(engine: EngineKind): void {
  const workload = makeWorkload(1_000_000, 1, { withJson: false });
  gc();
  const rssWithInput = process.memoryUsage().rss;
  const started = performance.now();
  // 210 MB of OTLP becoming ~5M series: over the default limits (32 MiB, 1M series), which exist for
  // untrusted input; this run measures memory, so it lifts them.
  const limits = { maxRequestBytes: Number.POSITIVE_INFINITY, maxSeries: Number.POSITIVE_INFINITY, maxSymbols: Number.POSITIVE_INFINITY };
  const builder = new V2WriteRequestBuilder({ engine, limits }).add(workload.otlpBytes);
  const body = builder.encodeSnappy();
  const seconds = (performance.now() - started) / 1000;
  const stats = builder.stats;
  console.log(
    JSON.stringify({
      points: workload.points,
      otlpBytes: workload.otlpBytes.length,
      series: stats.series,
      snappyBytes: body.length,
      seconds,
      rssWithInput,
      rssAfter: process.memoryUsage().rss,
      peakRss: process.resourceUsage().maxRSS * 1024,
      wasm: builderWasmMemoryBytes(builder),
    }),
  );
}

/** The 1M-point request in a child process; with Node's default heap first, then a larger one if that fails. */
function oneMillion(engine: EngineKind): string[] {
  const lines: string[] = [];
  for (const heapMb of [undefined, LARGE_HEAP_MB]) {
    console.error(`# 1M points in one request (child process, ${heapMb ? `--max-old-space-size=${heapMb}` : 'default heap'})`);
    const nodeFlags = heapMb ? [`--max-old-space-size=${heapMb}`] : [];
    const child = spawnSync(process.execPath, [...nodeFlags, ...process.execArgv, process.argv[1], ONE_MILLION_CHILD, '--engine', engine], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
    });
    const heap = heapMb ? `with \`--max-old-space-size=${heapMb}\`` : "with Node's default heap limit";
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !line.startsWith('{')) {
      const why = child.signal ? `killed by ${child.signal}` : `exit status ${child.status}`;
      const oom = /heap out of memory/.test(child.stderr) ? ': JavaScript heap out of memory' : '';
      lines.push(`- 1M points in one request (${engine} engine) ${heap}: **failed** (${why}${oom}).`);
      continue;
    }
    const r = JSON.parse(line);
    lines.push(
      `- One request of ${r.points} points (otlp-1M, ${mb(r.otlpBytes)} OTLP protobuf) through a new ${engine}-engine builder ${heap}: ` +
        `${r.seconds.toFixed(1)} s, ${r.series} series, ${mb(r.snappyBytes)} RW2 snappy. RSS with the input loaded ${mb(r.rssWithInput)}, ` +
        `after ${mb(r.rssAfter)}, **peak RSS ${mb(r.peakRss)}** (getrusage maxRSS), WASM memory ${mb(r.wasm)}.`,
    );
    break;
  }
  return lines;
}

function main(): void {
  const argv = process.argv.slice(2);
  const valueOf = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const engine = (valueOf('--engine') ?? 'wasm') as EngineKind;
  if (engine !== 'wasm' && engine !== 'js') throw new Error(`--engine wasm|js, not ${engine}`);
  if (argv.includes(ONE_MILLION_CHILD)) return oneMillionChild(engine);
  const requests = Number(valueOf('--requests') ?? 1000);
  const writes = requests === 1000 && engine === 'wasm';

  const loadBefore = loadavg()[0];
  console.error(`# steady state: ${requests} requests of otlp-10k, ${engine} engine`);
  const steady = steadyState(requests, engine);
  const million = oneMillion(engine);
  const environment =
    `Node ${process.version}, ${cpus()[0]?.model.trim() ?? 'unknown CPU'} (${cpus().length} logical CPUs), ${process.platform}/${process.arch}; ` +
    `load average ${loadBefore.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end`;
  const markdown = [
    '## Memory',
    '',
    `Generated by \`npx tsx bench/memory.ts\` on ${new Date().toISOString().slice(0, 10)}; ${environment}. ` +
      'WASM memory is the wasm engine\'s (read from the builder\'s engine: not public API, see bench/wasm-memory.ts).',
    '',
    ...steady.lines,
    '',
    ...million,
  ].join('\n');
  console.log(`\n${markdown}`);
  if (writes) {
    writeSection('bench/memory.ts', markdown);
    console.error('\nwrote the memory section of BENCHMARKS.md');
  } else console.error('\n(not the default run: BENCHMARKS.md left as it was)');
  if (steady.grew) process.exitCode = 1;
}

main();
