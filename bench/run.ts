/**
 * End-to-end and per-stage benchmarks of V2WriteRequestBuilder on the workloads of bench/workload.ts.
 *
 *   npm run bench                          # 1k, 10k, 100k points; writes BENCHMARKS.md
 *   npx tsx bench/run.ts --quick           # 1k and 10k, short budgets (under a minute); writes BENCHMARKS.md
 *   npx tsx bench/run.ts --filter 'e2e'    # only cases whose name matches; prints, writes nothing
 *   npx tsx bench/run.ts --sizes 1M        # other sizes (1k, 10k, 100k, 1M, or a number); writes nothing
 *
 * It measures the built package, dist/ (what `npm install otlp2prw` gives): `npm run bench` builds it
 * first; run directly, it uses the dist/ that is there. Running src/ through tsx measured 12-16% slower
 * (esbuild wraps closures in `__name` calls, tsc does not), which is not what users run.
 *
 * Cases are named `<size>/<stage>[/<engine>]`, e.g. `10k/e2e/wasm`. Stages, all through the public API:
 * - e2e/<engine>:        reset(); add(otlpBytes); encodeSnappy(): what one Remote-Write request costs.
 * - decode+translate/protobuf|json: reset(); add(input). The engine takes no part in add() (it only
 *                        interns strings when the request is assembled), so these run on one builder.
 * - assemble+encode/<engine>: on a filled builder, addRequest({ resourceMetrics: [] }) and encode().
 *                        encode() caches the assembled series until the next add, and an empty request
 *                        is the only public way to drop that cache without translating again. It costs a
 *                        journal open and nothing else, so the row is sample ordering + interning every
 *                        string in the engine + building TimeSeries + writing RW2 protobuf.
 * - encode/<engine>:     encode() again with the assembly cached: only the RW2 protobuf writer (symbols
 *                        copied from the engine's arena). assemble ~= (assemble+encode) - encode.
 * - snappy:              snappyCompress() of the RW2 bytes (snappy-wasm).
 * - encode-v1/wasm:      encodeV1Snappy() on a filled builder: the same series as RW1, for receivers that
 *                        answer 415 to RW2 (its labels are spelled out: ~5x the bytes of RW2).
 * - read:                readWriteRequest() of the e2e output (snappy RW2 -> objects, spec checks): what the
 *                        bridge's embedded receiver does per request. Input rate: bytes of that body.
 * Peers, on the same input (issue C):
 * - naive:               bench/naive-pipeline.ts, what a TS developer would write first: protobufjs decode,
 *                        translate with label objects, joined-label keys and a Map of symbols, protobufjs
 *                        encode of RW2, snappy-wasm. OTLP bytes -> snappy RW2 bytes, like e2e.
 * - exporter/wasm:      what PrometheusRemoteWriteExporter does per export, on the same SDK ResourceMetrics as
 *                        otel-sdk/serialize: per resource, reset(); add(SdkMetricsEncoder.encode(rm));
 *                        encodeSnappy() (no HTTP). SDK objects in, snappy RW2 out: the exporter's e2e.
 * - otel-sdk/serialize:  the OTel JS SDK's ProtobufMetricsSerializer.serializeRequest on the same data as SDK
 *                        ResourceMetrics (bench/sdk-resource-metrics.ts; one call per resource, summaries
 *                        left out as the SDK has none): what an application already pays per OTLP export.
 *                        Its rates count the points it serializes and the OTLP bytes it writes.
 * - floor:               bench/floor.ts's allocation-free walk over the OTLP bytes (every field visited,
 *                        data points counted) + snappyCompress() of otlp2prw's RW2 output: the least a
 *                        converter can do.
 * Rates are per OTLP input data point (a histogram or summary point counts as one) and per byte of
 * OTLP input, whatever stage the row covers, so rows of one size compare directly.
 *
 * A full run also times e2e/wasm, e2e/js and the floor alternating, request by request, on its 10k and
 * 100k workloads (bench/interleaved.ts): the summary shows e2e/wasm ÷ floor both ways, and the
 * alternating section of BENCHMARKS.md is rewritten.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { Bench, type Task } from 'tinybench';
import { type EngineKind, V2WriteRequestBuilder, readWriteRequest, snappyCompress } from '../dist/index.js';
import { BENCHMARKS_FILE, SECTION_OWNERS, readSection } from './benchmarks-file.js';
import { type ChartGroup, renderChart } from './chart.js';
import { SdkMetricsEncoder } from '../dist/otlp/sdk-to-protobuf.js';
import { countDataPoints } from './floor.js';
import { ALTERNATING_RUNS, type Timing, timeAlternating, wasmFloorRatios, writeAlternatingSection } from './interleaved.js';
import { NaivePipeline } from './naive-pipeline.js';
import { type SdkWorkload, toSdkResourceMetrics } from './sdk-resource-metrics.js';
import { builderWasmMemoryBytes, probeWasmMemoryBytes } from './wasm-memory.js';
import { type Workload, formatCount, makeWorkload } from './workload.js';

const DEFAULT_SIZES = [1_000, 10_000, 100_000];
const QUICK_SIZES = [1_000, 10_000];
const ENGINES: EngineKind[] = ['wasm', 'js'];
const CHART_FILE = fileURLToPath(new URL('../docs/benchmarks.svg', import.meta.url));
/**
 * The default limits (src/limits.ts) guard against untrusted input; the 100k workload's OTLP JSON (41 MB)
 * is over the 32 MiB request cap, and 1M points over the series cap. Every builder here lifts them.
 */
