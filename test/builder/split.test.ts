import { describe, expect, it } from 'vitest';
import { V2WriteRequestBuilder, readWriteRequest } from '../../src/index.js';
import { attributes, exportRequest, gauge, resourceMetrics, sum } from '../support/otlp.js';

const T = 1_764_000_000_000;

function manySeries(count: number) {
  const points = Array.from({ length: count }, (_, i) => ({ value: i, timeMs: T, attributes: { pod: `pod-${i}`, zone: `zone-${i % 3}` } }));
  return exportRequest(
    resourceMetrics({ 'service.name': 'api' }, [{ metrics: [gauge({ name: 'queue' }, points), sum({ name: 'requests' }, points.map((p) => ({ ...p, value: BigInt(p.value) })))] }]),
  );
}

function seriesText(body: Uint8Array, protobufMessage: 'v1' | 'v2' = 'v2', compressed = true): string[] {
  const request = readWriteRequest(body, { protobufMessage, compressed });
  return request.timeseries.map((series) => `${series.labels.map((l) => `${l.name}=${l.value}`).join(',')} ${series.samples.map((s) => `${s.timestamp}:${s.value}`).join(' ')}`);
}

describe.each(['wasm', 'js'] as const)('encodeRequests splits a conversion (%s engine)', (engine) => {
  const builder = new V2WriteRequestBuilder({ engine }).add(manySeries(100));
  const whole = seriesText(builder.encodeSnappy()).sort();

  it('one request by default, the same as encodeSnappy()', () => {
    const requests = builder.encodeRequests();
    expect(requests).toHaveLength(1);
    expect(Buffer.from(requests[0].body).equals(Buffer.from(builder.encodeSnappy()))).toBe(true);
    expect(requests[0]).toMatchObject({ shard: 0, series: 200, samples: 200, histograms: 0, exemplars: 0, protobufMessage: 'v2' });
  });

  it('maxSeriesPerRequest: every request valid on its own, together exactly the whole', () => {
    const requests = builder.encodeRequests({ maxSeriesPerRequest: 30 });
    expect(requests.map((r) => r.series)).toEqual([30, 30, 30, 30, 30, 30, 20]);
    expect(requests.flatMap((r) => seriesText(r.body)).sort()).toEqual(whole);
    for (const request of requests) expect(readWriteRequest(request.body).symbols[0]).toBe('');
  });

  it('maxSeriesPerRequest: a label one series replaces keeps its value in a later series of the same set', () => {
    // The histogram's point attribute le="weird" labels h_sum and h_count; its buckets replace it. The
    // gauge has the same attributes (one label set). Split after h_bucket{le="1"}, the second request
    // starts with the +Inf bucket, which replaces le="weird", and then has the gauge, which keeps it.
    const labels = { le: 'weird', pod: 'a' };
    const histogram = {
      name: 'h',
      histogram: {
        aggregationTemporality: 2,
        dataPoints: [{ attributes: attributes(labels), timeUnixNano: `${T}000000`, count: '3', sum: 2, bucketCounts: ['1', '2'], explicitBounds: [1] }],
      },
    };
    const request = exportRequest(resourceMetrics({ 'service.name': 'api' }, [{ metrics: [histogram, gauge({ name: 'g' }, [{ value: 1, timeMs: T, attributes: labels }])] }]));
    const split = new V2WriteRequestBuilder({ engine }).add(request);
    const requests = split.encodeRequests({ maxSeriesPerRequest: 3 });
    expect(requests.map((r) => r.series)).toEqual([3, 2]);
    expect(seriesText(requests[1].body)).toEqual([
      `__name__=h_bucket,job=api,le=+Inf,pod=a ${T}:3`,
      `__name__=g,job=api,le=weird,pod=a ${T}:1`,
    ]);
  });

  it('maxBatchBytes: no body over the limit', () => {
    const requests = builder.encodeRequests({ maxBatchBytes: 2000, compress: false });
    expect(requests.length).toBeGreaterThan(3);
    for (const request of requests) expect(request.body.length).toBeLessThanOrEqual(2000);
    expect(requests.flatMap((r) => seriesText(r.body, 'v2', false)).sort()).toEqual(whole);
  });

  it('shards: a series always lands in the same shard, whatever else is in the request', () => {
    const shardOf = (requests: ReturnType<typeof builder.encodeRequests>) => {
      const map = new Map<string, number>();
      for (const request of requests) for (const series of seriesText(request.body)) map.set(series.split(' ')[0], request.shard);
      return map;
    };
    const four = shardOf(builder.encodeRequests({ shards: 4 }));
    expect(new Set(four.values()).size).toBe(4);
    const other = new V2WriteRequestBuilder({ engine }).add(manySeries(40));
    const fourAgain = shardOf(other.encodeRequests({ shards: 4, maxSeriesPerRequest: 7 }));
    for (const [series, shard] of fourAgain) expect(four.get(series)).toBe(shard);
  });

  it('shards: the same labels land in the same shard however the series was made', () => {
    // A histogram's bucket series (label set + `__name__` + `le`) and a gauge that has the same labels
    // from its own name and attributes (`le` in the set) hash alike.
    const shardOf = (request: object, labels: string) => {
      for (const encoded of new V2WriteRequestBuilder({ engine }).add(request).encodeRequests({ shards: 64 })) {
        for (const series of seriesText(encoded.body)) if (series.split(' ')[0] === labels) return encoded.shard;
      }
      throw new Error(`no series ${labels}`);
    };
    const labels = '__name__=latency_bucket,job=api,le=0.5,route=/a';
    const histogram = (pointAttributes: Record<string, string>) =>
      exportRequest(
        resourceMetrics({ 'service.name': 'api' }, [
          {
            metrics: [
              {
                name: 'latency',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: [{ attributes: attributes(pointAttributes), timeUnixNano: `${T}000000`, count: '3', bucketCounts: ['1', '2'], explicitBounds: [0.5] }],
                },
              },
            ],
          },
        ]),
      );
    const gaugeOfBucket = exportRequest(resourceMetrics({ 'service.name': 'api' }, [{ metrics: [gauge({ name: 'latency_bucket' }, [{ value: 1, timeMs: T, attributes: { route: '/a', le: '0.5' } }])] }]));
    const shard = shardOf(histogram({ route: '/a' }), labels);
    expect(shardOf(gaugeOfBucket, labels)).toBe(shard);
    // A point attribute `le` is overwritten by the bucket's: the set's pair is replaced, not added.
    expect(shardOf(histogram({ route: '/a', le: 'mine' }), labels)).toBe(shard);
  });

  it('shards: the series of one histogram point land together; metrics spread by name', () => {
    const points = Array.from({ length: 12 }, (_, i) => ({
      attributes: attributes({ route: `/r${i}` }),
      timeUnixNano: `${T}000000`,
      count: '6',
      sum: 3,
      bucketCounts: ['1', '2', '3'],
      explicitBounds: [0.1, 0.5],
    }));
    const gauges = Array.from({ length: 24 }, (_, i) => gauge({ name: `g${i}` }, [{ value: i, timeMs: T }]));
    const request = exportRequest(
      resourceMetrics({ 'service.name': 'api' }, [{ metrics: [{ name: 'latency', histogram: { aggregationTemporality: 2, dataPoints: points } }, ...gauges] }]),
    );
    const shardsOf = new Map<string, Set<number>>();
    const gaugeShards = new Set<number>();
    for (const encoded of new V2WriteRequestBuilder({ engine }).add(request).encodeRequests({ shards: 8, maxSeriesPerRequest: 5 })) {
      for (const series of seriesText(encoded.body)) {
        const labels = series.split(' ')[0];
        const route = /route=([^,]*)/.exec(labels)?.[1];
        if (route !== undefined) shardsOf.set(route, (shardsOf.get(route) ?? new Set()).add(encoded.shard));
        else if (labels.startsWith('__name__=g')) gaugeShards.add(encoded.shard);
      }
    }
    expect(shardsOf.size).toBe(12);
    for (const shards of shardsOf.values()) expect(shards.size).toBe(1);
    // 12 points over 8 shards, 24 gauges with the same labels but their names: both spread.
    expect(new Set([...shardsOf.values()].flatMap((shards) => [...shards])).size).toBeGreaterThan(3);
    expect(gaugeShards.size).toBeGreaterThan(3);
  });

  it('RW1 requests carry the same series', () => {
    const requests = builder.encodeRequests({ protobufMessage: 'v1', maxSeriesPerRequest: 64 });
    expect(requests.flatMap((r) => seriesText(r.body, 'v1')).sort()).toEqual(whole);
  });

  it('build() and encode() still describe the whole request afterwards', () => {
    builder.encodeRequests({ maxSeriesPerRequest: 10 });
    expect(seriesText(builder.encodeSnappy()).sort()).toEqual(whole);
    expect(builder.build().timeseries).toHaveLength(200);
  });

  it('the label sets handed to the engine once per table state follow every add, failed add and reset', () => {
    // The engine keeps the sets between pieces and encodes; each step below changes them, and each
    // encode must equal a fresh builder's for the same adds.
    const fresh = (...requests: object[]) => {
      const other = new V2WriteRequestBuilder({ engine });
      for (const request of requests) other.add(request);
      return Buffer.from(other.encode());
    };
    const pieces = (b: V2WriteRequestBuilder) => b.encodeRequests({ maxSeriesPerRequest: 7 }).flatMap((r) => seriesText(r.body)).sort();
    const more = exportRequest(resourceMetrics({ 'service.name': 'db' }, [{ metrics: [gauge({ name: 'load' }, [{ value: 1, timeMs: T, attributes: { shard: 'a', le: '0.5' } }])] }]));
    const b = new V2WriteRequestBuilder({ engine }).add(manySeries(20));
    expect(pieces(b)).toEqual(seriesText(b.encodeSnappy()).sort());
    expect(Buffer.from(b.encode()).equals(fresh(manySeries(20)))).toBe(true);
    b.add(more);
    expect(pieces(b)).toEqual(seriesText(b.encodeSnappy()).sort());
    expect(Buffer.from(b.encode()).equals(fresh(manySeries(20), more))).toBe(true);
    expect(() => b.add(new Uint8Array([0x0a, 0x05, 0x0a]))).toThrow();
    expect(Buffer.from(b.encode()).equals(fresh(manySeries(20), more))).toBe(true);
    b.reset().add(more);
    expect(pieces(b)).toEqual(seriesText(b.encodeSnappy()).sort());
    expect(Buffer.from(b.encode()).equals(fresh(more))).toBe(true);
  });
});
