/**
 * Deterministic OTLP workloads for the benchmarks: one ExportMetricsServiceRequest of `points` data
 * points, shaped like what an OTel Collector forwards from a Kubernetes cluster.
 *
 *   const workload = makeWorkload(10_000);   // { name: 'otlp-10k', points, otlpBytes, otlpJson, composition }
 *
 * Shape (see `composition` for the exact counts of one workload):
 * - one resource per ~3k points (at least 2), each a pod with 15 resource attributes (service.*,
 *   k8s.*, container, host, cloud, os, telemetry.sdk.*);
 * - 2-4 instrumentation scopes per resource (HTTP server always, then runtime, database/RPC, app);
 * - metrics from a semantic-conventions-like catalog: gauges, monotonic counters (int and double),
 *   non-monotonic sums, explicit histograms (11 or 15 buckets), exponential histograms, summaries,
 *   all cumulative. Each has 2-6 point attributes drawn from small value sets (http.route among 20
 *   routes, methods, status codes...), every point of a metric a distinct attribute set;
 * - timestamps near a fixed epoch: one collection time per resource, start times an hour earlier.
 * A histogram, exponential histogram or summary point counts as one data point.
 *
 * Everything comes from a seeded PRNG (Mulberry32), so a (points, seed) pair always yields the same
 * bytes. Generation goes through protobufjs with the schemas in proto/ (an encoder independent of
 * src/), one ResourceMetrics at a time: a repeated field's entries concatenate, so the request is the
 * concatenation of `tag(1) len ResourceMetrics` records and 1M points never sit in one object tree.
 * Results are cached under bench/.cache/ (gitignored); bump GENERATOR_VERSION when the output changes.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const GENERATOR_VERSION = 1;
const CACHE_DIR = fileURLToPath(new URL('./.cache/', import.meta.url));
const PROTO_DIR = fileURLToPath(new URL('../proto/', import.meta.url));

/** 2024-01-01T00:00:00Z: every timestamp is a few seconds around it. */
const EPOCH_NS = 1_704_067_200n * 1_000_000_000n;
const POINTS_PER_RESOURCE = 3000;
const CUMULATIVE = 2;

export type MetricKind = 'gauge' | 'counterInt' | 'counterDouble' | 'upDownCounter' | 'histogram' | 'exponentialHistogram' | 'summary';

export interface WorkloadComposition {
  resources: number;
  scopes: number;
  metrics: number;
  resourceAttributesPerResource: number;
  /** Metrics and data points per kind. */
  byKind: Record<MetricKind, { metrics: number; points: number }>;
  /** Data points by number of point attributes (2..6). */
  pointsByAttributeCount: Record<number, number>;
  otlpProtobufBytes: number;
  otlpJsonChars: number;
}

export interface Workload {
  /** `otlp-1k`, `otlp-10k`, ... */
  name: string;
  points: number;
  otlpBytes: Uint8Array;
  otlpJson: string;
  composition: WorkloadComposition;
}

/**
 * The workload of `points` data points for `seed`, from bench/.cache/ when generated before.
 * `withJson: false` leaves otlpJson empty when the cache has the workload (1M points: ~400 MB less RSS).
 */
export function makeWorkload(points: number, seed = 1, options: { withJson?: boolean } = {}): Workload {
  const name = `otlp-${formatCount(points)}`;
  const base = path.join(CACHE_DIR, `workload-v${GENERATOR_VERSION}-${points}-s${seed}`);
  if (existsSync(`${base}.meta.json`)) {
    return {
      name,
      points,
      otlpBytes: new Uint8Array(readFileSync(`${base}.pb`)),
      otlpJson: options.withJson === false ? '' : readFileSync(`${base}.json`, 'utf8'),
      composition: JSON.parse(readFileSync(`${base}.meta.json`, 'utf8')),
    };
  }
  const { otlpBytes, otlpJson, composition } = generate(points, seed);
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(`${base}.pb`, otlpBytes);
  writeFileSync(`${base}.json`, otlpJson);
  // Written last: its presence marks a complete cache entry.
  writeFileSync(`${base}.meta.json`, `${JSON.stringify(composition, null, 2)}\n`);
  return { name, points, otlpBytes, otlpJson, composition };
}

