// What V2WriteRequestBuilder produces, accepted by a real Prometheus 3 remote-write receiver and read
// back exactly: every series, label, timestamp and value bit pattern (NaN and the staleness marker
// included), nothing more and nothing less. Run once per engine, each against a fresh Prometheus.
//
// The OTLP request goes in twice per engine: as protobuf (test/support/proto.ts's independent
// encoder) and as OTLP JSON text; the two copies differ only in service.instance.id, so their series
// never collide.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricType, type ReadWriteRequestV2, V2WriteRequestBuilder, readWriteRequest } from '../../src/index.js';
import { prometheusAvailability, startPrometheus, type PrometheusHandle, type RawSeries } from '../support/prometheus.js';
import { STALE_NAN_BITS, decodeRw2, doubleBits, encodeOtlp } from '../support/proto.js';
import { snappyDecompress } from '../support/snappy.js';

const avail = prometheusAvailability();

const ENGINES = ['wasm', 'js'] as const;

const RW2_HEADERS = {
  'Content-Encoding': 'snappy',
  'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request',
  'X-Prometheus-Remote-Write-Version': '2.0.0',
  'User-Agent': 'otlp2prw-test',
};

// ---------------------------------------------------------------------------------------------
// The OTLP request, in the OTLP/JSON mapping (which protobufjs's fromObject accepts too)

const SECOND = 1000;

/** Nanoseconds for `ms`, with a sub-millisecond part that Prometheus truncates away. */
const nanos = (ms: number) => `${ms}123456`;

const attrs = (entries: Record<string, string>) => Object.entries(entries).map(([key, value]) => ({ key, value: { stringValue: value } }));

/**
 * Two resources, five scopes: a monotonic cumulative int sum (two series, one ending in a
 * NoRecordedValue point = stale marker), a double counter, a non-monotonic sum with a negative
 * value, a gauge with NaN and a negative value, and a gauge ending in a stale marker. Only the
 * sums carry start timestamps. `instanceTag` keeps the protobuf and JSON copies apart.
 */
