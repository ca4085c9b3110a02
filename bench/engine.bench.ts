/**
 * Symbol engine micro benchmark: interning the label strings of one realistic request.
 * Run: npx tsx bench/engine.bench.ts [regex]   (e.g. "wasm" to run only the WASM cases)
 *
 * Workload (seeded, deterministic): 10k series of ~20 strings each, Kubernetes-like resource
 * attributes (few distinct values, repeated across series), ~150 metric names, point attributes with
 * small value sets, and one per-series id-like value. Each op interns every string of the request, then
 * resets, as a builder would per request.
 */

import { Bench } from 'tinybench';
import { createEngine, type EngineKind, type SymbolEngine } from '../dist/engine/index.js';

const SERIES = 10_000;

/** Mulberry32: a tiny seeded PRNG so every run interns the same strings. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildLabelSets(): string[][] {
  const random = mulberry32(42);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const namespaces = ['default', 'kube-system', 'payments', 'checkout', 'monitoring', 'ingress-nginx'];
  const services = Array.from({ length: 40 }, (_, i) => `service-${['api', 'worker', 'cart', 'auth'][i % 4]}-${i}`);
  const nodes = Array.from({ length: 25 }, (_, i) => `ip-10-0-${i}-${(i * 37) % 255}.eu-west-1.compute.internal`);
  const pods = services.flatMap((service) =>
    Array.from({ length: 5 }, (_, i) => `${service}-7d9f${i}b6c5-${(i * 7919).toString(36).padStart(5, 'x')}`),
  );
  const metricNames = Array.from(
    { length: 150 },
    (_, i) => `${['http_server', 'rpc_client', 'process', 'jvm_memory', 'db_client'][i % 5]}_metric_${i}_seconds`,
  );
  const routes = Array.from({ length: 30 }, (_, i) => `/api/v1/resource${i}/{id}`);
  const labelSets: string[][] = [];
  for (let series = 0; series < SERIES; series++) {
    const pod = pick(pods);
    const service = pod.slice(0, pod.indexOf('-7d9f'));
    labelSets.push([
      '__name__', pick(metricNames),
      'job', `${pick(namespaces)}/${service}`,
      'instance', `${pod}:8080`,
      'k8s_namespace_name', pick(namespaces),
      'k8s_pod_name', pod,
      'k8s_node_name', pick(nodes),
      'service_name', service,
      'http_request_method', pick(['GET', 'POST', 'PUT', 'DELETE']),
      'http_response_status_code', pick(['200', '201', '204', '400', '404', '500', '503']),
      'http_route', pick(routes),
      'le', pick(['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf']),
      'trace_sample_id', `${Math.floor(random() * 1e9).toString(16)}`,
    ]);
  }
  return labelSets;
}

const labelSets = buildLabelSets();
const stringsPerRequest = labelSets.reduce((sum, set) => sum + set.length, 0);
const flatRequest = labelSets.flat();
const out = new Uint32Array(flatRequest.length);

/** One request, one internBatch per series (how a builder calls the engine). */
function internPerSeries(engine: SymbolEngine): void {
  for (const set of labelSets) engine.internBatch(set, set.length, out);
  engine.reset();
}

/** One request, a single internBatch of every string (the engine chunks it). */
function internWholeRequest(engine: SymbolEngine): void {
  engine.internBatch(flatRequest, flatRequest.length, out);
  engine.reset();
}

const selected = new RegExp(process.argv[2] ?? '.');
const bench = new Bench({ time: 1500, warmupTime: 300 });
for (const kind of ['wasm', 'js'] as EngineKind[]) {
  const engine = createEngine(kind);
  const cases: [string, () => void][] = [
    [`engine/${kind}/intern-per-series`, () => internPerSeries(engine)],
    [`engine/${kind}/intern-whole-request`, () => internWholeRequest(engine)],
  ];
  for (const [name, fn] of cases) if (selected.test(name)) bench.add(name, fn);
}

const probe = createEngine('js');
internWholeRequest(probe);
probe.internBatch(flatRequest, flatRequest.length, out);
console.log(
  `Node ${process.version}; ${SERIES} series, ${stringsPerRequest} strings per request, ` +
    `${probe.size} distinct (${probe.byteLength} bytes)`,
);

await bench.run();
console.table(
  bench.tasks.map((task) => {
    const result = task.result;
    if (!('latency' in result)) return { case: task.name, state: result.state };
    return {
      case: task.name,
      'ms/request': result.latency.mean.toFixed(3),
      'ns/string': ((result.latency.mean * 1e6) / stringsPerRequest).toFixed(2),
      // The median and the minimum resist a busy machine better than the mean.
      'ns/string p50': ((result.latency.p50 * 1e6) / stringsPerRequest).toFixed(2),
      'ns/string min': ((result.latency.min * 1e6) / stringsPerRequest).toFixed(2),
      'rme %': result.latency.rme.toFixed(2),
      samples: task.runs,
    };
  }),
);
