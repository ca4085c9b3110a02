// `otlp2prw serve --demo`: what an instrumented web service would export, made here as OTLP/HTTP JSON
// (no SDK at runtime) and posted to the bridge every few seconds, so the whole path runs: HTTP
// receiver -> translation -> remote write -> receiver.
import type { Logger } from './log.js';

const ROUTES = ['/', '/cart', '/checkout'] as const;
const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export interface DemoTraffic {
  stop(): void;
}

/** Posts one export request now and then every `intervalMs` to `metricsUrl` (the bridge's /v1/metrics). */
export function startDemoTraffic(metricsUrl: string, intervalMs: number, logger: Logger): DemoTraffic {
  const startMs = Date.now();
  const requests = new Map<string, number>();
  const durations = new Map<string, { count: number; sum: number; buckets: number[] }>();
  const tick = async (): Promise<void> => {
    const nowMs = Date.now();
    for (const route of ROUTES) {
      const handled = 1 + Math.floor(Math.random() * 20);
      requests.set(route, (requests.get(route) ?? 0) + handled);
      const histogram = durations.get(route) ?? { count: 0, sum: 0, buckets: new Array(BOUNDS.length + 1).fill(0) };
      for (let i = 0; i < handled; i++) {
        const seconds = Math.random() ** 3;
        histogram.count++;
        histogram.sum += seconds;
        const bucket = BOUNDS.findIndex((bound) => seconds <= bound);
        histogram.buckets[bucket === -1 ? BOUNDS.length : bucket]++;
      }
      durations.set(route, histogram);
    }
    const body = JSON.stringify(demoExport(startMs, nowMs, requests, durations));
    try {
      const response = await fetch(metricsUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      const text = await response.text();
      if (!response.ok) logger.warn('demo: export refused', { status: response.status, body: text.slice(0, 200) });
      else logger.debug('demo: exported', { status: response.status });
    } catch (error) {
      logger.warn('demo: export failed', { error: (error as Error).message });
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  return { stop: () => clearInterval(timer) };
}

function demoExport(startMs: number, nowMs: number, requests: Map<string, number>, durations: Map<string, { count: number; sum: number; buckets: number[] }>): object {
  const nanos = (ms: number): string => `${BigInt(ms) * 1_000_000n}`;
  const string = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const point = (route: string) => ({ attributes: [string('http.route', route), string('http.request.method', 'GET')], startTimeUnixNano: nanos(startMs), timeUnixNano: nanos(nowMs) });
  return {
    resourceMetrics: [
      {
        resource: { attributes: [string('service.namespace', 'demo'), string('service.name', 'shop'), string('service.instance.id', `shop-${process.pid}`)] },
        scopeMetrics: [
          {
            scope: { name: 'otlp2prw-demo', version: '0.1.0' },
            metrics: [
              {
                name: 'http.server.requests',
                description: 'Handled HTTP requests',
                unit: '{request}',
                sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: ROUTES.map((route) => ({ ...point(route), asInt: String(requests.get(route) ?? 0) })) },
              },
              {
                name: 'http.server.request.duration',
                description: 'Duration of HTTP server requests',
                unit: 's',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: ROUTES.map((route) => {
                    const histogram = durations.get(route) ?? { count: 0, sum: 0, buckets: new Array(BOUNDS.length + 1).fill(0) };
                    return { ...point(route), count: String(histogram.count), sum: histogram.sum, bucketCounts: histogram.buckets.map(String), explicitBounds: BOUNDS };
                  }),
                },
              },
              {
                name: 'process.memory.usage',
                description: 'Resident set size',
                unit: 'By',
                gauge: { dataPoints: [{ timeUnixNano: nanos(nowMs), asInt: String(process.memoryUsage().rss) }] },
              },
            ],
          },
        ],
      },
    ],
  };
}