/** 1000 -> "1k", 1_000_000 -> "1M". */
export function formatCount(count: number): string {
  if (count >= 1_000_000 && count % 1_000_000 === 0) return `${count / 1_000_000}M`;
  if (count >= 1000 && count % 1000 === 0) return `${count / 1000}k`;
  return String(count);
}

// ---------------------------------------------------------------------------------------------
// Catalog

/** Mulberry32: a tiny seeded PRNG (as protobuf-es's bench fixtures use). */
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

type AttributeValue = string | number;
/** A point attribute: its key and the values it takes (numbers become OTLP intValue). */
type Dimension = [key: string, values: readonly AttributeValue[]];

interface MetricSpec {
  name: string;
  unit: string;
  description: string;
  kind: MetricKind;
  dimensions: Dimension[];
  /** Share of the scope's points this metric gets (before capping at its distinct attribute sets). */
  weight: number;
}

interface ScopeSpec {
  name: string;
  version: string;
  /** Share of the resource's points. */
  weight: number;
  metrics: MetricSpec[];
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const HTTP_STATUS = [200, 201, 204, 301, 304, 400, 401, 403, 404, 409, 429, 500, 502, 503];
const HTTP_ROUTES = [
  '/', '/healthz', '/readyz', '/metrics', '/api/v1/users', '/api/v1/users/{id}', '/api/v1/orders',
  '/api/v1/orders/{id}', '/api/v1/orders/{id}/items', '/api/v1/cart', '/api/v1/cart/{id}', '/api/v1/checkout',
  '/api/v1/payments', '/api/v1/payments/{id}', '/api/v1/products', '/api/v1/products/{id}', '/api/v1/search',
  '/api/v1/sessions', '/api/v1/inventory/{sku}', '/api/v2/recommendations',
];
const PEER_SERVICES = ['users.payments.svc.cluster.local', 'inventory.shop.svc.cluster.local', 'api.stripe.com',
  'search.shop.svc.cluster.local', 'cache.shop.svc.cluster.local', 'auth.platform.svc.cluster.local'];
const SECONDS_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const BYTES_BOUNDS = [0, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304];

const REGIONS = ['eu', 'us', 'apac'];
const CHANNELS = ['web', 'ios', 'android'];
const TIERS = ['free', 'plus', 'pro'];
const PAYMENT_METHODS = ['card', 'paypal', 'invoice', 'voucher'];
const COUNTRIES = ['DE', 'FR', 'NL', 'ES', 'IT', 'PL', 'US', 'CA', 'BR', 'JP', 'AU', 'IN'];
const CPUS = Array.from({ length: 16 }, (_, i) => i);
const CPU_MODES = ['user', 'system', 'idle', 'iowait', 'nice', 'irq', 'softirq', 'steal'];

const SCOPES: ScopeSpec[] = [
  {
    name: 'io.opentelemetry.http', version: '2.11.0', weight: 4,
    metrics: [
      { name: 'http.server.request.duration', unit: 's', description: 'Duration of HTTP server requests.', kind: 'histogram', weight: 3,
        dimensions: [['http.request.method', HTTP_METHODS], ['http.route', HTTP_ROUTES], ['http.response.status_code', HTTP_STATUS], ['url.scheme', ['http']], ['network.protocol.version', ['1.1', '2']]] },
      { name: 'http.server.request.count', unit: '{request}', description: 'Number of HTTP server requests.', kind: 'counterInt', weight: 3,
        dimensions: [['http.request.method', HTTP_METHODS], ['http.route', HTTP_ROUTES], ['http.response.status_code', HTTP_STATUS]] },
      { name: 'http.server.request.body.size', unit: 'By', description: 'Size of HTTP server request bodies.', kind: 'histogram', weight: 1,
        dimensions: [['http.request.method', HTTP_METHODS], ['http.route', HTTP_ROUTES]] },
      { name: 'http.server.active_requests', unit: '{request}', description: 'Number of active HTTP server requests.', kind: 'upDownCounter', weight: 1,
        dimensions: [['http.request.method', HTTP_METHODS], ['http.route', HTTP_ROUTES], ['url.scheme', ['http', 'https']]] },
      { name: 'http.client.request.duration', unit: 's', description: 'Duration of HTTP client requests.', kind: 'histogram', weight: 1,
        dimensions: [['http.request.method', HTTP_METHODS], ['server.address', PEER_SERVICES], ['http.response.status_code', HTTP_STATUS], ['server.port', [443, 8080]]] },
      { name: 'http.server.response.latency', unit: 'ms', description: 'HTTP response latency quantiles.', kind: 'summary', weight: 1,
        dimensions: [['http.route', HTTP_ROUTES], ['http.request.method', HTTP_METHODS], ['http.response.status_class', ['2xx', '3xx', '4xx', '5xx']]] },
    ],
  },
  {
    name: 'io.opentelemetry.runtime-telemetry-jvm', version: '2.11.0', weight: 2,
    metrics: [
      { name: 'system.cpu.time', unit: 's', description: 'Seconds each logical CPU spent on each mode.', kind: 'counterDouble', weight: 3,
        dimensions: [['cpu.logical_number', CPUS], ['cpu.mode', CPU_MODES]] },
      { name: 'system.cpu.utilization', unit: '1', description: 'Difference in system.cpu.time since the last measurement, divided by the elapsed time and number of logical CPUs.', kind: 'gauge', weight: 3,
        dimensions: [['cpu.logical_number', CPUS], ['cpu.mode', CPU_MODES]] },
      { name: 'jvm.memory.used', unit: 'By', description: 'Measure of memory used.', kind: 'upDownCounter', weight: 1,
        dimensions: [['jvm.memory.type', ['heap', 'non_heap']], ['jvm.memory.pool.name', ['G1 Eden Space', 'G1 Old Gen', 'G1 Survivor Space', 'Metaspace', 'CodeHeap \'non-nmethods\'', 'CodeHeap \'profiled nmethods\'', 'Compressed Class Space']]] },
      { name: 'jvm.gc.duration', unit: 's', description: 'Duration of JVM garbage collection actions.', kind: 'histogram', weight: 1,
        dimensions: [['jvm.gc.name', ['G1 Young Generation', 'G1 Old Generation', 'G1 Concurrent GC']], ['jvm.gc.action', ['end of minor GC', 'end of major GC']]] },
      { name: 'jvm.thread.count', unit: '{thread}', description: 'Number of executing platform threads.', kind: 'upDownCounter', weight: 1,
        dimensions: [['jvm.thread.daemon', ['true', 'false']], ['jvm.thread.state', ['runnable', 'blocked', 'waiting', 'timed_waiting', 'terminated', 'new']]] },
      { name: 'system.network.io', unit: 'By', description: 'Bytes transmitted and received.', kind: 'counterInt', weight: 1,
        dimensions: [['network.interface.name', ['eth0', 'lo', 'cni0', 'flannel.1', 'veth1a2b', 'veth3c4d', 'veth5e6f', 'docker0']], ['network.io.direction', ['transmit', 'receive']]] },
      { name: 'jvm.class.count', unit: '{class}', description: 'Number of classes currently loaded.', kind: 'gauge', weight: 1,
        dimensions: [['jvm.class.loader', ['app', 'platform', 'bootstrap']], ['process.runtime.version', ['21.0.5+11-LTS']]] },
    ],
  },
  {
    name: 'io.opentelemetry.jdbc', version: '2.11.0-alpha', weight: 3,
    metrics: [
      { name: 'db.client.operation.duration', unit: 's', description: 'Duration of database client operations.', kind: 'exponentialHistogram', weight: 3,
        dimensions: [['db.system', ['postgresql', 'redis']], ['db.namespace', ['shop', 'billing']], ['db.operation.name', ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'GET', 'SET']], ['db.collection.name', ['users', 'orders', 'order_items', 'products', 'sessions', 'payments', 'inventory', 'carts']], ['server.address', ['pg-primary.db.svc', 'pg-replica.db.svc', 'redis-master.cache.svc']]] },
      { name: 'db.client.connection.count', unit: '{connection}', description: 'Number of connections by state.', kind: 'upDownCounter', weight: 1,
        dimensions: [['db.client.connection.state', ['idle', 'used']], ['db.client.connection.pool.name', ['HikariPool-1', 'HikariPool-2', 'lettuce']]] },
      { name: 'rpc.server.duration', unit: 'ms', description: 'Duration of inbound RPC calls.', kind: 'summary', weight: 1,
        dimensions: [['rpc.system', ['grpc']], ['rpc.service', ['shop.Cart', 'shop.Checkout', 'shop.Inventory', 'shop.Payments']], ['rpc.method', ['Get', 'List', 'Create', 'Update', 'Delete']], ['rpc.grpc.status_code', [0, 2, 5, 14]]] },
      { name: 'messaging.client.consumed.messages', unit: '{message}', description: 'Number of messages delivered to the application.', kind: 'counterInt', weight: 1,
        dimensions: [['messaging.system', ['kafka']], ['messaging.destination.name', ['orders', 'payments', 'inventory-updates', 'emails', 'audit']], ['messaging.operation.name', ['poll', 'process']], ['messaging.consumer.group.name', ['checkout', 'billing', 'notifier']]] },
      { name: 'db.client.connection.wait_time', unit: 's', description: 'Time to obtain an open connection from the pool.', kind: 'histogram', weight: 1,
        dimensions: [['db.client.connection.pool.name', ['HikariPool-1', 'HikariPool-2', 'lettuce']], ['db.system', ['postgresql', 'redis']]] },
    ],
  },
  {
    name: 'com.example.shop', version: '1.42.0', weight: 4,
    metrics: [
      { name: 'shop.orders.processed', unit: '{order}', description: 'Orders processed.', kind: 'counterInt', weight: 2,
        dimensions: [['payment.method', PAYMENT_METHODS], ['order.status', ['completed', 'failed', 'cancelled']], ['region', REGIONS], ['channel', CHANNELS], ['customer.tier', TIERS], ['shipping.method', ['standard', 'express']]] },
      { name: 'shop.revenue', unit: '{EUR}', description: 'Revenue booked.', kind: 'counterDouble', weight: 2,
        dimensions: [['currency', ['EUR', 'USD', 'GBP', 'JPY']], ['payment.method', PAYMENT_METHODS], ['channel', CHANNELS], ['region', REGIONS], ['customer.tier', TIERS]] },
      { name: 'shop.cart.items', unit: '{item}', description: 'Items in open carts.', kind: 'gauge', weight: 2,
        dimensions: [['region', REGIONS], ['channel', CHANNELS], ['customer.tier', TIERS], ['geo.country', COUNTRIES]] },
      { name: 'shop.sessions.active', unit: '{session}', description: 'Open shopping sessions.', kind: 'upDownCounter', weight: 2,
        dimensions: [['region', REGIONS], ['channel', CHANNELS], ['customer.tier', TIERS], ['geo.country', COUNTRIES]] },
      { name: 'shop.cache.hit_ratio', unit: '1', description: 'Cache hit ratio.', kind: 'gauge', weight: 1,
        dimensions: [['cache.name', ['products', 'prices', 'sessions', 'recommendations', 'stock']], ['cache.tier', ['local', 'redis']], ['cache.shard', [0, 1, 2, 3, 4, 5, 6, 7]]] },
      { name: 'shop.payment.latency', unit: 'ms', description: 'Latency of payment provider calls.', kind: 'exponentialHistogram', weight: 1,
        dimensions: [['payment.provider', ['stripe', 'adyen', 'paypal']], ['payment.method', PAYMENT_METHODS], ['outcome', ['approved', 'declined', 'error']], ['region', REGIONS]] },
      { name: 'shop.inventory.level', unit: '{item}', description: 'Units in stock.', kind: 'gauge', weight: 4,
        dimensions: [['warehouse', ['fra-1', 'ams-2', 'iad-1', 'sfo-3', 'nrt-1', 'syd-1']], ['product.category', ['books', 'games', 'garden', 'kitchen', 'music', 'outdoor', 'toys', 'tools', 'fashion', 'beauty']], ['product.brand', ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka', 'tyrell', 'soylent', 'cyberdyne', 'aperture']], ['stock.state', ['available', 'reserved']]] },
    ],
  },
];

const SERVICES = ['checkout', 'cart', 'payments', 'inventory', 'search', 'users', 'orders', 'recommendations', 'shipping', 'notifier', 'frontend', 'ads'];
const NAMESPACES = ['shop', 'payments', 'platform'];
const NODES = Array.from({ length: 16 }, (_, i) => `ip-10-0-${16 + i}-${(i * 37 + 11) % 250}.eu-west-1.compute.internal`);
const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

// ---------------------------------------------------------------------------------------------
// Generation

interface OtlpKeyValue {
  key: string;
  value: { stringValue: string } | { intValue: string };
}

function keyValue(key: string, value: AttributeValue): OtlpKeyValue {
  return { key, value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value } };
}

function generate(points: number, seed: number): Omit<Workload, 'name' | 'points'> {
  if (!Number.isInteger(points) || points < 2) throw new RangeError(`points must be an integer >= 2, got ${points}`);
  const random = mulberry32(seed);
  const resourceMetricsType = otlpRoot().lookupType('opentelemetry.proto.metrics.v1.ResourceMetrics');
  const resourceCount = Math.max(2, Math.ceil(points / POINTS_PER_RESOURCE));
  const composition: WorkloadComposition = {
    resources: resourceCount,
    scopes: 0,
    metrics: 0,
    resourceAttributesPerResource: 0,
    byKind: {
      gauge: { metrics: 0, points: 0 },
      counterInt: { metrics: 0, points: 0 },
      counterDouble: { metrics: 0, points: 0 },
      upDownCounter: { metrics: 0, points: 0 },
      histogram: { metrics: 0, points: 0 },
      exponentialHistogram: { metrics: 0, points: 0 },
      summary: { metrics: 0, points: 0 },
    },
    pointsByAttributeCount: {},
    otlpProtobufBytes: 0,
    otlpJsonChars: 0,
  };
  const protobufParts: Uint8Array[] = [];
  const jsonParts: string[] = [];
  for (let r = 0; r < resourceCount; r++) {
    // Spread the points evenly; the first resources take the remainder.
    const budget = Math.floor(points / resourceCount) + (r < points % resourceCount ? 1 : 0);
    const resourceMetrics = makeResourceMetrics(r, budget, random, composition);
    jsonParts.push(JSON.stringify(resourceMetrics));
    const message = resourceMetricsType.fromObject(resourceMetrics);
    const encoded = resourceMetricsType.encode(message).finish();
    const header = protobuf.Writer.create().uint32((1 << 3) | 2).uint32(encoded.length).finish();
    protobufParts.push(header, encoded);
  }
  const otlpBytes = concat(protobufParts);
  const otlpJson = `{"resourceMetrics":[${jsonParts.join(',')}]}`;
  composition.otlpProtobufBytes = otlpBytes.length;
  composition.otlpJsonChars = otlpJson.length;
  const counted = Object.values(composition.byKind).reduce((sum, kind) => sum + kind.points, 0);
  if (counted !== points) throw new Error(`generator bug: ${counted} points generated, ${points} asked`);
  return { otlpBytes, otlpJson, composition };
}

function makeResourceMetrics(index: number, budget: number, random: () => number, composition: WorkloadComposition): object {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const service = SERVICES[index % SERVICES.length];
  const namespace = NAMESPACES[index % NAMESPACES.length];
  const hash = Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0');
  const pod = `${service}-${hash.slice(0, 6)}c5d-${index.toString(36).padStart(5, 'x')}`;
  const zone = pick(ZONES);
  const resourceAttributes: Array<[string, AttributeValue]> = [
    ['service.name', service],
    ['service.namespace', namespace],
    ['service.instance.id', `${hash}-${(index * 7919).toString(16).padStart(4, '0')}-4${hash.slice(0, 3)}-a${index.toString(16).padStart(3, '0')}-${hash}${hash.slice(0, 4)}`],
    ['k8s.pod.name', pod],
    ['k8s.namespace.name', namespace],
    ['k8s.node.name', pick(NODES)],
    ['k8s.deployment.name', service],
    ['container.name', service],
    ['host.name', pod],
    ['cloud.region', 'eu-west-1'],
    ['cloud.availability_zone', zone],
    ['os.type', 'linux'],
    ['telemetry.sdk.name', 'opentelemetry'],
    ['telemetry.sdk.language', 'java'],
    ['telemetry.sdk.version', '1.45.0'],
  ];
  composition.resourceAttributesPerResource = resourceAttributes.length;

  // The HTTP scope always, then 1-3 more in catalog order.
  const extra = 1 + Math.floor(random() * 3);
  const others = SCOPES.slice(1);
  const chosen = [SCOPES[0]];
  while (chosen.length < extra + 1) {
    const candidate = pick(others);
    if (!chosen.includes(candidate)) chosen.push(candidate);
  }
  chosen.sort((a, b) => SCOPES.indexOf(a) - SCOPES.indexOf(b));
  const metrics = chosen.flatMap((scope) => scope.metrics.map((metric) => ({ scope, metric })));
  const counts = allocate(
    budget,
    metrics.map(({ scope, metric }) => (scope.weight * metric.weight) / scope.metrics.reduce((sum, m) => sum + m.weight, 0)),
    metrics.map(({ metric }) => capacity(metric)),
  );

  // One collection per resource: the same time for all its points, a jitter of a few ms between pods.
  const time = (EPOCH_NS + BigInt(index * 13_000_001)).toString();
  const start = (EPOCH_NS - 3600n * 1_000_000_000n - BigInt(index * 17_000_003)).toString();
  const scopeMetrics = [];
  for (const scope of chosen) {
    const scopeOut = [];
    for (let m = 0; m < metrics.length; m++) {
      if (metrics[m].scope !== scope || counts[m] === 0) continue;
      const metric = metrics[m].metric;
      scopeOut.push(makeMetric(metric, counts[m], time, start, random));
      composition.metrics++;
      composition.byKind[metric.kind].metrics++;
      composition.byKind[metric.kind].points += counts[m];
      composition.pointsByAttributeCount[metric.dimensions.length] = (composition.pointsByAttributeCount[metric.dimensions.length] ?? 0) + counts[m];
    }
    if (scopeOut.length === 0) continue;
    composition.scopes++;
    scopeMetrics.push({ scope: { name: scope.name, version: scope.version }, metrics: scopeOut, schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' });
  }
  return {
    resource: { attributes: resourceAttributes.map(([key, value]) => keyValue(key, value)) },
    scopeMetrics,
    schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
  };
}

/** Distinct attribute sets a metric can have. */
function capacity(metric: MetricSpec): number {
  return metric.dimensions.reduce((product, [, values]) => product * values.length, 1);
}

/**
 * Splits `total` into integers proportional to `weights`, none above its cap (water-filling, then
 * largest remainders). Throws when the caps cannot hold `total`.
 */
function allocate(total: number, weights: number[], caps: number[]): number[] {
  const shares = new Array<number>(weights.length).fill(0);
  const open = new Set(weights.map((_, i) => i));
  let left = total;
  while (left > 1e-9 && open.size > 0) {
    const weightSum = [...open].reduce((sum, i) => sum + weights[i], 0);
    let capped = false;
    for (const i of open) {
      if (shares[i] + (left * weights[i]) / weightSum >= caps[i]) {
        left -= caps[i] - shares[i];
        shares[i] = caps[i];
        open.delete(i);
        capped = true;
      }
    }
    if (capped) continue;
    for (const i of open) shares[i] += (left * weights[i]) / weightSum;
    left = 0;
  }
  if (left > 1e-9) throw new Error(`the metric catalog holds fewer than ${total} points per resource`);
  const counts = shares.map(Math.floor);
  let missing = total - counts.reduce((sum, count) => sum + count, 0);
  const byRemainder = shares.map((share, i) => [share - counts[i], i]).sort((a, b) => b[0] - a[0]);
  for (const [, i] of byRemainder) {
    if (missing === 0) break;
    if (counts[i] < caps[i]) {
      counts[i]++;
      missing--;
    }
  }
  return counts;
}

function makeMetric(metric: MetricSpec, count: number, time: string, start: string, random: () => number): object {
  // `count` distinct attribute sets: a partial Fisher-Yates over the mixed-radix index of all sets.
  const total = capacity(metric);
  const indices = Array.from({ length: total }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (total - i));
    [indices[i], indices[j]] = [indices[j], indices[i]];
  }
  const chosen = indices.slice(0, count).sort((a, b) => a - b);
  const dataPoints = chosen.map((setIndex) => {
    const attributes: OtlpKeyValue[] = [];
    let rest = setIndex;
    for (const [key, values] of metric.dimensions) {
      attributes.push(keyValue(key, values[rest % values.length]));
      rest = Math.floor(rest / values.length);
    }
    return makePoint(metric, attributes, time, start, random);
  });
  const base = { name: metric.name, description: metric.description, unit: metric.unit };
  switch (metric.kind) {
    case 'gauge':
      return { ...base, gauge: { dataPoints } };
    case 'counterInt':
    case 'counterDouble':
      return { ...base, sum: { dataPoints, aggregationTemporality: CUMULATIVE, isMonotonic: true } };
    case 'upDownCounter':
      return { ...base, sum: { dataPoints, aggregationTemporality: CUMULATIVE, isMonotonic: false } };
    case 'histogram':
      return { ...base, histogram: { dataPoints, aggregationTemporality: CUMULATIVE } };
    case 'exponentialHistogram':
      return { ...base, exponentialHistogram: { dataPoints, aggregationTemporality: CUMULATIVE } };
    case 'summary':
      return { ...base, summary: { dataPoints } };
  }
}

/** Rounds to 6 significant digits, as exporters' values usually look (and JSON round-trips exactly). */
function round6(value: number): number {
  return Number(value.toPrecision(6));
}

function makePoint(metric: MetricSpec, attributes: OtlpKeyValue[], time: string, start: string, random: () => number): object {
  switch (metric.kind) {
    case 'gauge':
      // Gauges carry no start time (OTLP: "should not be set").
      return { attributes, timeUnixNano: time, asDouble: metric.unit === '1' ? round6(random()) : Math.floor(random() * 5000) };
    case 'counterInt':
      return { attributes, startTimeUnixNano: start, timeUnixNano: time, asInt: String(1 + Math.floor(random() * 5_000_000)) };
    case 'counterDouble':
      return { attributes, startTimeUnixNano: start, timeUnixNano: time, asDouble: round6(1 + random() * 100_000) };
    case 'upDownCounter':
      return { attributes, startTimeUnixNano: start, timeUnixNano: time, asInt: String(Math.floor(random() * 300_000_000)) };
    case 'histogram': {
      const bounds = metric.unit === 'By' ? BYTES_BOUNDS : SECONDS_BOUNDS;
      // Counts peak in the low buckets and thin out to the right, as latencies do.
      const bucketCounts = Array.from({ length: bounds.length + 1 }, (_, i) => Math.floor(random() * 2000 / (1 + Math.abs(i - 3))));
      const count = bucketCounts.reduce((sum, c) => sum + c, 0);
      const sum = round6(bucketCounts.reduce((acc, c, i) => acc + c * (bounds[Math.min(i, bounds.length - 1)] * 0.7), 0));
      return {
        attributes, startTimeUnixNano: start, timeUnixNano: time, count: String(count), sum,
        bucketCounts: bucketCounts.map(String), explicitBounds: bounds,
      };
    }
    case 'exponentialHistogram': {
      const buckets = 8 + Math.floor(random() * 13);
      const bucketCounts = Array.from({ length: buckets }, (_, i) => Math.floor(random() * 500 * Math.exp(-((i - buckets / 3) ** 2) / buckets)));
      const zeroCount = Math.floor(random() * 3);
      const count = zeroCount + bucketCounts.reduce((sum, c) => sum + c, 0);
      return {
        attributes, startTimeUnixNano: start, timeUnixNano: time, count: String(count), sum: round6(count * (0.01 + random() * 0.2)),
        scale: 3, zeroCount: String(zeroCount), positive: { offset: -40 + Math.floor(random() * 20), bucketCounts: bucketCounts.map(String) },
      };
    }
    case 'summary': {
      const count = 1 + Math.floor(random() * 100_000);
      const median = round6(5 + random() * 50);
      return {
        attributes, startTimeUnixNano: start, timeUnixNano: time, count: String(count), sum: round6(count * median * 1.1),
        quantileValues: [
          { quantile: 0.5, value: median },
          { quantile: 0.9, value: round6(median * 2.2) },
          { quantile: 0.99, value: round6(median * 6.5) },
        ],
      };
    }
  }
}

let root: protobuf.Root | undefined;

function otlpRoot(): protobuf.Root {
  if (root) return root;
  root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.resolve(PROTO_DIR, target);
  root.loadSync('opentelemetry/proto/collector/metrics/v1/metrics_service.proto', { keepCase: false });
  root.resolveAll();
  return root;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
