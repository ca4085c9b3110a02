/**
 * The wasm engine's fused path (assembly/fused/, src/engine/fused-request.ts) must give exactly the
 * general path's bytes and stats, or decline. The js engine has only the general path, so every check
 * compares a wasm builder with a js builder, and reads fastPathCounts to know that the fast path ran.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BuilderOptions, V2WriteRequestBuilder } from '../../src/builder/builder.js';
import { fastPathCounts } from '../../src/engine/fused-request.js';
import { makeWorkload } from '../../bench/workload.js';
import { builderOptions, otlpRequest } from '../fuzz/arbitraries.js';
import { FUZZ_TIMEOUT_MS, runs } from '../fuzz/config.js';
import { encodeOtlp, varintBytes as varint } from '../support/proto.js';
import { acceptable } from './fused-requests.js';

type Outcome = { error: string } | { encoded: Uint8Array; snappy: Uint8Array; stats: string };

function outcome(engine: 'wasm' | 'js', options: BuilderOptions, bytes: Uint8Array): Outcome {
  const builder = new V2WriteRequestBuilder({ ...options, engine });
  try {
    builder.add(bytes);
    const encoded = builder.encode();
    const snappy = builder.encodeSnappy();
    return { encoded, snappy, stats: JSON.stringify(builder.stats) };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

function expectSameOutcome(options: BuilderOptions, bytes: Uint8Array): void {
  const fast = outcome('wasm', options, bytes);
  const general = outcome('js', options, bytes);
  expect(fast).toEqual(general);
}

function delta<T>(run: () => T): { result: T; accepted: number; declined: number } {
  const before = { ...fastPathCounts };
  const result = run();
  return { result, accepted: fastPathCounts.accepted - before.accepted, declined: fastPathCounts.declined - before.declined };
}

describe('fused path: byte for byte the general path', () => {
  it(
    'random requests and options: encode(), encodeSnappy() and stats equal the js engine, or both throw alike',
    () => {
      let cases = 0;
      const { accepted } = delta(() =>
        fc.assert(
          fc.property(fc.tuple(otlpRequest, fc.boolean()), builderOptions, fc.boolean(), ([request, clean], options, createdTimestampField) => {
            cases++;
            expectSameOutcome({ ...options, createdTimestampField }, encodeOtlp(clean ? acceptable(request as Parameters<typeof acceptable>[0]) : request));
          }),
          runs(300),
        ),
      );
      // Half the cases are made acceptable; some of those still decline (points the fast path leaves).
      // About a quarter are taken, varying with the unseeded run (one run took 59 of 300): the bound
      // only shows that the fast path ran.
      expect(accepted).toBeGreaterThan(cases / 10);
    },
    FUZZ_TIMEOUT_MS,
  );

  it.each([1000, 10000])(
    'the %i-point bench workloads (seeds 1-3) are accepted and identical',
    (points) => {
      for (const seed of [1, 2, 3]) {
        const { otlpBytes } = makeWorkload(points, seed, { withJson: false });
        const { accepted } = delta(() => expectSameOutcome({}, otlpBytes));
        expect(accepted).toBe(1);
      }
    },
    FUZZ_TIMEOUT_MS,
  );

  it('exponential histograms above scale 8 are merged down exactly (Prometheus convertBucketsLayout)', () => {
    const buckets = (offset: number) => ({ offset, bucketCounts: ['1', '0', '0', '0', '2', '3', '0', '1', '5', '0', '0', '7'] });
    const dataPoints = [];
    for (let scale = 6; scale <= 20; scale++) {
      for (const offset of [-9, -3, -1, 0, 1, 5, 17]) {
        dataPoints.push({
          attributes: [{ key: 'scale', value: { intValue: String(scale) } }, { key: 'offset', value: { intValue: String(offset) } }],
          timeUnixNano: '1700000000000000000',
          scale,
          zeroCount: '3',
          count: '48',
          sum: 1.5,
          positive: buckets(offset),
          negative: buckets(-offset),
        });
      }
    }
    const bytes = encodeOtlp({ resourceMetrics: [{ resource: { attributes: [] }, scopeMetrics: [{ metrics: [{ name: 'latency', unit: 's', exponentialHistogram: { dataPoints, aggregationTemporality: 2 } }] }] }] });
    expect(delta(() => expectSameOutcome({}, bytes)).accepted).toBe(1);
  });

  it('le and quantile texts come from one cache across requests: 0 and -0 stay apart', () => {
    const request = (bound: number) =>
      encodeOtlp({
        resourceMetrics: [{ resource: { attributes: [] }, scopeMetrics: [{ metrics: [
          { name: 'h', histogram: { aggregationTemporality: 2, dataPoints: [{ timeUnixNano: '1700000000000000000', explicitBounds: [bound, 1e-7, 1e21], bucketCounts: ['1', '2', '3', '4'], count: '10' }] } },
          { name: 's', summary: { dataPoints: [{ timeUnixNano: '1700000000000000000', count: '1', sum: 2, quantileValues: [{ quantile: bound, value: 1 }, { quantile: 0.5, value: 2 }] }] } },
        ] }] }],
      });
    const wasm = new V2WriteRequestBuilder({ engine: 'wasm' });
    const js = new V2WriteRequestBuilder({ engine: 'js' });
    for (const bound of [-0, 0, -0]) {
      const { accepted } = delta(() => expect(wasm.reset().add(request(bound)).encode()).toEqual(js.reset().add(request(bound)).encode()));
      expect(accepted).toBe(1);
    }
  });

  it('the attribute cache keeps thousands of distinct attributes apart, across requests and its growth', () => {
    const request = (round: number) => {
      const dataPoints = [];
      for (let i = 0; i < 3000; i++) {
        dataPoints.push({ attributes: [{ key: `k${i % 7}`, value: { stringValue: `v${(i * 7919 + round) % 5000}` } }, { key: 'i', value: { intValue: String(i) } }], timeUnixNano: '1700000000000000000', asDouble: i });
      }
      return encodeOtlp({ resourceMetrics: [{ resource: { attributes: [] }, scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints } }] }] }] });
    };
    const wasm = new V2WriteRequestBuilder({ engine: 'wasm' });
    const js = new V2WriteRequestBuilder({ engine: 'js' });
    for (let round = 0; round < 3; round++) {
      const { accepted } = delta(() => expect(wasm.reset().add(request(round)).encodeSnappy()).toEqual(js.reset().add(request(round)).encodeSnappy()));
      expect(accepted).toBe(1);
    }
  });

  // Number and histogram points are made in batches (points.ts makeBatch): 16 points, fewer when their
  // merged pairs fill the batch (300 attributes a point: 7 points).
  const wide = (kind: 'gauge' | 'histogram', ids: number[]) => {
    const dataPoints = ids.map((id) => ({
      attributes: [...Array.from({ length: 299 }, (_, a) => ({ key: `a${a}`, value: { stringValue: `v${a}` } })), { key: 'id', value: { intValue: String(id) } }],
      timeUnixNano: '1700000000000000000',
      ...(kind === 'gauge' ? { asDouble: id } : { count: '3', sum: id, explicitBounds: [1, 2], bucketCounts: ['1', '1', '1'] }),
    }));
    const data = kind === 'gauge' ? { gauge: { dataPoints } } : { histogram: { aggregationTemporality: 2, dataPoints } };
    return encodeOtlp({ resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] }, scopeMetrics: [{ metrics: [{ name: 'm', ...data }] }] }] });
  };
  const ids = Array.from({ length: 40 }, (_, i) => i);
  it.each([
    ['40 gauge points of 300 attributes', wide('gauge', ids), 1],
    ['40 histogram points of 300 attributes', wide('histogram', ids), 1],
    ['a point repeated 37 points later, in another batch', wide('gauge', [...ids, 3]), 0],
    ['a point repeated in its batch', wide('histogram', [0, 1, 2, 1]), 0],
  ])('batches %s as the general path makes them, or declines', (_what, bytes, accepted) => {
    expect(delta(() => expectSameOutcome({}, bytes)).accepted).toBe(accepted);
  });
});

/**
 * Points of different metrics often carry the same attribute bytes (http duration and request count);
 * whatever the fast path reuses between them must still follow each metric's context labels, put-in
 * name and request (the property test's points all differ: a `point` attribute of their own).
 */