function otlpRequest(t0: number, instanceTag: string): object {
  const start = t0 - 10 * 60 * SECOND;
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: attrs({
            'service.name': 'checkout',
            'service.namespace': 'shop',
            'service.instance.id': `${instanceTag}-checkout-1`,
            'host.name': 'node-1',
            'cloud.region': 'eu-west-1',
          }),
        },
        scopeMetrics: [
          {
            scope: { name: 'io.opentelemetry.http', version: '1.2.0' },
            metrics: [
              {
                name: 'http.server.requests',
                description: 'Handled HTTP requests',
                unit: '{request}',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    { attributes: attrs({ 'http.route': '/cart', 'http.response.status_code': '200' }), startTimeUnixNano: nanos(start), timeUnixNano: nanos(t0), asInt: '1027' },
                    { attributes: attrs({ 'http.route': '/cart', 'http.response.status_code': '200' }), startTimeUnixNano: nanos(start), timeUnixNano: nanos(t0 + 15 * SECOND), asInt: '1100' },
                    { attributes: attrs({ 'http.route': '/pay', 'http.response.status_code': '500' }), startTimeUnixNano: nanos(start), timeUnixNano: nanos(t0), asInt: '3' },
                    // OTLP DataPointFlags.FLAG_NO_RECORDED_VALUE: the series ended -> staleness marker.
                    { attributes: attrs({ 'http.route': '/pay', 'http.response.status_code': '500' }), startTimeUnixNano: nanos(start), timeUnixNano: nanos(t0 + 30 * SECOND), flags: 1 },
                  ],
                },
              },
            ],
          },
          {
            scope: { name: 'io.opentelemetry.runtime', version: '0.9.1', attributes: attrs({ 'runtime.name': 'node' }) },
            metrics: [
              {
                name: 'process.cpu.time',
                description: 'CPU time used',
                unit: 's',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [{ attributes: attrs({ 'cpu.mode': 'user' }), startTimeUnixNano: nanos(start), timeUnixNano: nanos(t0), asDouble: 12.625 }],
                },
              },
              {
                name: 'queue.depth',
                description: 'Items waiting',
                unit: '{item}',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: false,
                  dataPoints: [
                    { startTimeUnixNano: nanos(start), timeUnixNano: nanos(t0), asInt: '7' },
                    { startTimeUnixNano: nanos(start), timeUnixNano: nanos(t0 + 15 * SECOND), asInt: '-2' },
                  ],
                },
              },
            ],
          },
          {
            scope: { name: '' },
            metrics: [
              {
                name: 'room.temperature',
                description: 'Temperature',
                unit: 'Cel',
                gauge: {
                  dataPoints: [
                    { attributes: attrs({ room: 'cellar' }), timeUnixNano: nanos(t0), asDouble: 'NaN' },
                    { attributes: attrs({ room: 'cellar' }), timeUnixNano: nanos(t0 + 15 * SECOND), asDouble: -12.25 },
                    { attributes: attrs({ room: 'roof' }), timeUnixNano: nanos(t0 + 5 * SECOND), asDouble: 21.5 },
                  ],
                },
              },
            ],
          },
        ],
      },
      {
        resource: {
          attributes: attrs({
            'service.name': 'payments',
            'service.namespace': 'shop',
            'service.instance.id': `${instanceTag}-payments-1`,
            'k8s.pod.name': 'payments-5c4d',
            'deployment.environment': 'prod',
          }),
        },
        scopeMetrics: [
          {
            scope: { name: 'io.opentelemetry.http', version: '1.2.0' },
            metrics: [
              {
                name: 'http.server.requests',
                description: 'Handled HTTP requests',
                unit: '{request}',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [{ attributes: attrs({ 'http.route': '/charge' }), startTimeUnixNano: nanos(start), timeUnixNano: nanos(t0 + 10 * SECOND), asInt: '42' }],
                },
              },
            ],
          },
          {
            scope: { name: 'db.pool', version: '3.0.0' },
            metrics: [
              {
                name: 'db.pool.usage',
                description: 'Share of connections in use',
                unit: '1',
                gauge: {
                  dataPoints: [
                    { attributes: attrs({ pool: 'main' }), timeUnixNano: nanos(t0), asDouble: 0.75 },
                    { attributes: attrs({ pool: 'main' }), timeUnixNano: nanos(t0 + 20 * SECOND), flags: 1 },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Comparing what we sent with what Prometheus stored

interface PointView {
  timestamp: number;
  /** IEEE-754 bits, 16 hex digits. */
  bits: string;
}

type SeriesView = Map<string, PointView[]>;

/** A label set as a canonical string key (names sorted). */
function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.keys(labels).sort().map((name) => [name, labels[name]]));
}

/**
 * Our request as key -> points. Labels, timestamps and values come from readWriteRequest (the
 * product's reader); value bits come from protobufjs's independent walk of the same bytes, because a
 * JS number cannot be trusted with a NaN payload. The two views must agree on every sample.
 */
function sentSeries(body: Uint8Array, request: ReadWriteRequestV2): SeriesView {
  const independent = decodeRw2(snappyDecompress(body));
  expect(independent.timeseries).toHaveLength(request.timeseries.length);
  const view: SeriesView = new Map();
  request.timeseries.forEach((series, s) => {
    const labels = Object.fromEntries(series.labels.map((label) => [label.name, label.value]));
    const bits: string[] = independent.timeseries[s].samples.map((sample: any) => sample.valueBits);
    expect(bits).toHaveLength(series.samples.length);
    const points = series.samples.map((sample, i) => {
      expect(sample.stale === true, `stale flag of ${JSON.stringify(labels)}[${i}]`).toBe(bits[i] === STALE_NAN_BITS);
      if (!Number.isNaN(sample.value)) expect(bits[i]).toBe(doubleBits(sample.value));
      return { timestamp: sample.timestamp, bits: bits[i] };
    });
    const key = seriesKey(labels);
    expect(view.has(key), `series ${key} appears twice in one request`).toBe(false);
    view.set(key, points);
  });
  return view;
}

function storedSeries(raw: RawSeries[]): SeriesView {
  const view: SeriesView = new Map();
  for (const series of raw) {
    expect(series.histograms).toEqual([]);
    view.set(
      seriesKey(series.labels),
      series.samples.map((sample) => ({ timestamp: sample.timestamp, bits: sample.valueBits })),
    );
  }
  return view;
}

const sortedEntries = (view: SeriesView) => [...view.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function labelsOf(request: ReadWriteRequestV2, name: string, match: Record<string, string>) {
  return request.timeseries.find((series) => {
    const labels = Object.fromEntries(series.labels.map((label) => [label.name, label.value]));
    return labels.__name__ === name && Object.entries(match).every(([k, v]) => labels[k] === v);
  });
}

// ---------------------------------------------------------------------------------------------

describe.skipIf(!avail.available)(`V2WriteRequestBuilder -> Prometheus remote write (${avail.reason})`, () => {
  describe.each(ENGINES)('engine %s', (engine) => {
    let prom: PrometheusHandle;
    /** Everything Prometheus accepted so far (it is fresh per engine): what remote read must return. */
    const accepted: SeriesView = new Map();
    /** Anchor for every timestamp: a few minutes back, well inside the TSDB head's window. */
    const t0 = Date.now() - 4 * 60 * SECOND;

    beforeAll(async () => {
      prom = await startPrometheus();
    }, 60_000);

    afterAll(async () => {
      await prom?.stop();
    });

    async function post(builder: V2WriteRequestBuilder) {
      const body = builder.encodeSnappy();
      const request = readWriteRequest(body);
      // A copy typed Uint8Array<ArrayBuffer>, as fetch's BodyInit wants.
      const res = await fetch(prom.writeUrl, { method: 'POST', headers: RW2_HEADERS, body: new Uint8Array(body) });
      const text = await res.text();
      expect(res.status, `${text}\n${prom.logs().slice(-2000)}`).toBe(204);
      expect(res.headers.get('X-Prometheus-Remote-Write-Samples-Written')).toBe(String(builder.stats.samples));
      expect(res.headers.get('X-Prometheus-Remote-Write-Histograms-Written')).toBe('0');
      expect(res.headers.get('X-Prometheus-Remote-Write-Exemplars-Written')).toBe('0');
      const sent = sentSeries(body, request);
      for (const [key, points] of sent) accepted.set(key, points);
      return { request, sent };
    }

    /** Remote read of every series: exactly what was accepted, bit for bit. */
    async function expectStoredExactly() {
      const raw = await prom.readRaw([{ type: 'RE', name: '__name__', value: '.+' }], t0 - 60 * 60 * SECOND, Date.now() + 60 * 60 * SECOND);
      expect(sortedEntries(storedSeries(raw))).toEqual(sortedEntries(accepted));
    }

    describe.each(['protobuf', 'json'] as const)('%s input', (format) => {
      const tag = `${engine}-${format}`;
      let request: ReadWriteRequestV2;
      let sent: SeriesView;
      let builder: V2WriteRequestBuilder;

      beforeAll(async () => {
        builder = new V2WriteRequestBuilder({ engine });
        const otlp = otlpRequest(t0, tag);
        if (format === 'protobuf') builder.add(encodeOtlp(otlp));
        else builder.add(JSON.stringify(otlp));
        ({ request, sent } = await post(builder));
      }, 30_000);

      it('the request holds every point, the NaN, the negative values and both stale markers', () => {
        // 2 + 2 (http, checkout) + 1 (cpu) + 2 (queue) + 3 (temperature) + 1 (http, payments) + 2 (db pool)
        // = 13 points, plus target_info samples for each resource.
        expect(builder.stats.samples).toBeGreaterThan(13);
        const bits = [...sent.values()].flat().map((point) => point.bits);
        expect(bits.filter((b) => b === STALE_NAN_BITS)).toHaveLength(2);
        expect(bits).toContain(doubleBits(Number.NaN));
        expect(bits).toContain(doubleBits(-12.25));
        expect(bits).toContain(doubleBits(-2));
      });

      it('remote read returns exactly the series sent so far: labels, timestamps, value bits', async () => {
        await expectStoredExactly();
        // Spot checks that the exact comparison above compared the right things.
        const pay = sent.get(
          seriesKey({
            __name__: 'http_server_requests_total',
            http_response_status_code: '500',
            http_route: '/pay',
            instance: `${tag}-checkout-1`,
            job: 'shop/checkout',
          }),
        );
        expect(pay).toEqual([
          { timestamp: t0, bits: doubleBits(3) },
          { timestamp: t0 + 30 * SECOND, bits: STALE_NAN_BITS },
        ]);
        const cellar = sent.get(seriesKey({ __name__: 'room_temperature_celsius', room: 'cellar', instance: `${tag}-checkout-1`, job: 'shop/checkout' }));
        expect(cellar).toEqual([
          { timestamp: t0, bits: doubleBits(Number.NaN) },
          { timestamp: t0 + 15 * SECOND, bits: doubleBits(-12.25) },
        ]);
      });

      it('PromQL sees the counter, the negative gauge and the staleness marker', async () => {
        const selector = (name: string, matchers: string) => `${name}{instance="${tag}-checkout-1",${matchers}}`;
        const cart = await prom.query(selector('http_server_requests_total', 'http_route="/cart"'), (t0 + 20 * SECOND) / 1000);
        expect(cart.result).toHaveLength(1);
        expect(cart.result[0].metric).toEqual({
          __name__: 'http_server_requests_total',
          http_response_status_code: '200',
          http_route: '/cart',
          instance: `${tag}-checkout-1`,
          job: 'shop/checkout',
        });
        expect(cart.result[0].value).toEqual([(t0 + 20 * SECOND) / 1000, '1100']);

        const cellar = await prom.query(selector('room_temperature_celsius', 'room="cellar"'), (t0 + 16 * SECOND) / 1000);
        expect(cellar.result.map((r: any) => r.value[1])).toEqual(['-12.25']);

        const queue = await prom.query(`queue_depth{instance="${tag}-checkout-1"}`, (t0 + 16 * SECOND) / 1000);
        expect(queue.result.map((r: any) => r.value[1])).toEqual(['-2']);

        // Before the marker the series answers; after it, it is gone at once (no 5 min lookback).
        const pay = selector('http_server_requests_total', 'http_route="/pay"');
        expect((await prom.query(pay, (t0 + 29 * SECOND) / 1000)).result.map((r: any) => r.value[1])).toEqual(['3']);
        expect((await prom.query(pay, (t0 + 31 * SECOND) / 1000)).result).toEqual([]);
      });

      it('target_info carries the non-identifying resource attributes plus job and instance', async () => {
        const info = await prom.query(`target_info{instance=~"${tag}-.*"}`, (t0 + 30 * SECOND) / 1000);
        const metrics = info.result.map((r: any) => r.metric).sort((a: any, b: any) => (a.instance < b.instance ? -1 : 1));
        expect(metrics).toEqual([
          { __name__: 'target_info', cloud_region: 'eu-west-1', host_name: 'node-1', instance: `${tag}-checkout-1`, job: 'shop/checkout' },
          { __name__: 'target_info', deployment_environment: 'prod', k8s_pod_name: 'payments-5c4d', instance: `${tag}-payments-1`, job: 'shop/payments' },
        ]);
        expect(info.result.map((r: any) => r.value[1])).toEqual(['1', '1']);
      });

      it('metadata (not served back by Prometheus 3.5 for RW2) is in the request: type, help, unit', () => {
        const instance = `${tag}-checkout-1`;
        const metadataOf = (name: string, match: Record<string, string> = {}) => {
          const series = labelsOf(request, name, { instance, ...match });
          expect(series, name).toBeDefined();
          return { type: series?.metadata.type, help: series?.help, unit: series?.unit };
        };
        expect(metadataOf('http_server_requests_total')).toEqual({ type: MetricType.COUNTER, help: 'Handled HTTP requests', unit: '' });
        expect(metadataOf('process_cpu_time_seconds_total')).toEqual({ type: MetricType.COUNTER, help: 'CPU time used', unit: 'seconds' });
        expect(metadataOf('queue_depth')).toEqual({ type: MetricType.GAUGE, help: 'Items waiting', unit: '' });
        expect(metadataOf('room_temperature_celsius')).toEqual({ type: MetricType.GAUGE, help: 'Temperature', unit: 'celsius' });
        expect(metadataOf('target_info')).toEqual({ type: MetricType.GAUGE, help: 'Target metadata', unit: '' });
        const payments = labelsOf(request, 'db_pool_usage_ratio', { instance: `${tag}-payments-1` });
        expect({ type: payments?.metadata.type, help: payments?.help, unit: payments?.unit }).toEqual({
          type: MetricType.GAUGE,
          help: 'Share of connections in use',
          // otlptranslator's unit map turns "1" into no unit; only the name gets `_ratio` (gauges).
          unit: '',
        });
      });

      it('start timestamps are on the sums, in milliseconds, and absent on gauges', () => {
        const start = t0 - 10 * 60 * SECOND;
        const instance = `${tag}-checkout-1`;
        const cart = labelsOf(request, 'http_server_requests_total', { instance, http_route: '/cart' });
        expect(cart?.samples.map((s) => s.startTimestamp)).toEqual([start, start]);
        expect(labelsOf(request, 'queue_depth', { instance })?.samples.map((s) => s.startTimestamp)).toEqual([start, start]);
        expect(labelsOf(request, 'room_temperature_celsius', { instance, room: 'cellar' })?.samples.map((s) => s.startTimestamp)).toEqual([0, 0]);
      });
    });

    it('after both inputs: the protobuf and JSON copies produced the same series, modulo instance', async () => {
      await expectStoredExactly();
      const withoutInstance = (format: string) =>
        sortedEntries(
          new Map(
            [...accepted.entries()]
              .filter(([key]) => key.includes(`${engine}-${format}-`))
              .map(([key, points]) => [key.replaceAll(`${engine}-${format}-`, ''), points]),
          ),
        );
      expect(withoutInstance('protobuf').length).toBeGreaterThan(0);
      expect(withoutInstance('json')).toEqual(withoutInstance('protobuf'));
    });
  });
});
