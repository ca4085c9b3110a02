// SdkMetricsEncoder's bytes must decode to exactly what otlp-transformer's ProtobufMetricsSerializer
// (what the OTLP exporters send) writes for the same SDK ResourceMetrics, and build the same
// Remote-Write bytes on every engine and path. Checked on SDK-collected metrics from random
// recordings, and on hand-built ResourceMetrics with values the SDK never produces (the wire's
// truncations and wraps). One encoder serves every case, so its attribute cache is exercised across
// calls as an exporter's is.
import { readFileSync } from 'node:fs';
import { ValueType } from '@opentelemetry/api';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  DataPointType,
  InstrumentType,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { V2WriteRequestBuilder } from '../../src/builder/builder.js';
import { decodeExportMetricsRequest } from '../../src/otlp/decode-protobuf.js';
import { OtlpDecodeError, OtlpErrorCode } from '../../src/otlp/errors.js';
import { SdkAggregationTemporality, SdkDataPointType, SdkMetricsEncoder, SdkValueType, fromSdkResourceMetrics } from '../../src/otlp/sdk-to-protobuf.js';

const ENGINES = ['wasm', 'js'] as const;

/** A reader that only collects on demand. */
class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

function viaProtobuf(rm: ResourceMetrics) {
  const bytes = ProtobufMetricsSerializer.serializeRequest(rm);
  if (!bytes) throw new Error('serializer returned nothing');
  return { bytes, request: decodeExportMetricsRequest(bytes) };
}

/** The RW2 bytes (or the error) each engine builds. */
function built(add: (builder: V2WriteRequestBuilder) => void, engine: (typeof ENGINES)[number]): Uint8Array | string {
  const builder = new V2WriteRequestBuilder({ engine });
  try {
    add(builder);
    return builder.encode();
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

const encoder = new SdkMetricsEncoder();

/** Checks `rm` and returns a copy of the encoder's bytes (its own are overwritten by the next encode). */
function expectSameAsProtobuf(rm: ResourceMetrics): Uint8Array {
  const ours = encoder.encode(rm).slice();
  const { bytes, request } = viaProtobuf(rm);
  expect(decodeExportMetricsRequest(ours)).toStrictEqual(request);
  expect(fromSdkResourceMetrics(rm)).toStrictEqual(request);
  for (const engine of ENGINES) {
    expect(built((b) => b.add(ours), engine)).toStrictEqual(built((b) => b.add(bytes), engine));
  }
  // The general path too (the fast path took the wasm builds above whenever it could).
  expect(built((b) => b.add(ours), 'wasm')).toStrictEqual(built((b) => b.addRequest(request), 'wasm'));
  return ours;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** The milliseconds a point's end time arrives as. */
function endTimeMs(time: [number, number]): number {
  const rm = {
    resource: { attributes: {} },
    scopeMetrics: [{ scope: { name: 's' }, metrics: [{ descriptor: { name: 'g', description: '', unit: '', valueType: SdkValueType.DOUBLE }, dataPointType: SdkDataPointType.GAUGE, aggregationTemporality: SdkAggregationTemporality.CUMULATIVE, dataPoints: [{ attributes: {}, startTime: [0, 0], endTime: time, value: 1 }] }] }],
  } as unknown as ResourceMetrics;
  const metric = decodeExportMetricsRequest(expectSameAsProtobuf(rm)).resourceMetrics[0].scopeMetrics[0].metrics[0];
  return (metric.data as { points: { timeMs: number }[] }).points[0].timeMs;
}

// ---------------------------------------------------------------------------------------------
// Generators

// ProtoReader.string() decodes with a TextDecoder that strips a leading U+FEFF (see the skipped test
// below); keep generated strings from starting with one so the property tests the rest.
const noLeadingBom = (s: string) => (s.startsWith('\uFEFF') ? `x${s}` : s);
const text = fc
  .oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
    // Lone surrogates: TextEncoder writes U+FFFD.
    { weight: 1, arbitrary: fc.constantFrom('\uD800', 'a\uDC00b', '\uDBFF\uD800', '😀\uD83D') },
  )
  .map(noLeadingBom);

const specialNumbers = fc.constantFrom(
  0,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 63),
  2 ** 63,
  2 ** 64,
  -(2 ** 64),
  1e300,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  0.5,
  -1.5,
  4294967295,
  4294967296,
);
const numbers = fc.oneof(fc.integer(), fc.double(), specialNumbers, fc.integer({ min: -(2 ** 31), max: 2 ** 31 }).map((n) => n * 2 ** 30));

/** Every AnyValue kind: string, bool, int, double, bytes, arrays (mixed, nested), kvlist, empty. */
const { attributeValue } = fc.letrec((tie) => ({
  attributeValue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.boolean(),
    numbers,
    fc.uint8Array({ maxLength: 6 }),
    fc.constantFrom(null, undefined),
    fc.array(tie('attributeValue'), { maxLength: 4 }),
    fc.dictionary(text, tie('attributeValue'), { maxKeys: 3 }),
  ),
}));
const attributes = fc.dictionary(text, attributeValue, { maxKeys: 4 });
const optionalText = fc.option(text, { nil: undefined });