const BENCH_LIMITS = { maxRequestBytes: Number.POSITIVE_INFINITY, maxSeries: Number.POSITIVE_INFINITY, maxSymbols: Number.POSITIVE_INFINITY };
/** The rows compared in the summary and the chart, in that order. */
const COMPARED = ['e2e/wasm', 'e2e/js', 'naive', 'exporter/wasm', 'otel-sdk/serialize', 'floor'];

interface Args {
  quick: boolean;
  filter: RegExp | undefined;
  sizes: number[] | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, filter: undefined, sizes: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--filter') args.filter = new RegExp(requireValue(argv, ++i, arg));
    else if (arg === '--sizes') args.sizes = requireValue(argv, ++i, arg).split(',').map(parseSize);
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: tsx bench/run.ts [--quick] [--filter <regex>] [--sizes 1k,10k,100k,1M]');
      process.exit(0);
    } else throw new Error(`unknown argument ${JSON.stringify(arg)} (try --help)`);
  }
  return args;
}

function requireValue(argv: string[], index: number, flag: string): string {
  const value = argv[index];
  if (value === undefined) throw new Error(`${flag} needs a value`);
  return value;
}

function parseSize(text: string): number {
  const match = /^(\d+)([kKmM]?)$/.exec(text.trim());
  if (!match) throw new Error(`bad size ${JSON.stringify(text)}: use 1k, 10k, 100k, 1M or a number`);
  const scale = { '': 1, k: 1_000, K: 1_000, m: 1_000_000, M: 1_000_000 }[match[2]] ?? 1;
  return Number(match[1]) * scale;
}

/** What one size's requests look like once converted (the same for both engines; checked below). */
interface OutputSizes {
  series: number;
  samples: number;
  histograms: number;
  droppedPoints: Record<string, number>;
  rw2Raw: number;
  rw2Snappy: number;
  rw1Raw: number;
  rw1Snappy: number;
  /** The wasm engine's WASM memory once the request is built (see bench/wasm-memory.ts). */
  wasmMemory: number | undefined;
  wasmMemoryHow: 'builder' | 'probe';
  naiveSeries: number;
  naiveRaw: number;
  naiveSnappy: number;
  /** OTLP protobuf the OTel SDK serializer writes for the workload (summaries left out). */
  sdkOtlpBytes: number;
  sdkPoints: number;
  /** Snappy RW2 the exporter path (exporter/wasm) writes for the SDK resources, summed. */
  exporterSnappy: number;
}

interface Row {
  name: string;
  workload: Workload;
  /** Bytes of OTLP the row's input is made of (JSON text for the json row). */
  inputBytes: number;
  /** What the row produces, when it produces bytes. */
  outputBytes: number | undefined;
  /** RW series the workload becomes (a classic histogram point becomes buckets + 2 series). */
  series: number;
  /** Data points the row's rates count: the workload's, but fewer for the SDK (no summaries). */
  points: number;
  /** process.memoryUsage().rss when the case completed (its builder still alive). */
  rssAfter: number | undefined;
  task: Task;
}