describe('fused path: points of several metrics with the same attribute bytes', () => {
  const time = '1700000000000000000';
  type Attribute = { key: string; value: { stringValue: string } };
  const text = (key: string, value: string): Attribute => ({ key, value: { stringValue: value } });
  /**
   * Six distinct attribute lists, with names the context labels also set: `job` (forced by
   * service.name), `region` (filled in when promoted; empty in some points), `otel_scope_name` (forced
   * when scope metadata is promoted), `route` (an external label below).
   */
  const attributeLists = (reversed: boolean): Attribute[][] =>
    [0, 1, 2, 3, 4, 5].map((i) => {
      const list = [text('method', i % 2 === 0 ? 'GET' : 'POST'), text('route', `/r${i % 3}`), text('job', 'own'), text('region', i % 3 === 0 ? '' : 'eu'), text('otel_scope_name', 'own')];
      return reversed ? list.reverse() : list;
    });
  const numberPoints = (reversed = false) => attributeLists(reversed).map((attributes, i) => ({ attributes, timeUnixNano: time, asDouble: i }));
  const scopeMetrics = (scope: string) => ({
    scope: { name: scope, version: '1.0', attributes: [text('team', scope)] },
    metrics: [
      { name: `${scope}_g`, unit: 's', gauge: { dataPoints: numberPoints() } },
      { name: `${scope}_c`, unit: 'By', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: numberPoints() } },
      { name: `${scope}_g_reversed`, gauge: { dataPoints: numberPoints(true) } },
      { name: `${scope}_s`, summary: { dataPoints: attributeLists(false).map((attributes) => ({ attributes, timeUnixNano: time, count: '2', sum: 3, quantileValues: [{ quantile: 0.5, value: 1 }] })) } },
      { name: `${scope}_g_again`, unit: 's', gauge: { dataPoints: numberPoints() } },
    ],
  });
  const resource = (attributes: Attribute[], scopes: string[]) => ({ resource: { attributes }, scopeMetrics: scopes.map(scopeMetrics) });
  const requests = [
    encodeOtlp({ resourceMetrics: [resource([text('service.name', 'api'), text('region', 'us')], ['s1', 's2'])] }),
    encodeOtlp({
      resourceMetrics: [
        resource([text('service.name', 'api'), text('region', 'us')], ['s1', 's2']),
        resource([text('service.name', 'db'), text('service.instance.id', 'i-1')], ['s1']),
        resource([text('region', 'ap')], ['s1', 's2']),
      ],
    }),
  ];
  const optionSets: BuilderOptions[] = [
    {},
    { promoteScopeMetadata: true },
    { promoteResourceAttributes: ['region'] },
    { promoteAllResourceAttributes: true },
    { typeAndUnitLabels: true },
    { externalLabels: { route: 'external', zone: 'z1' } },
  ];

  it.each(optionSets)('under the same and under other resources, scopes and context labels (%j): the general path\'s bytes', (options) => {
    for (const bytes of requests) expect(delta(() => expectSameOutcome(options, bytes)).accepted).toBe(1);
  });

  it('request after request on one builder: no label set is taken from the request before', () => {
    for (const options of [{}, { promoteScopeMetadata: true }]) {
      const wasm = new V2WriteRequestBuilder({ ...options, engine: 'wasm' });
      const js = new V2WriteRequestBuilder({ ...options, engine: 'js' });
      for (const bytes of [...requests, ...requests.slice().reverse(), ...requests]) {
        const { accepted } = delta(() => expect(wasm.reset().add(bytes).encodeSnappy()).toEqual(js.reset().add(bytes).encodeSnappy()));
        expect(accepted).toBe(1);
      }
    }
  });

  describe('a point label named le or quantile, the same attribute bytes in a gauge too', () => {
    const gauge = (lists: Attribute[][]) => ({ name: 'g', gauge: { dataPoints: lists.map((attributes, i) => ({ attributes, timeUnixNano: time, asDouble: i })) } });
    const histogram = (lists: Attribute[][]) => ({
      name: 'h',
      histogram: { aggregationTemporality: 2, dataPoints: lists.map((attributes) => ({ attributes, timeUnixNano: time, explicitBounds: [1], bucketCounts: ['1', '2'], count: '3' })) },
    });
    const summary = (lists: Attribute[][]) => ({ name: 's', summary: { dataPoints: lists.map((attributes) => ({ attributes, timeUnixNano: time, count: '1', sum: 1 })) } });
    const request = (metrics: object[]) => encodeOtlp({ resourceMetrics: [{ resource: { attributes: [] }, scopeMetrics: [{ metrics }] }] });
    const withLe = [[text('le', '1')], [text('le', '2'), text('x', 'a')]];
    const withQuantile = [[text('quantile', '1')], [text('quantile', '2'), text('x', 'a')]];
    const plain = [[text('x', 'a')], [text('x', 'b'), text('y', 'c')]];

    it.each([
      ['le in a histogram after the same attributes in a gauge', 'declined', [gauge(withLe), histogram(withLe.slice(0, 1))]],
      ['le in a histogram after the same two attributes in a gauge', 'declined', [gauge(withLe), histogram(withLe.slice(1))]],
      ['quantile in a summary after the same attributes in a gauge', 'declined', [gauge(withQuantile), summary(withQuantile.slice(1))]],
      // A set with its own le or quantile beside bucket or quantile groups: the general path may merge their series.
      ['le in a gauge after a histogram with plain attributes', 'declined', [histogram(plain), gauge(withLe)]],
      ['le and quantile in gauges, plain attributes in a histogram and a summary', 'declined', [gauge(withLe), { ...gauge(withQuantile), name: 'g2' }, histogram(plain), summary(plain)]],
      ['le and quantile in gauges only', 'accepted', [gauge(withLe), { ...gauge(withQuantile), name: 'g2' }]],
    ] as const)('%s: %s, with the general path\'s bytes', (_what, expected, metrics) => {
      const counts = delta(() => expectSameOutcome({}, request([...metrics])));
      expect(counts[expected]).toBe(1);
    });
  });
});