const INSTRUMENT_KINDS = [
  'counter',
  'upDownCounter',
  'histogram',
  'exponentialHistogram',
  'histogramNoMinMax',
  'gauge',
  'observableGauge',
  'observableCounter',
  'observableUpDownCounter',
] as const;

const recordedValue = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -1e6, max: 1e6 }), specialNumbers);
const instrument = fc.record({
  kind: fc.constantFrom(...INSTRUMENT_KINDS),
  valueType: fc.constantFrom(ValueType.INT, ValueType.DOUBLE),
  description: optionalText,
  unit: fc.option(fc.constantFrom('s', 'By', '{request}', 'ms', '%', '1'), { nil: undefined }),
  boundaries: fc.option(fc.uniqueArray(fc.integer({ min: -50, max: 500 }), { maxLength: 5 }).map((b) => b.sort((x, y) => x - y)), { nil: undefined }),
  recordings: fc.array(fc.record({ attributes, value: recordedValue }), { maxLength: 5 }),
});
const meter = fc.record({
  name: text,
  version: optionalText,
  schemaUrl: fc.option(fc.constantFrom('https://opentelemetry.io/schemas/1.26.0', 'https://example.com/ü'), { nil: undefined }),
  instruments: fc.array(instrument, { maxLength: 5 }),
});
const scenario = fc.record({
  resource: attributes,
  resourceSchemaUrl: fc.option(fc.constant('https://opentelemetry.io/schemas/1.24.0'), { nil: undefined }),
  temporality: fc.constantFrom(AggregationTemporality.CUMULATIVE, AggregationTemporality.DELTA),
  meters: fc.array(meter, { minLength: 1, maxLength: 3 }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Records the scenario with a real MeterProvider and collects twice (a second round of recordings in between). */
async function collect(s: Scenario): Promise<ResourceMetrics[]> {
  const views: ViewOptions[] = [];
  const recordAll: Array<() => void> = [];
  s.meters.forEach((m, mi) => {
    m.instruments.forEach((spec, ii) => {
      const name = `m${mi}.instrument_${ii}`;
      if (spec.kind === 'exponentialHistogram') {
        views.push({ instrumentName: name, aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 8 } } });
      } else if (spec.kind === 'histogramNoMinMax') {
        views.push({ instrumentName: name, aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: spec.boundaries ?? [0, 10], recordMinMax: false } } });
      }
    });
  });
  const reader = new CollectingReader({ aggregationTemporalitySelector: () => s.temporality });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(s.resource as Record<string, string>, { schemaUrl: s.resourceSchemaUrl }),
    views,
    readers: [reader],
  });
  s.meters.forEach((m, mi) => {
    const sdkMeter = provider.getMeter(m.name, m.version, { schemaUrl: m.schemaUrl });
    m.instruments.forEach((spec, ii) => {
      const name = `m${mi}.instrument_${ii}`;
      const options = { description: spec.description, unit: spec.unit, valueType: spec.valueType };
      type Recordings = typeof spec.recordings;
      const sync = (record: (value: number, attrs: never) => void) => (recordings: Recordings) => {
        for (const r of recordings) record(r.value, r.attributes as never);
      };
      let current: Recordings = [];
      const observe = (result: { observe(value: number, attrs: never): void }) => {
        for (const r of current) result.observe(r.value, r.attributes as never);
      };
      let record: (recordings: Recordings) => void;
      switch (spec.kind) {
        case 'counter': {
          const counter = sdkMeter.createCounter(name, options);
          record = sync((v, a) => counter.add(v, a));
          break;
        }
        case 'upDownCounter': {
          const counter = sdkMeter.createUpDownCounter(name, options);
          record = sync((v, a) => counter.add(v, a));
          break;
        }
        case 'histogram':
        case 'exponentialHistogram':
        case 'histogramNoMinMax': {
          const advice = spec.boundaries ? { explicitBucketBoundaries: spec.boundaries } : undefined;
          const histogram = sdkMeter.createHistogram(name, { ...options, advice });
          record = sync((v, a) => histogram.record(v, a));
          break;
        }
        case 'gauge': {
          const gauge = sdkMeter.createGauge(name, options);
          record = sync((v, a) => gauge.record(v, a));
          break;
        }
        case 'observableGauge':
          sdkMeter.createObservableGauge(name, options).addCallback(observe);
          record = (recordings) => (current = recordings);
          break;
        case 'observableCounter':
          sdkMeter.createObservableCounter(name, options).addCallback(observe);
          record = (recordings) => (current = recordings);
          break;
        case 'observableUpDownCounter':
          sdkMeter.createObservableUpDownCounter(name, options).addCallback(observe);
          record = (recordings) => (current = recordings);
          break;
      }
      recordAll.push(() => record(spec.recordings));
    });
  });
  for (const recordOnce of recordAll) recordOnce();
  const first = await reader.collect();
  // Round two: sync instruments accumulate (cumulative) or start over (delta); observables report again.
  for (const recordOnce of recordAll) recordOnce();
  const second = await reader.collect();
  await provider.shutdown();
  return [first.resourceMetrics, second.resourceMetrics];
}