function measureOutputs(workload: Workload, checkJson: boolean): OutputSizes {
  // One filled builder at a time: at 100k points each holds hundreds of MB.
  let builder = new V2WriteRequestBuilder({ engine: 'wasm', limits: BENCH_LIMITS }).add(workload.otlpBytes);
  const wasm = builder.encode();
  const stats = builder.stats;
  const sizes = {
    series: stats.series,
    samples: stats.samples,
    histograms: stats.histograms,
    droppedPoints: Object.fromEntries(Object.entries(stats.dropped.points).filter(([, count]) => count > 0)),
    rw2Raw: wasm.length,
    rw2Snappy: builder.encodeSnappy().length,
    rw1Raw: builder.encodeV1().length,
    rw1Snappy: builder.encodeV1Snappy().length,
    ...wasmMemory(builder, wasm),
    ...naiveOutputs(workload),
    ...sdkOutputs(workload),
  };
  builder = new V2WriteRequestBuilder({ engine: 'js', limits: BENCH_LIMITS }).add(workload.otlpBytes);
  const js = builder.encode();
  // A benchmark of two engines that disagree would compare different work: say so loudly.
  if (!equalBytes(wasm, js)) console.warn(`!! ${workload.name}: wasm and js engines produce different RW2 bytes`);
  if (checkJson) {
    builder = new V2WriteRequestBuilder({ engine: 'js', limits: BENCH_LIMITS }).add(workload.otlpJson);
    if (!equalBytes(js, builder.encode())) console.warn(`!! ${workload.name}: OTLP protobuf and JSON inputs produce different RW2 bytes`);
  }
  return sizes;
}

function wasmMemory(builder: V2WriteRequestBuilder, rw2: Uint8Array): Pick<OutputSizes, 'wasmMemory' | 'wasmMemoryHow'> {
  const fromBuilder = builderWasmMemoryBytes(builder);
  if (fromBuilder !== undefined) return { wasmMemory: fromBuilder, wasmMemoryHow: 'builder' };
  return { wasmMemory: probeWasmMemoryBytes(rw2), wasmMemoryHow: 'probe' };
}

/** The naive pipeline's output, checked to be a valid RW2 request (readWriteRequest validates). */
function naiveOutputs(workload: Workload): Pick<OutputSizes, 'naiveSeries' | 'naiveRaw' | 'naiveSnappy'> {
  const naive = new NaivePipeline();
  const raw = naive.encode(workload.otlpBytes);
  const snappy = naive.convert(workload.otlpBytes);
  return { naiveSeries: readWriteRequest(snappy, { maxDecompressedBytes: Number.POSITIVE_INFINITY }).timeseries.length, naiveRaw: raw.length, naiveSnappy: snappy.length };
}