describe('fused path: a histogram point\'s buckets and a summary point\'s quantiles as one group', () => {
  const time = '1700000000000000000';
  const attributes = (pairs: Record<string, string>) => Object.entries(pairs).map(([key, stringValue]) => ({ key, value: { stringValue } }));
  const histogramPoint = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    attributes: attributes(labels), timeUnixNano: time, explicitBounds: [0.1, 1, 10], bucketCounts: ['1', '0', '2', '4'], count: '7', sum: 12.5, ...extra,
  });
  const summaryPoint = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    attributes: attributes(labels), timeUnixNano: time, count: '3', sum: 4, quantileValues: [{ quantile: 0.5, value: 1 }, { quantile: 0.99, value: 0 }], ...extra,
  });
  const request = (metrics: unknown[], resource: Record<string, string> = { 'service.name': 'api' }) =>
    encodeOtlp({ resourceMetrics: [{ resource: { attributes: attributes(resource) }, scopeMetrics: [{ metrics }] }] });
  const histogram = (name: string, dataPoints: unknown[]) => ({ name, unit: 's', description: 'd', histogram: { aggregationTemporality: 2, dataPoints } });
  const summary = (name: string, dataPoints: unknown[]) => ({ name, summary: { dataPoints } });
  const gauge = (name: string, dataPoints: unknown[]) => ({ name, gauge: { dataPoints } });

  function expectAccepted(bytes: Uint8Array, options: BuilderOptions = {}): void {
    expect(delta(() => expectSameOutcome(options, bytes)).accepted).toBe(1);
  }

  function expectDeclined(bytes: Uint8Array, options: BuilderOptions = {}): void {
    expect(delta(() => expectSameOutcome(options, bytes)).declined).toBe(1);
  }

  it('writes groups among label names ranked around `__name__` and `le`, or none', () => {
    expectAccepted(request([
      histogram('h', [histogramPoint({ A: '1', a: '2', m: '3', z: '4' }), histogramPoint({ Z: '1' }), histogramPoint({ zz: '1' }), histogramPoint({})]),
      summary('s', [summaryPoint({ A: '1', p: '2', r: '3' }), summaryPoint({})]),
    ]));
  });

  it('declines a second point of one histogram or summary series, and the general path merges them', () => {
    expectDeclined(request([histogram('h', [histogramPoint({ a: '1' }), histogramPoint({ a: '1' }, { timeUnixNano: '1700000001000000000' })])]));
    expectDeclined(request([summary('s', [summaryPoint({ a: '1' }), summaryPoint({ a: '1' }, { timeUnixNano: '1700000001000000000' })])]));
  });

  it('takes metrics sharing a label set: two histograms, a summary beside a histogram, a gauge beside both', () => {
    const labels = { a: '1', b: '2' };
    expectAccepted(request([
      histogram('h1', [histogramPoint(labels)]),
      histogram('h2', [histogramPoint(labels, { explicitBounds: [1, 2], bucketCounts: ['1', '2', '3'], count: '6' })]),
      summary('s', [summaryPoint(labels)]),
      gauge('g', [{ attributes: attributes(labels), timeUnixNano: time, asDouble: 2 }]),
      gauge('h1', [{ attributes: attributes(labels), timeUnixNano: time, asDouble: 3 }]),
    ]));
  });

  it('declines a series with the set and name of another metric\'s group (gauge h_seconds_bucket beside histogram h); same bytes', () => {
    const labels = { a: '1' };
    // Histogram h's unit `s` names its series h_seconds_*.
    expectDeclined(request([histogram('h', [histogramPoint(labels)]), gauge('h_seconds_bucket', [{ attributes: attributes(labels), timeUnixNano: time, asDouble: 1 }])]));
    expectDeclined(request([summary('s', [summaryPoint(labels)]), gauge('s', [{ attributes: attributes(labels), timeUnixNano: time, asDouble: 1 }])]));
  });

  it('declines a label set with its own `le` or `quantile` beside groups: the general path merges series of equal labels', () => {
    // Gauge h_seconds_bucket{a="1",le="1"} and histogram h's bucket {a="1",le="1"}: one series there, two keys here.
    expectDeclined(request([histogram('h', [histogramPoint({ a: '1' })]), gauge('h_seconds_bucket', [{ attributes: attributes({ a: '1', le: '1' }), timeUnixNano: time, asDouble: 1 }])]));
    expectDeclined(request([gauge('s', [{ attributes: attributes({ a: '1', quantile: '0.5' }), timeUnixNano: time, asDouble: 1 }]), summary('s', [summaryPoint({ a: '1' })])]));
    // Without groups, such sets are taken.
    expectAccepted(request([gauge('s', [{ attributes: attributes({ a: '1', quantile: '0.5' }), timeUnixNano: time, asDouble: 1 }])]));
  });

  it('takes bucket_counts shorter than the bounds (buckets past them left out), and no bounds at all', () => {
    expectAccepted(request([
      histogram('h', [
        histogramPoint({ a: '1' }, { bucketCounts: ['1', '2'] }),
        histogramPoint({ a: '2' }, { bucketCounts: [] }),
        histogramPoint({ a: '3' }, { explicitBounds: [], bucketCounts: ['5'], count: '5' }),
        histogramPoint({ a: '4' }, { explicitBounds: [0.5, 1, 2, 4, 8], bucketCounts: ['1', '1', '1', '1', '1', '1'], count: '6' }),
      ]),
      summary('s', [summaryPoint({ a: '1' }, { quantileValues: [] })]),
    ]));
  });

  it('takes stale points (flags: no recorded value): every series of the group gets the stale marker', () => {
    expectAccepted(request([
      histogram('h', [histogramPoint({ a: '1' }, { flags: 1 }), histogramPoint({ a: '2' })]),
      summary('s', [summaryPoint({ a: '1' }), summaryPoint({ a: '2' }, { flags: 1 })]),
    ]));
  });

  it('gives every series of a group its point\'s start time, and with createdTimestampField its created timestamp', () => {
    const start = { startTimeUnixNano: '1699999990000000000' };
    const bytes = request([
      histogram('h', [histogramPoint({ a: '1' }, start), histogramPoint({ a: '2' })]),
      summary('s', [summaryPoint({ a: '1' }, start), summaryPoint({ a: '2' })]),
    ]);
    expectAccepted(bytes);
    expectAccepted(bytes, { createdTimestampField: true });
  });

  it('reuses a layout\'s `le` and `quantile` texts only for the same values, across points, metrics and requests', () => {
    const layouts = [[0.1, 1, 10], [0.1, 2, 10], [0.1, 1], [-0, 1, 10], [0, 1, 10, 100]];
    const bytes = request([
      histogram('h', layouts.map((explicitBounds, i) => histogramPoint({ i: String(i) }, { explicitBounds, bucketCounts: explicitBounds.map(() => '1').concat('1'), count: String(explicitBounds.length + 1) }))),
      summary('s', [[0.5, 0.9], [0.5, 0.99], [0.25]].map((quantiles, i) => summaryPoint({ i: String(i) }, { quantileValues: quantiles.map((quantile) => ({ quantile, value: quantile })) }))),
    ]);
    const wasm = new V2WriteRequestBuilder({ engine: 'wasm' });
    const js = new V2WriteRequestBuilder({ engine: 'js' });
    for (let round = 0; round < 2; round++) {
      const { accepted } = delta(() => expect(wasm.reset().add(bytes).encode()).toEqual(js.reset().add(bytes).encode()));
      expect(accepted).toBe(1);
    }
  });

  it('checks bounds again unless they are the last point\'s, whole: a shorter layout rewrites only part of the texts', () => {
    // [5, 6] rewrites the first two of [1, 2, 3]'s cached texts: [5, 6, 3] then matches them position by
    // position but is not increasing (its `le` series would not be distinct).
    const point = (i: number, explicitBounds: number[]) =>
      histogramPoint({ i: String(i) }, { explicitBounds, bucketCounts: explicitBounds.map(() => '1').concat('1'), count: String(explicitBounds.length + 1) });
    expectDeclined(request([histogram('h', [point(0, [1, 2, 3]), point(1, [5, 6]), point(2, [5, 6, 3])])]));
    expectAccepted(request([histogram('h', [point(0, [1, 2, 3]), point(1, [5, 6]), point(2, [5, 6]), point(3, [1, 2, 3])])]));
    // The same across requests on one builder.
    const wasm = new V2WriteRequestBuilder({ engine: 'wasm' });
    const js = new V2WriteRequestBuilder({ engine: 'js' });
    const first = request([histogram('h', [point(0, [1, 2, 3]), point(1, [5, 6])])]);
    const second = request([histogram('h', [point(2, [5, 6, 3])])]);
    expect(delta(() => expect(wasm.reset().add(first).encode()).toEqual(js.reset().add(first).encode())).accepted).toBe(1);
    expect(delta(() => expect(wasm.reset().add(second).encode()).toEqual(js.reset().add(second).encode())).declined).toBe(1);
  });

  it('appends target_info samples beside groups, and declines target_info over a group of its set and name', () => {
    // Points 10 minutes apart: target_info gets a sample every lookbackDelta / 2 between them.
    const later = { timeUnixNano: '1700000600000000000' };
    const resource = { 'service.name': 'api', host: 'h1' };
    expectAccepted(request([histogram('h', [histogramPoint({ a: '1' }), histogramPoint({ a: '2' }, later)]), summary('s', [summaryPoint({ a: '1' }, later)])], resource));
    // A summary named target_info labelled as target_info is: its quantiles' group has target_info's set and name.
    expectDeclined(request([summary('target_info', [summaryPoint({ host: 'h1' })])], resource));
    expectAccepted(request([summary('target_info', [summaryPoint({ host: 'h2' })])], resource));
  });
});