// ---------------------------------------------------------------------------------------------

describe('SdkMetricsEncoder equals the OTLP protobuf path', () => {
  it('for SDK-collected metrics of every instrument kind, value type and attribute type (property)', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        for (const rm of await collect(s)) expectSameAsProtobuf(rm);
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('for a fixed scenario covering every kind at once', async () => {
    const recordings = [
      { attributes: { route: '/a', code: 200, ok: true, ratio: 0.25, tags: ['x', 'y'], mixed: [1, 'two', false, 2.5, null], big: 2 ** 60 }, value: 3 },
      { attributes: { route: '/b', bytes: new Uint8Array([1, 2, 3]), nested: { k: ['v', { deeper: 1 }] } }, value: 7.5 },
    ];
    const s: Scenario = {
      resource: { 'service.name': 'checkout', 'service.instance.id': 'i-1', 'host.cpu.count': 8, 'deployment.flags': [true, false] },
      resourceSchemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
      temporality: AggregationTemporality.CUMULATIVE,
      meters: ['a', 'b'].map((name, m) => ({
        name: `meter.${name}`,
        version: `1.${m}.0`,
        schemaUrl: m ? 'https://opentelemetry.io/schemas/1.26.0' : undefined,
        instruments: INSTRUMENT_KINDS.flatMap((kind) =>
          [ValueType.INT, ValueType.DOUBLE].map((valueType) => ({ kind, valueType, description: `${kind} help`, unit: 's', boundaries: [0, 5, 10], recordings })),
        ),
      })),
    };
    const collected = await collect(s);
    const types = new Set(collected[0].scopeMetrics.flatMap((sm) => sm.metrics.map((m) => m.dataPointType)));
    expect([...types].sort()).toEqual([DataPointType.HISTOGRAM, DataPointType.EXPONENTIAL_HISTOGRAM, DataPointType.GAUGE, DataPointType.SUM]);
    for (const rm of collected) expectSameAsProtobuf(rm);
    const metrics = decodeExportMetricsRequest(encoder.encode(collected[0])).resourceMetrics[0].scopeMetrics[1].metrics;
    expect(metrics.find((m) => m.name === 'm1.instrument_0')?.data).toMatchObject({ type: 'sum', temporality: 2, monotonic: true, points: [{ value: 3 }, { value: 7 }] });
    expect(metrics.find((m) => m.name === 'm1.instrument_1')?.data).toMatchObject({ type: 'sum', points: [{ value: 3 }, { value: 7.5 }] });
  }, 30_000);
});

describe('hand-built ResourceMetrics: the wire conversions are mirrored exactly', () => {
  const hrTime = fc.tuple(
    fc.oneof(fc.integer({ min: 0, max: 2 ** 34 }), numbers, fc.constantFrom(9_223_372_035, 9_223_372_036, 18_446_744_073, 18_446_744_074)),
    fc.oneof(fc.integer({ min: 0, max: 999_999_999 }), numbers),
  );
  const histogram = fc.record({
    count: numbers,
    sum: fc.option(numbers, { nil: undefined }),
    min: fc.option(numbers, { nil: undefined }),
    max: fc.option(numbers, { nil: undefined }),
    buckets: fc.record({ boundaries: fc.array(numbers, { maxLength: 4 }), counts: fc.array(numbers, { maxLength: 5 }) }),
  });
  const buckets = fc.record({ offset: numbers, bucketCounts: fc.array(numbers, { maxLength: 5 }) });
  const exponential = fc.record({
    count: numbers,
    sum: fc.option(numbers, { nil: undefined }),
    min: fc.option(numbers, { nil: undefined }),
    max: fc.option(numbers, { nil: undefined }),
    scale: fc.oneof(fc.integer({ min: -10, max: 20 }), numbers),
    zeroCount: numbers,
    positive: buckets,
    negative: buckets,
  });
  const point = <T>(value: fc.Arbitrary<T>) => fc.record({ attributes, startTime: hrTime, endTime: hrTime, value });
  const metric = fc.oneof(
    fc.record({ dataPointType: fc.constantFrom(SdkDataPointType.GAUGE, SdkDataPointType.SUM), dataPoints: fc.array(point(numbers), { maxLength: 3 }) }),
    fc.record({ dataPointType: fc.constant(SdkDataPointType.HISTOGRAM), dataPoints: fc.array(point(histogram), { maxLength: 3 }) }),
    fc.record({ dataPointType: fc.constant(SdkDataPointType.EXPONENTIAL_HISTOGRAM), dataPoints: fc.array(point(exponential), { maxLength: 3 }) }),
    fc.record({ dataPointType: fc.constant(99), dataPoints: fc.constant([]) }),
  );
  const resourceMetrics = fc.record({
    resource: fc.record({ attributes, schemaUrl: optionalText }),
    scopeMetrics: fc.array(
      fc.record({
        scope: fc.record({ name: text, version: optionalText, schemaUrl: optionalText, attributes: fc.option(attributes, { nil: undefined }) }),
        metrics: fc.array(
          fc
            .tuple(
              metric,
              fc.record({ name: text, description: text, unit: text, valueType: fc.constantFrom(SdkValueType.INT, SdkValueType.DOUBLE, 7) }),
              fc.constantFrom(SdkAggregationTemporality.DELTA, SdkAggregationTemporality.CUMULATIVE, 5),
              fc.boolean(),
            )
            .map(([data, descriptor, aggregationTemporality, isMonotonic]) => ({ ...data, descriptor, aggregationTemporality, isMonotonic })),
          { maxLength: 4 },
        ),
      }),
      { maxLength: 3 },
    ),
  });

  it('timestamps, int/double values, counts, scales, offsets, strings and attributes (property)', () => {
    fc.assert(
      fc.property(resourceMetrics, (rm) => {
        expectSameAsProtobuf(rm as unknown as ResourceMetrics);
      }),
      { numRuns: 400 },
    );
  }, 120_000);

  it('HrTime -> ms is int64(seconds * 1e9 + nanos) / 1e6, truncated toward zero', () => {
    expect(endTimeMs([1_764_000_000, 123_456_789])).toBe(1_764_000_000_123);
    expect(endTimeMs([0, 999_999])).toBe(0);
    // 2^63 ns and above wrap negative, as Go's int64(uint64) does.
    expect(endTimeMs([9_223_372_036, 854_775_808])).toBe(Number(-(2n ** 63n) / 1_000_000n));
    expect(Object.is(endTimeMs([-0, -0]), 0)).toBe(true);
  });

  it('an attribute value nested deeper than the decoder allows fails the same way', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = [deep];
    const rm = { resource: { attributes: { deep } }, scopeMetrics: [] } as unknown as ResourceMetrics;
    expect(() => viaProtobuf(rm)).toThrow(expect.objectContaining({ code: OtlpErrorCode.TOO_DEEP }));
    expect(() => encoder.encode(rm)).toThrow(OtlpDecodeError);
    expect(() => encoder.encode(rm)).toThrow(expect.objectContaining({ code: OtlpErrorCode.TOO_DEEP, path: 'resourceMetrics[0]' }));
    // A cycle (which the serializer would recurse on forever) stops at the same limit.
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => encoder.encode({ resource: { attributes: { cycle } }, scopeMetrics: [] } as unknown as ResourceMetrics)).toThrow(OtlpDecodeError);
    // In a data point the error names the point; the encoder is fine afterwards.
    const point = { attributes: { deep }, startTime: [1, 0], endTime: [2, 0], value: 1 };
    const inPoint = {
      resource: { attributes: {} },
      scopeMetrics: [{ scope: { name: 's' }, metrics: [{ descriptor: { name: 'g', description: '', unit: '', valueType: SdkValueType.DOUBLE }, dataPointType: SdkDataPointType.GAUGE, aggregationTemporality: SdkAggregationTemporality.CUMULATIVE, dataPoints: [point, point] }] }],
    } as unknown as ResourceMetrics;
    expect(() => encoder.encode(inPoint)).toThrow(expect.objectContaining({ code: OtlpErrorCode.TOO_DEEP, path: 'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0]' }));
    point.attributes.deep = 'shallow';
    expectSameAsProtobuf(inPoint);
  });

  it('scalar point attributes written from the cache equal the protobuf path, per key and value', () => {
    // Values that Map keys could confuse: "1" / 1 / true / 1.5, 0 and -0 (both int 0 on the wire), NaN,
    // lone surrogates (U+FFFD), and non-scalars that are written per point.
    const values: unknown[] = ['1', 1, true, 1.5, 0, -0, Number.NaN, 2 ** 63, 'a\uD800', ['x'], { k: 'v' }, new Uint8Array([1]), null];
    const dataPoints = values.flatMap((v, i) => [
      { attributes: { v, [`k\uDC00${i % 2}`]: 'same' }, startTime: [1, 0], endTime: [2, 0], value: i },
      { attributes: { v, [`k\uDC00${i % 2}`]: 'same' }, startTime: [1, 0], endTime: [3, 0], value: i },
    ]);
    const metric = (name: string, dataPointType: number) => ({
      descriptor: { name, description: '', unit: '', valueType: SdkValueType.DOUBLE },
      dataPointType,
      aggregationTemporality: SdkAggregationTemporality.CUMULATIVE,
      dataPoints:
        dataPointType === SdkDataPointType.GAUGE
          ? dataPoints
          : dataPoints.map((p) => ({ ...p, value: { count: 1, sum: 1, scale: 0, zeroCount: 0, positive: { offset: 0, bucketCounts: [1] }, negative: { offset: 0, bucketCounts: [] }, buckets: { boundaries: [1], counts: [1, 0] } } })),
    });
    // Each point type keeps its attributes in another field number: the cached bytes serve all three.
    const rm = {
      resource: { attributes: {} },
      scopeMetrics: [{ scope: { name: 's' }, metrics: [metric('a', SdkDataPointType.GAUGE), metric('b', SdkDataPointType.HISTOGRAM), metric('c', SdkDataPointType.EXPONENTIAL_HISTOGRAM)] }],
    } as unknown as ResourceMetrics;
    const first = expectSameAsProtobuf(rm);
    const points = (decodeExportMetricsRequest(first).resourceMetrics[0].scopeMetrics[0].metrics[0].data as { points: { attributes: { key: string; value: unknown }[] }[] }).points;
    // 0 and -0 are one attribute (int 0); "1", 1 and true are three.
    expect(points[8].attributes[0]).toStrictEqual(points[10].attributes[0]);
    expect(new Set([points[0], points[2], points[4]].map((p) => JSON.stringify(p.attributes[0].value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)))).size).toBe(3);
    // A key with a lone surrogate is well-formed, like the protobuf path's.
    expect(points[0].attributes[1].key).toBe('k\uFFFD0');
    // A second encode (from the caches) and a fresh encoder write the same bytes.
    expect(encoder.encode(rm)).toStrictEqual(first);
    expect(new SdkMetricsEncoder().encode(rm)).toStrictEqual(first);
  });

  it('an encoder whose attribute cache fills up starts it over and writes the same bytes', () => {
    const fresh = new SdkMetricsEncoder();
    const points = (from: number) =>
      Array.from({ length: 6_000 }, (_, i) => ({ attributes: { id: `v${from + i}`, n: from + i, shared: 'x' }, startTime: [1, 0], endTime: [2, 0], value: i }));
    const rm = (from: number) =>
      ({
        resource: { attributes: {} },
        scopeMetrics: [{ scope: { name: 's' }, metrics: [{ descriptor: { name: 'g', description: '', unit: '', valueType: SdkValueType.INT }, dataPointType: SdkDataPointType.SUM, aggregationTemporality: SdkAggregationTemporality.CUMULATIVE, isMonotonic: true, dataPoints: points(from) }] }],
      }) as unknown as ResourceMetrics;
    // 12,001 entries per export: the second export passes the 16,384 cap and the third runs on the new cache.
    for (const from of [0, 6_000, 0, 12_000]) {
      const bytes = fresh.encode(rm(from));
      expect(equalBytes(bytes, new SdkMetricsEncoder().encode(rm(from)))).toBe(true);
    }
    expect(decodeExportMetricsRequest(fresh.encode(rm(3_000)))).toStrictEqual(viaProtobuf(rm(3_000)).request);
    // Without the bound the exports above would have left 36,001 entries.
    expect((fresh as unknown as { cachedKeyValues: number }).cachedKeyValues).toBeLessThanOrEqual(16_384);
  }, 30_000);

  it('an attributes object written before is written again as it is now (mutated, reordered, non-scalar)', () => {
    const attributes: Record<string, unknown> = { a: 'x', b: 1, n: Number.NaN };
    const rm = {
      resource: { attributes: {} },
      scopeMetrics: [{ scope: { name: 's' }, metrics: [{ descriptor: { name: 'g', description: '', unit: '', valueType: SdkValueType.DOUBLE }, dataPointType: SdkDataPointType.GAUGE, aggregationTemporality: SdkAggregationTemporality.CUMULATIVE, dataPoints: [{ attributes, startTime: [1, 0], endTime: [2, 0], value: 1 }] }] }],
    } as unknown as ResourceMetrics;
    const own = new SdkMetricsEncoder();
    const changes: Array<() => void> = [
      () => {}, // unchanged (NaN is still NaN)
      () => (attributes.b = 2),
      () => (attributes.b = '2'),
      () => (attributes.b = -0),
      () => (attributes.b = 0),
      () => (attributes.b = Number.NaN),
      () => (attributes.c = true),
      () => delete attributes.a,
      () => (attributes.a = 'x'), // now after b, n, c
      () => (attributes.list = ['v']),
      () => ((attributes.list as string[])[0] = 'w'), // inside an array: never taken from a cache
      () => delete attributes.list,
      () => (attributes.n = 1.5),
    ];
    for (const change of changes) {
      change();
      const bytes = own.encode(rm);
      expect(equalBytes(bytes, new SdkMetricsEncoder().encode(rm))).toBe(true);
      expect(decodeExportMetricsRequest(bytes)).toStrictEqual(viaProtobuf(rm).request);
    }
    // The same object in a histogram point: attributes in another field number.
    const histogram = { count: 1, sum: 1, buckets: { boundaries: [1], counts: [1, 0] } };
    const asHistogram = {
      resource: { attributes: {} },
      scopeMetrics: [{ scope: { name: 's' }, metrics: [{ descriptor: { name: 'h', description: '', unit: '', valueType: SdkValueType.DOUBLE }, dataPointType: SdkDataPointType.HISTOGRAM, aggregationTemporality: SdkAggregationTemporality.CUMULATIVE, dataPoints: [{ attributes, startTime: [1, 0], endTime: [2, 0], value: histogram }] }] }],
    } as unknown as ResourceMetrics;
    expect(decodeExportMetricsRequest(own.encode(asHistogram))).toStrictEqual(viaProtobuf(asHistogram).request);
  });

  it('a string starting with U+FEFF keeps it on both paths', () => {
    const rm = { resource: { attributes: { a: '\uFEFFx' } }, scopeMetrics: [] } as unknown as ResourceMetrics;
    expect(decodeExportMetricsRequest(encoder.encode(rm))).toStrictEqual(viaProtobuf(rm).request);
  });
});