function sdkOutputs(workload: Workload): Pick<OutputSizes, 'sdkOtlpBytes' | 'sdkPoints' | 'exporterSnappy'> {
  const sdk = toSdkResourceMetrics(workload.otlpBytes);
  let bytes = 0;
  let points = 0;
  let exporterSnappy = 0;
  const builder = new V2WriteRequestBuilder({ limits: BENCH_LIMITS });
  const encoder = new SdkMetricsEncoder();
  for (const resourceMetrics of sdk.resourceMetrics) {
    const otlp = ProtobufMetricsSerializer.serializeRequest(resourceMetrics) ?? new Uint8Array(0);
    bytes += otlp.length;
    points += countDataPoints(otlp);
    const direct = builder.reset().add(encoder.encode(resourceMetrics)).encodeSnappy();
    // The exporter's own encoding must give what the OTLP bytes the SDK would send give.
    if (!equalBytes(direct, builder.reset().add(otlp).encodeSnappy())) console.warn(`!! ${workload.name}: exporter/wasm output differs from the SDK's OTLP bytes`);
    exporterSnappy += direct.length;
  }
  if (points !== sdk.points) console.warn(`!! ${workload.name}: the SDK serializer wrote ${points} data points of ${sdk.points}`);
  return { sdkOtlpBytes: bytes, sdkPoints: points, exporterSnappy };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/**
 * Registers every case of one workload on `bench`; returns their rows (filtered cases left out).
 * Each case makes its builder in beforeAll and drops it in afterAll: a filled 100k-point builder holds
 * hundreds of MB, and builders kept alive by earlier cases would slow later ones through GC.
 */
function addCases(bench: Bench, workload: Workload, outputs: OutputSizes, filter: RegExp | undefined, warmUp: WarmUp): Row[] {
  const rows: Row[] = [];
  const size = formatCount(workload.points);
  const bytes = workload.otlpBytes;
  const add = (
    stage: string,
    inputBytes: number,
    outputBytes: number | undefined,
    fn: () => unknown,
    prepare: () => void,
    release: () => void,
    points = workload.points,
  ): void => {
    const name = `${size}/${stage}`;
    if (filter && !filter.test(name)) return;
    const row: Row = { name, workload, inputBytes, outputBytes, series: outputs.series, points, rssAfter: undefined, task: undefined as unknown as Task };
    bench.add(name, fn, {
      beforeAll: () => {
        collectGarbage();
        prepare();
        warmUpCase(fn, warmUp);
        collectGarbage();
      },
      afterAll: () => {
        row.rssAfter = process.memoryUsage().rss;
        release();
      },
    });
    row.task = bench.getTask(name) as Task;
    rows.push(row);
  };
  let builder: V2WriteRequestBuilder | undefined;
  const release = () => {
    builder = undefined;
  };
  const filled = (engine: EngineKind) => () => {
    builder = new V2WriteRequestBuilder({ engine, limits: BENCH_LIMITS }).add(bytes);
  };

  for (const engine of ENGINES) {
    add(`e2e/${engine}`, bytes.length, outputs.rw2Snappy, () => builder!.reset().add(bytes).encodeSnappy(), () => {
      builder = new V2WriteRequestBuilder({ engine, limits: BENCH_LIMITS });
    }, release);
  }

  // One builder per run of reset + add; which engine it has does not matter to add().
  const empty = () => {
    builder = new V2WriteRequestBuilder({ limits: BENCH_LIMITS });
  };
  add('decode+translate/protobuf', bytes.length, undefined, () => builder!.reset().add(bytes), empty, release);
  // OTLP JSON here is ASCII, so its length in chars is its length in bytes.
  add('decode+translate/json', workload.otlpJson.length, undefined, () => builder!.reset().add(workload.otlpJson), empty, release);

  const emptyRequest = { resourceMetrics: [] };
  for (const engine of ENGINES) {
    add(`assemble+encode/${engine}`, bytes.length, outputs.rw2Raw, () => builder!.addRequest(emptyRequest).encode(), filled(engine), release);
    add(`encode/${engine}`, bytes.length, outputs.rw2Raw, () => builder!.encode(), () => {
      filled(engine)();
      builder!.encode();
    }, release);
  }

  // The RW1 fallback (receivers that answer 415 to RW2) and reading a request back (the bridge's
  // embedded receiver does it per request).
  add('encode-v1/wasm', bytes.length, outputs.rw1Snappy, () => builder!.encodeV1Snappy(), filled('wasm'), release);
  let body: Uint8Array | undefined;
  add('read', outputs.rw2Snappy, undefined, () => readWriteRequest(body!), () => {
    body = new V2WriteRequestBuilder({ limits: BENCH_LIMITS }).add(bytes).encodeSnappy();
  }, () => {
    body = undefined;
  });

  let encoded: Uint8Array | undefined;
  const encodeOnce = () => {
    encoded = new V2WriteRequestBuilder({ limits: BENCH_LIMITS }).add(bytes).encode();
  };
  const dropEncoded = () => {
    encoded = undefined;
  };
  add('snappy', bytes.length, outputs.rw2Snappy, () => snappyCompress(encoded!), encodeOnce, dropEncoded);

  let naive: NaivePipeline | undefined;
  add('naive', bytes.length, outputs.naiveSnappy, () => naive!.convert(bytes), () => {
    naive = new NaivePipeline();
  }, () => {
    naive = undefined;
  });

  // The SDK's objects are built once, outside the clock: an application holds them anyway.
  let sdk: SdkWorkload | undefined;
  let sdkEncoder: SdkMetricsEncoder | undefined;
  add('exporter/wasm', outputs.sdkOtlpBytes, outputs.exporterSnappy, () => {
    for (const resourceMetrics of sdk!.resourceMetrics) builder!.reset().add(sdkEncoder!.encode(resourceMetrics)).encodeSnappy();
  }, () => {
    sdk = toSdkResourceMetrics(bytes);
    sdkEncoder = new SdkMetricsEncoder();
    builder = new V2WriteRequestBuilder({ engine: 'wasm', limits: BENCH_LIMITS });
  }, () => {
    sdk = undefined;
    sdkEncoder = undefined;
    builder = undefined;
  }, outputs.sdkPoints);
  add('otel-sdk/serialize', outputs.sdkOtlpBytes, outputs.sdkOtlpBytes, () => {
    for (const resourceMetrics of sdk!.resourceMetrics) ProtobufMetricsSerializer.serializeRequest(resourceMetrics);
  }, () => {
    sdk = toSdkResourceMetrics(bytes);
  }, () => {
    sdk = undefined;
  }, outputs.sdkPoints);

  add('floor', bytes.length, outputs.rw2Snappy, () => {
    if (countDataPoints(bytes) !== workload.points) throw new Error('floor: wrong data point count');
    return snappyCompress(encoded!);
  }, encodeOnce, dropEncoded);
  return rows;
}

/** Runs of a case before its samples: at most `runs`, and none started after `ms` (at least one). */
interface WarmUp {
  runs: number;
  ms: number;
}

/**
 * Brings a case to its steady state before tinybench samples it: V8 optimizes the JS and tiers the
 * WASM up over the first runs (at 100k points the first ~8 runs of e2e/wasm took 150-210 ms, the later
 * ones 120-170 ms), and tinybench's own warm-up is one setting for every case of a size (a run of
 * naive takes 15 s there, one of the floor 50 ms).
 */
function warmUpCase(fn: () => unknown, warmUp: WarmUp): void {
  const start = performance.now();
  for (let run = 0; run < warmUp.runs && (run === 0 || performance.now() - start < warmUp.ms); run++) fn();
}

/**
 * A full GC before each case, so garbage of the previous one is not collected on this one's clock.
 * `npm run bench` runs tsx without --expose-gc; V8 allows turning the flag on at run time.
 */
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function collectGarbage(): void {
  gc();
}

/** Time to build the first builder of each engine: the WASM compile happens once per process, here. */
function measureInit(): Record<EngineKind, number> {
  const init = {} as Record<EngineKind, number>;
  for (const engine of ENGINES) {
    const start = performance.now();
    new V2WriteRequestBuilder({ engine, limits: BENCH_LIMITS }).add(new Uint8Array(0)).encode();
    init[engine] = performance.now() - start;
  }
  return init;
}

// ---------------------------------------------------------------------------------------------
// Report

function formatDuration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
}

