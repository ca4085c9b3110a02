// Proves the integration harness against a real Prometheus, independently of src/: an RW2 request
// built with protobufjs from proto/, snappy block compressed, POSTed with the spec's headers, then
// read back through PromQL and remote read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusAvailability, startPrometheus, type PrometheusHandle } from '../support/prometheus.js';
import { STALE_NAN_BITS, encodeRw2 } from '../support/proto.js';
import { snappyCompress } from '../support/snappy.js';

const avail = prometheusAvailability();

const RW2_HEADERS = {
  'Content-Encoding': 'snappy',
  'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request',
  'X-Prometheus-Remote-Write-Version': '2.0.0',
  'User-Agent': 'otlp2prw-tests/0',
};

describe.skipIf(!avail.available)(`Prometheus smoke (${avail.reason})`, () => {
  let prom: PrometheusHandle;

  beforeAll(async () => {
    prom = await startPrometheus();
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
  });

  const post = (body: Uint8Array) =>
    fetch(prom.writeUrl, { method: 'POST', headers: RW2_HEADERS, body: snappyCompress(body) });

  it('accepts an RW2 request and serves the samples back', async () => {
    const now = Date.now() - 60_000;
    const ts = [now, now + 1000, now + 2000];
    const body = encodeRw2({
      symbols: ['', '__name__', 'smoke_metric', 'job', 'test'],
      timeseries: [
        {
          labelsRefs: [1, 2, 3, 4],
          samples: ts.map((t, i) => ({ value: i + 0.5, timestamp: t })),
          metadata: { type: 2 }, // GAUGE
        },
      ],
    });
    const res = await post(body);
    const text = await res.text();
    expect(res.status, text).toBe(204);
    expect(res.headers.get('X-Prometheus-Remote-Write-Samples-Written')).toBe('3');
    expect(res.headers.get('X-Prometheus-Remote-Write-Histograms-Written')).toBe('0');
    expect(res.headers.get('X-Prometheus-Remote-Write-Exemplars-Written')).toBe('0');

    const q = await prom.query('smoke_metric{job="test"}', (now + 2000) / 1000);
    expect(q.resultType).toBe('vector');
    expect(q.result).toHaveLength(1);
    expect(q.result[0].metric).toEqual({ __name__: 'smoke_metric', job: 'test' });
    expect(q.result[0].value).toEqual([(now + 2000) / 1000, '2.5']);

    const range = await prom.query('smoke_metric[1m]', (now + 2000) / 1000);
    expect(range.resultType).toBe('matrix');
    expect(range.result[0].values).toEqual(ts.map((t, i) => [t / 1000, String(i + 0.5)]));

    const raw = await prom.readRaw({ __name__: 'smoke_metric' }, now - 1000, now + 10_000);
    expect(raw).toHaveLength(1);
    expect(raw[0].labels).toEqual({ __name__: 'smoke_metric', job: 'test' });
    expect(raw[0].samples.map((s) => [s.timestamp, s.value, s.stale])).toEqual(ts.map((t, i) => [t, i + 0.5, false]));
    expect(raw[0].histograms).toEqual([]);
  });

  it('remote read returns staleness markers with their NaN bits', async () => {
    const now = Date.now() - 30_000;
    const stale = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0];
    const body = encodeRw2({
      symbols: ['', '__name__', 'smoke_stale'],
      timeseries: [{ labelsRefs: [1, 2], samples: [{ value: 1, timestamp: now }, { value: stale, timestamp: now + 1000 }] }],
    });
    const res = await post(body);
    expect(res.status, await res.text()).toBe(204);
    expect(res.headers.get('X-Prometheus-Remote-Write-Samples-Written')).toBe('2');

    const raw = await prom.readRaw([{ type: 'EQ', name: '__name__', value: 'smoke_stale' }], now - 1000, now + 5000);
    expect(raw).toHaveLength(1);
    expect(raw[0].samples).toHaveLength(2);
    expect(raw[0].samples[1]).toMatchObject({ timestamp: now + 1000, valueBits: STALE_NAN_BITS, stale: true });
    // PromQL hides the marker: the range selector only shows the real sample.
    const range = await prom.query('smoke_stale[1m]', (now + 2000) / 1000);
    expect(range.result[0].values).toEqual([[now / 1000, '1']]);
  });

  it('stores exemplars and native histograms (the features the harness enables)', async () => {
    const now = Date.now() - 20_000;
    const body = encodeRw2({
      symbols: ['', '__name__', 'smoke_hist', 'smoke_ex', 'trace_id', '0123456789abcdef'],
      timeseries: [
        {
          labelsRefs: [1, 2],
          histograms: [
            { countInt: 3, sum: 6, schema: 0, zeroThreshold: 1e-128, zeroCountInt: 0, positiveSpans: [{ offset: 1, length: 2 }], positiveDeltas: [1, 1], timestamp: now },
          ],
          metadata: { type: 3 },
        },
        {
          labelsRefs: [1, 3],
          samples: [{ value: 7, timestamp: now }],
          exemplars: [{ labelsRefs: [4, 5], value: 7, timestamp: now }],
          metadata: { type: 1 },
        },
      ],
    });
    const res = await post(body);
    expect(res.status, await res.text()).toBe(204);
    expect(res.headers.get('X-Prometheus-Remote-Write-Histograms-Written')).toBe('1');
    expect(res.headers.get('X-Prometheus-Remote-Write-Exemplars-Written')).toBe('1');
    expect(res.headers.get('X-Prometheus-Remote-Write-Samples-Written')).toBe('1');

    const h = await prom.query('histogram_count(smoke_hist)', now / 1000);
    expect(h.result[0].value[1]).toBe('3');
    const raw = await prom.readRaw({ __name__: 'smoke_hist' }, now - 1000, now + 1000);
    expect(raw[0].samples).toEqual([]);
    expect(raw[0].histograms).toHaveLength(1);
    expect(raw[0].histograms[0]).toMatchObject({ timestamp: now, sum: 6 });

    const ex = await prom.queryExemplars('smoke_ex', now / 1000 - 1, now / 1000 + 1);
    expect(ex).toHaveLength(1);
    expect(ex[0].seriesLabels).toEqual({ __name__: 'smoke_ex' });
    expect(ex[0].exemplars).toEqual([{ labels: { trace_id: '0123456789abcdef' }, value: '7', timestamp: now / 1000 }]);
  });
});