describe('SDK enum values copied into sdk-to-protobuf.ts (it imports types only)', () => {
  it('match @opentelemetry/sdk-metrics and @opentelemetry/api', () => {
    expect(SdkDataPointType).toEqual({
      HISTOGRAM: DataPointType.HISTOGRAM,
      EXPONENTIAL_HISTOGRAM: DataPointType.EXPONENTIAL_HISTOGRAM,
      GAUGE: DataPointType.GAUGE,
      SUM: DataPointType.SUM,
    });
    expect(SdkAggregationTemporality).toEqual({ DELTA: AggregationTemporality.DELTA, CUMULATIVE: AggregationTemporality.CUMULATIVE });
    expect(SdkValueType).toEqual({ INT: ValueType.INT, DOUBLE: ValueType.DOUBLE });
    expect(Object.keys(InstrumentType)).toHaveLength(7);
  });

  it('the compiled module has no runtime import of an @opentelemetry package', () => {
    const source = readFileSync(new URL('../../src/otlp/sdk-to-protobuf.ts', import.meta.url), 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true } }).outputText;
    expect(js).not.toMatch(/(?:from|import\s*\(|require\s*\()\s*['"]@opentelemetry\//);
    expect(js).toMatch(/from '.\/decode-protobuf-common.js'/);
  });
});