function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k`;
  return perSecond.toFixed(0);
}

function formatBytes(count: number): string {
  if (count >= 1e6) return `${(count / 1e6).toFixed(2)} MB`;
  if (count >= 1e3) return `${(count / 1e3).toFixed(1)} kB`;
  return `${count} B`;
}

function rowsTable(rows: Row[]): string {
  const lines = [
    '| case | median | ±rme | samples | data points/s | ns/data point | ns/series out | MB/s OTLP in | output | RSS after |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const row of rows) {
    const result = row.task.result;
    if (result.state !== 'completed') {
      lines.push(`| ${row.name} | ${result.state === 'errored' ? `error: ${result.error.message}` : result.state} | | | | | | | | |`);
      continue;
    }
    const medianMs = result.latency.p50;
    const seconds = medianMs / 1000;
    const points = row.points;
    lines.push(
      `| ${row.name} | ${formatDuration(medianMs)} | ${result.latency.rme.toFixed(1)}% | ${result.latency.samplesCount} | ` +
        `${formatRate(points / seconds)} | ${((medianMs * 1e6) / points).toFixed(0)} | ${((medianMs * 1e6) / row.series).toFixed(0)} | ${(row.inputBytes / 1e6 / seconds).toFixed(1)} | ` +
        `${row.outputBytes === undefined ? '' : formatBytes(row.outputBytes)} | ${row.rssAfter === undefined ? '' : formatBytes(row.rssAfter)} |`,
    );
  }
  return lines.join('\n');
}

function workloadTable(workloads: Array<{ workload: Workload; outputs: OutputSizes }>): string {
  const lines = [
    '| workload | resources | scopes | metrics | OTLP protobuf | OTLP JSON | series | samples | histograms | dropped points | RW2 raw | RW2 snappy | RW1 raw | RW1 snappy |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|',
  ];
  const peers = [
    '| workload | RW1 ÷ RW2 raw | RW1 ÷ RW2 snappy | naive series | naive RW2 raw | naive RW2 snappy | OTel SDK OTLP out (points) | WASM memory (wasm engine) |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const { workload, outputs } of workloads) {
    const c = workload.composition;
    const dropped = Object.entries(outputs.droppedPoints).map(([reason, count]) => `${count} ${reason}`).join(', ') || '0';
    lines.push(
      `| ${workload.name} | ${c.resources} | ${c.scopes} | ${c.metrics} | ${formatBytes(c.otlpProtobufBytes)} | ${formatBytes(c.otlpJsonChars)} | ` +
        `${outputs.series} | ${outputs.samples} | ${outputs.histograms} | ${dropped} | ${formatBytes(outputs.rw2Raw)} | ` +
        `${formatBytes(outputs.rw2Snappy)} | ${formatBytes(outputs.rw1Raw)} | ${formatBytes(outputs.rw1Snappy)} |`,
    );
    peers.push(
      `| ${workload.name} | ${(outputs.rw1Raw / outputs.rw2Raw).toFixed(2)}× | ${(outputs.rw1Snappy / outputs.rw2Snappy).toFixed(2)}× | ${outputs.naiveSeries} | ` +
        `${formatBytes(outputs.naiveRaw)} | ${formatBytes(outputs.naiveSnappy)} | ${formatBytes(outputs.sdkOtlpBytes)} (${outputs.sdkPoints}) | ` +
        `${outputs.wasmMemory === undefined ? 'n/a' : `${formatBytes(outputs.wasmMemory)} (${outputs.wasmMemoryHow})`} |`,
    );
  }
  return `${lines.join('\n')}\n\n${peers.join('\n')}`;
}

/** Median ns per data point of each compared row, by workload name. */
function comparedNsPerPoint(rows: Row[]): Map<string, Map<string, number>> {
  const bySize = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const stage = row.name.slice(row.name.indexOf('/') + 1);
    if (!COMPARED.includes(stage) || row.task.result.state !== 'completed') continue;
    const sizeMap = bySize.get(row.workload.name) ?? new Map<string, number>();
    sizeMap.set(stage, (row.task.result.latency.p50 * 1e6) / row.points);
    bySize.set(row.workload.name, sizeMap);
  }
  return bySize;
}

/**
 * The issue C comparison: medians of the compared rows and the ratios between them, with e2e/wasm ÷
 * floor also from the alternating timing (bench/interleaved.ts) where a full run made one.
 */
function summaryTables(rows: Row[], alternating: Map<string, Timing>): string {
  const compared = rows.filter((row) => COMPARED.includes(row.name.slice(row.name.indexOf('/') + 1)));
  const bySize = comparedNsPerPoint(rows);
  const ratio = (sizeMap: Map<string, number>, slower: string, faster: string): string => {
    const a = sizeMap.get(slower);
    const b = sizeMap.get(faster);
    return a === undefined || b === undefined ? '' : `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}×`;
  };
  const ratios = [
    '| workload | naive ÷ e2e/wasm | naive ÷ e2e/js | e2e/wasm ÷ floor | e2e/wasm ÷ floor, alternating (p10 / p50) | e2e/js ÷ floor | e2e/wasm ÷ e2e/js | exporter/wasm ÷ OTel SDK serialize |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const [name, sizeMap] of bySize) {
    const timing = alternating.get(name);
    const side = timing === undefined ? '' : wasmFloorRatios(timing).map((r) => `${r.toFixed(2)}×`).join(' / ');
    ratios.push(
      `| ${name} | ${ratio(sizeMap, 'naive', 'e2e/wasm')} | ${ratio(sizeMap, 'naive', 'e2e/js')} | ${ratio(sizeMap, 'e2e/wasm', 'floor')} | ${side} | ` +
        `${ratio(sizeMap, 'e2e/js', 'floor')} | ${ratio(sizeMap, 'e2e/wasm', 'e2e/js')} | ${ratio(sizeMap, 'exporter/wasm', 'otel-sdk/serialize')} |`,
    );
  }
  return [rowsTable(compared), '', 'Ratios of ns per data point (above 1: the first is slower):', '', ratios.join('\n')].join('\n');
}

function chartOf(rows: Row[], environment: string): string {
  const groups: ChartGroup[] = [];
  for (const [name, sizeMap] of comparedNsPerPoint(rows)) {
    // The chart shows the sizes of issue C (10k and 100k), or whatever ran when neither did (--quick).
    groups.push({ name, bars: COMPARED.filter((stage) => sizeMap.has(stage)).map((stage) => ({ label: stage, nsPerPoint: sizeMap.get(stage)! })) });
  }
  const shown = groups.filter((group) => group.name === 'otlp-10k' || group.name === 'otlp-100k');
  return renderChart({
    title: 'otlp2prw: OTLP protobuf -> snappy Remote-Write 2.0, per data point',
    subtitle: `${new Date().toISOString().slice(0, 10)}; ${environment.replace(/;.*/, '')}`,
    groups: shown.length > 0 ? shown : groups,
  });
}

function compositionTable(workloads: Workload[]): string {
  const kinds = Object.keys(workloads[0].composition.byKind) as Array<keyof Workload['composition']['byKind']>;
  const lines = [`| metric kind | ${workloads.map((w) => `${w.name} metrics / points`).join(' | ')} |`, `|---|${workloads.map(() => '--:').join('|')}|`];
  for (const kind of kinds) {
    lines.push(`| ${kind} | ${workloads.map((w) => `${w.composition.byKind[kind].metrics} / ${w.composition.byKind[kind].points}`).join(' | ')} |`);
  }
  lines.push(
    `| points by attribute count (2/3/4/5/6) | ${workloads
      .map((w) => [2, 3, 4, 5, 6].map((n) => w.composition.pointsByAttributeCount[n] ?? 0).join(' / '))
      .join(' | ')} |`,
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const sizes = args.sizes ?? (args.quick ? QUICK_SIZES : DEFAULT_SIZES);
  const runKind = args.filter || args.sizes ? undefined : args.quick ? 'quick' : 'full';
  const command = `npx tsx bench/run.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;

  const loadBefore = loadavg()[0];
  const init = measureInit();
  let peakRss = process.memoryUsage().rss;
  const notePeak = () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };

  const rows: Row[] = [];
  const workloads: Array<{ workload: Workload; outputs: OutputSizes }> = [];
  // A full run also times e2e/wasm, e2e/js and the floor alternating (bench/interleaved.ts) on its 10k and
  // 100k workloads: its rows run minutes apart, and this machine's speed drifts by up to 2x within minutes.
  const alternating = new Map<string, Timing>();
  for (const points of sizes) {
    const started = performance.now();
    const workload = makeWorkload(points);
    // --quick skips the JSON-vs-protobuf check to stay under a minute.
    const outputs = measureOutputs(workload, !args.quick);
    workloads.push({ workload, outputs });
    console.error(`# ${workload.name}: ready in ${(performance.now() - started).toFixed(0)} ms (${formatBytes(workload.otlpBytes.length)} OTLP protobuf)`);

    // One Bench per size: small requests get many iterations, large ones at least 9 (with 5, medians
    // of 100k moved by a third between runs on this shared machine) and 3 s of them (with 1.5 s,
    // e2e/wasm had 9 samples at ±28%). Each case first warms up (warmUpCase), but not in --quick.
    const large = points >= 100_000;
    const bench = args.quick
      ? new Bench({ time: 100, iterations: 3, warmupTime: 0, warmupIterations: 1 })
      : new Bench({ time: 3000, iterations: large ? 9 : 20, warmupTime: 300, warmupIterations: large ? 1 : 3 });
    const warmUp = args.quick ? { runs: 0, ms: 0 } : { runs: 10, ms: 2000 };
    const sizeRows = addCases(bench, workload, outputs, args.filter, warmUp);
    if (sizeRows.length === 0) continue;
    for (const row of sizeRows) row.task.addEventListener('complete', notePeak);
    bench.addEventListener('cycle', (event) => console.error(`  ${event.task?.name} done`));
    await bench.run();
    notePeak();
    rows.push(...sizeRows);
    console.log(`\n${rowsTable(sizeRows)}`);
    const alternatingRuns = ALTERNATING_RUNS.get(points);
    if (runKind === 'full' && alternatingRuns !== undefined) {
      collectGarbage();
      const timing = timeAlternating(workload, alternatingRuns);
      alternating.set(workload.name, timing);
      console.error(`  alternating: e2e/wasm ÷ floor p10 / p50 ${wasmFloorRatios(timing).map((r) => r.toFixed(2)).join(' / ')}`);
    }
  }
  const maxRss = process.resourceUsage().maxRSS * 1024;

  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  // Other work on the machine shows up as noise (rme); the 1-minute load average before and after says how much there was.
  const environment =
    `Node ${process.version}, ${cpu} (${cpus().length} logical CPUs), ${process.platform}/${process.arch}; ` +
    `load average ${loadBefore.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end`;
  const memory = `Peak RSS: ${formatBytes(peakRss)} sampled with process.memoryUsage() after each case; process.resourceUsage().maxRSS ${formatBytes(maxRss)} (includes generating the workloads).`;
  const initLine = `First builder per engine (WASM compile included): wasm ${formatDuration(init.wasm)}, js ${formatDuration(init.js)}.`;
  console.log(`\n${summaryTables(rows, alternating)}\n\n${workloadTable(workloads)}\n\n${environment}\n${memory}\n${initLine}`);

  if (runKind === undefined) {
    console.error('\n(--filter or --sizes given: BENCHMARKS.md left as it was)');
    return;
  }
  if (alternating.size > 0) writeAlternatingSection([...alternating.values()], loadBefore, 'npm run bench');
  const report = [
    '# Benchmarks',
    '',
    `Generated by \`${command}\` (a ${runKind} run; \`npm run bench\` is the full one) on ${new Date().toISOString().slice(0, 10)}, on the built package (dist/).`,
    '',
    `- ${environment}`,
    `- ${memory}`,
    `- ${initLine}`,
    '',
    'Cases (see bench/run.ts): `e2e` = reset + add(OTLP protobuf) + encodeSnappy, the cost of one Remote-Write',
    'request; `decode+translate` = reset + add only; `assemble+encode` = order samples, intern every string in',
    'the engine, build and write RW2 (cache dropped with an empty addRequest); `encode` = RW2 writer only',
    '(assembly cached); `snappy` = snappyCompress of the RW2 bytes; `encode-v1` = the same series as snappy RW1',
    '(encodeV1Snappy, the 415 fallback); `read` = readWriteRequest of the snappy RW2 body (what the embedded',
    'receiver does). Times are medians of tinybench samples, taken after each case ran up to 10 times (2 s at most;',
    'not in --quick) to let V8 optimize its JS and tier its WASM up;',
    'rates are per OTLP input data point and per OTLP input byte (JSON bytes for the json row), whatever the',
    'stage. Output: RW2 snappy for e2e, exporter, snappy and floor (ours), naive\'s own RW2 snappy for naive, OTLP protobuf',
    'for otel-sdk/serialize, RW2 uncompressed for assemble+encode and encode. "RSS after": process RSS when the case',
    'finished, its inputs and builder still alive.',
    '',
    '## Summary: otlp2prw and its peers',
    '',
    '![ns per data point by pipeline](docs/benchmarks.svg)',
    '',
    '`e2e/<engine>`: OTLP bytes -> snappy RW2 bytes through the builder. `naive`: bench/naive-pipeline.ts, a peer',
    '(protobufjs decode -> straightforward translation -> protobufjs encode -> snappy-wasm), same input and a',
    'valid RW2 output of about the same series (see "Workloads"). `otel-sdk/serialize`: what the OTel JS SDK already',
    'pays per export to serialize the same data to OTLP protobuf (no summaries: the SDK has none; rates per point',
    'it serializes, MB/s of the OTLP it writes). `exporter/wasm`: what our OTel SDK exporter does per export with',
    'the same SDK objects (SdkMetricsEncoder to OTLP protobuf, add, encodeSnappy per resource; no HTTP), rated like',
    'otel-sdk/serialize. `floor`: an allocation-free walk of the OTLP bytes + snappy of our',
    'RW2 output, the least any converter does.',
    '',
    summaryTables(rows, alternating),
    '',
    ...rowsBySize(rows),
    '## Workloads and output sizes',
    '',
    'Generated by bench/workload.ts (seed 1). "dropped points" are data points the translator did not turn',
    'into series (by reason, from builder.stats); they still count in the per-data-point rates above.',
    '',
    workloadTable(workloads),
    '',
    compositionTable(workloads.map((w) => w.workload)),
    '',
    SECTION_OWNERS.map(readSection).join('\n\n'),
    '',
  ].join('\n');
  writeFileSync(BENCHMARKS_FILE, report);
  mkdirSync(path.dirname(CHART_FILE), { recursive: true });
  writeFileSync(CHART_FILE, chartOf(rows, environment));
  console.error(`\nwrote ${BENCHMARKS_FILE} and ${CHART_FILE}`);
}

function rowsBySize(rows: Row[]): string[] {
  const out: string[] = [];
  for (const name of [...new Set(rows.map((row) => row.workload.name))]) {
    const sizeRows = rows.filter((row) => row.workload.name === name);
    const workload = sizeRows[0].workload;
    out.push(`## ${name}: ${workload.points} data points, ${formatBytes(workload.otlpBytes.length)} OTLP protobuf`, '', rowsTable(sizeRows), '');
  }
  return out;
}

await main();