describe('fused path: declines and replays', () => {
  const point = (attributes: Array<{ key: string; value: { stringValue: string } }>) => ({ attributes, timeUnixNano: '1700000000000000000', asDouble: 1 });
  const gauge = (dataPoints: unknown[]) => encodeOtlp({ resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }, { key: 'host', value: { stringValue: 'h' } }] }, scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints } }] }] }] });
  const good = gauge([point([{ key: 'a', value: { stringValue: '1' } }])]);

  it.each([
    ['two attributes that sanitize to one label name', gauge([point([{ key: 'a.b', value: { stringValue: '1' } }, { key: 'a_b', value: { stringValue: '2' } }])])],
    [
      'a histogram point label named le',
      encodeOtlp({ resourceMetrics: [{ resource: { attributes: [] }, scopeMetrics: [{ metrics: [{ name: 'h', histogram: { aggregationTemporality: 2, dataPoints: [{ attributes: [{ key: 'le', value: { stringValue: '1' } }], timeUnixNano: '1700000000000000000', explicitBounds: [1], bucketCounts: ['1', '2'], count: '3' }] } }] }] }] }),
    ],
    ['a second sample of one series', gauge([point([]), point([])])],
    ['an invalid label name', gauge([point([{ key: '', value: { stringValue: '1' } }])])],
  ])('declines %s, and the general path gives the same bytes', (_what, bytes) => {
    const { declined } = delta(() => expectSameOutcome({}, bytes));
    expect(declined).toBe(1);
  });

  /** The request's last field, the Sum's aggregation_temporality 2, made 7 (protobufjs encodes only enum values). */
  const withTemporality7 = (bytes: Uint8Array) => {
    expect([...bytes.subarray(-2)]).toEqual([(2 << 3) | 0, 2]);
    const patched = bytes.slice();
    patched[patched.length - 1] = 7;
    return patched;
  };
  // A Sum's temporality and monotonicity follow its points on the wire: the decoder reads them past the points it leaves as bytes.
  const sum = (fields: Record<string, unknown>) =>
    encodeOtlp({ resourceMetrics: [{ resource: { attributes: [] }, scopeMetrics: [{ metrics: [{ name: 's', unit: 's', sum: { dataPoints: [point([]), point([{ key: 'a', value: { stringValue: '1' } }])], ...fields } }] }] }] });
  it.each([
    ['a cumulative monotonic sum (`_total`)', sum({ aggregationTemporality: 2, isMonotonic: true }), 1],
    ['a cumulative non-monotonic sum', sum({ aggregationTemporality: 2, isMonotonic: false }), 1],
    ['a delta sum (dropped)', sum({ aggregationTemporality: 1, isMonotonic: true }), 0],
    ['a sum of unspecified temporality (dropped)', sum({ isMonotonic: true }), 0],
    ['a temporality outside the enum (the decoder reads it)', withTemporality7(sum({ aggregationTemporality: 2 })), 0],
  ])('reads the temporality and monotonicity of %s as the decoder does', (_what, bytes, accepted) => {
    expect(delta(() => expectSameOutcome({}, bytes)).accepted).toBe(accepted);
  });

  // The module reads each data message for the decoder (assembly/fused/points.ts scanData), or leaves
  // it to the decoder's own loop. Hand-written wire bytes: protobufjs writes fields in number order only.
  const field = (number: number, wireType: number, payload: number[]) => [...varint((number << 3) | wireType), ...payload];
  const message = (number: number, payload: number[]) => field(number, 2, [...varint(payload.length), ...payload]);
  const text = (value: string) => [...Buffer.from(value)];
  const fixed64 = (value: bigint) => [...Buffer.from(new BigUint64Array([value]).buffer)];
  const rawPoint = (value: string) =>
    message(1, [...field(3, 1, fixed64(1_700_000_000_000_000_000n)), ...field(4, 1, [...Buffer.from(new Float64Array([1]).buffer)]), ...message(7, [...message(1, text('a')), ...message(2, message(1, text(value)))])]);
  const rawSum = (...sumFields: number[][]) =>
    new Uint8Array(message(1, message(2, message(2, [...message(1, text('s')), ...message(7, sumFields.flat())]))));
  const points = [rawPoint('1'), rawPoint('2')].flat();
  it.each([
    ['temporality and monotonicity before the points', rawSum(field(2, 0, [2]), field(3, 0, [1]), points), 1],
    ['temporality between the points, repeated (the last one counts)', rawSum(field(2, 0, [1]), rawPoint('1'), field(2, 0, [2]), rawPoint('2'), field(3, 0, [1])), 1],
    ['a field the scan leaves to the decoder (number 9)', rawSum(points, field(9, 0, [5]), field(2, 0, [2]), field(3, 0, [1])), 1],
    ['a temporality in 6 bytes (left to the decoder)', rawSum(points, field(2, 0, [0x82, 0x80, 0x80, 0x80, 0x80, 0x00]), field(3, 0, [1])), 1],
    ['a monotonicity above 1 (true)', rawSum(points, field(2, 0, [2]), field(3, 0, [0x80, 0x01])), 1],
    ['a point running past the sum', rawSum(points, [(1 << 3) | 2, 40, 1, 2]), 0],
    ['a group wire type in the sum', rawSum(points, field(5, 3, [])), 0],
  ])('reads a data message with %s as the decoder does', (_what, bytes, accepted) => {
    expect(delta(() => expectSameOutcome({}, bytes)).accepted).toBe(accepted);
  });

  it('takes a gauge point label named le or quantile: only histograms and summaries put those in', () => {
    const bytes = gauge([point([{ key: 'le', value: { stringValue: '1' } }, { key: 'quantile', value: { stringValue: '2' } }])]);
    expect(delta(() => expectSameOutcome({}, bytes)).accepted).toBe(1);
  });

  it('declines malformed bytes; the general path throws its own error and the builder is as before', () => {
    const bad = good.slice(0, good.length - 3);
    const wasm = new V2WriteRequestBuilder({ engine: 'wasm' });
    const js = new V2WriteRequestBuilder({ engine: 'js' });
    const { declined } = delta(() => expect(() => wasm.add(bad)).toThrow());
    expect(declined).toBe(1);
    expect(() => js.add(bad)).toThrow();
    expect(wasm.stats).toEqual(js.stats);
    expect(wasm.add(good).encode()).toEqual(js.add(good).encode());
  });

  it('a second add() joins the held request on the fused path, unless it repeats a held series (target_info too)', () => {
    const sameResource = gauge([point([{ key: 'b', value: { stringValue: '2' } }])]);
    const again = new V2WriteRequestBuilder({ engine: 'wasm' }).add(good);
    expect(delta(() => again.add(sameResource))).toMatchObject({ accepted: 0, declined: 1 });
    expect(again.encode()).toEqual(new V2WriteRequestBuilder({ engine: 'js' }).add(good).add(sameResource).encode());
    const other = encodeOtlp({
      resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }, { key: 'host', value: { stringValue: 'h2' } }] }, scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: [point([{ key: 'b', value: { stringValue: '2' } }])] } }] }] }],
    });
    const wasm = new V2WriteRequestBuilder({ engine: 'wasm' });
    const js = new V2WriteRequestBuilder({ engine: 'js' });
    expect(delta(() => wasm.add(good)).accepted).toBe(1);
    expect(delta(() => wasm.add(other)).accepted).toBe(1);
    js.add(good).add(other);
    expect(wasm.stats).toEqual(js.stats);
    expect(wasm.encode()).toEqual(js.encode());
    expect(wasm.encodeSnappy()).toEqual(js.encodeSnappy());
  });

  it('a held request is its own copy: bytes the caller changes after add() do not reach its replay', () => {
    // The module copies a request in as it reads it (fused-request.ts copyInputUpTo), 256 KiB at a
    // time from the data messages it reads: here a gauge's 600 kB description comes after its data,
    // so the module never reads most of it, and its replay must still see it.
    const description = message(2, text('d'.repeat(600_000)));
    const bytes = new Uint8Array(message(1, message(2, message(2, [...message(1, text('g')), ...message(5, rawPoint('1')), ...description]))));
    const other = gauge([point([{ key: 'b', value: { stringValue: '2' } }])]);
    const wasm = new V2WriteRequestBuilder({ engine: 'wasm' });
    const changed = bytes.slice();
    expect(delta(() => wasm.add(changed)).accepted).toBe(1);
    changed.fill(0xff);
    wasm.add(other);
    const js = new V2WriteRequestBuilder({ engine: 'js' }).add(bytes).add(other);
    // Compared as a whole: a diff of two 600 kB requests takes vitest minutes to print.
    expect(Buffer.from(wasm.encode()).equals(js.encode())).toBe(true);
  });

  it('build(), encodeRequests() and the RW1 encodes after a fast add() are the general path\'s', () => {
    const make = (engine: 'wasm' | 'js') => new V2WriteRequestBuilder({ engine }).add(good);
    expect(make('wasm').build()).toEqual(make('js').build());
    expect(make('wasm').encodeRequests({ shards: 2 })).toEqual(make('js').encodeRequests({ shards: 2 }));
    expect(make('wasm').encodeV1()).toEqual(make('js').encodeV1());
    const wasm = make('wasm');
    const js = make('js');
    wasm.encode();
    js.encode();
    expect(wasm.stats).toEqual(js.stats);
    expect(wasm.encodeV1Snappy()).toEqual(js.encodeV1Snappy());
    expect(wasm.stats).toEqual(js.stats);
  });

  it('fastPath: false and requests over 32 MiB are not tried (the bridge and RemoteWriteSender split every request)', () => {
    const off = delta(() => new V2WriteRequestBuilder({ engine: 'wasm', fastPath: false }).add(good).encode());
    expect(off.accepted + off.declined).toBe(0);
    expect(off.result).toEqual(new V2WriteRequestBuilder({ engine: 'js' }).add(good).encode());
    // An unknown top-level field (99, LEN) pads the request past the cap; both paths skip its contents.
    const length = 32 * 1024 * 1024 + 1;
    const header = [(99 << 3) | 2, ...varint(length)];
    const big = new Uint8Array(good.length + header.length + length);
    big.set(good);
    big.set(header, good.length);
    const limits = { maxRequestBytes: 64 * 1024 * 1024 };
    const large = delta(() => new V2WriteRequestBuilder({ engine: 'wasm', limits }).add(big).encode());
    expect(large.accepted + large.declined).toBe(0);
    expect(large.result).toEqual(new V2WriteRequestBuilder({ engine: 'js', limits }).add(big).encode());
  });

  it('a replay the general path refuses leaves the request held (nothing accepted is lost)', () => {
    const wasm = new V2WriteRequestBuilder({ engine: 'wasm' });
    expect(delta(() => wasm.add(good)).accepted).toBe(1);
    const expected = wasm.encode();
    const general = wasm as unknown as { addProtobuf(bytes: Uint8Array): unknown };
    const addProtobuf = general.addProtobuf;
    general.addProtobuf = () => {
      throw new Error('refused');
    };
    expect(() => wasm.build()).toThrow('refused');
    general.addProtobuf = addProtobuf;
    expect(wasm.stats.requests).toBe(1);
    expect(wasm.encode()).toEqual(expected);
    expect(wasm.build()).toEqual(new V2WriteRequestBuilder({ engine: 'js' }).add(good).build());
  });

  it('a reset() forgets the held request', () => {
    const wasm = new V2WriteRequestBuilder({ engine: 'wasm' }).add(good);
    wasm.reset();
    expect(wasm.stats.series).toBe(0);
    expect(wasm.encode()).toEqual(new V2WriteRequestBuilder({ engine: 'js' }).encode());
  });
});
