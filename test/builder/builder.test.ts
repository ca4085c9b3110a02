import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError, TranslationError, V2WriteRequestBuilder, readWriteRequest } from '../../src/index.js';
import { decodeExportMetricsRequest } from '../../src/otlp/decode-protobuf.js';
import { exportRequest, gauge, resourceMetrics, sum } from '../support/otlp.js';
import { decodeRw1, decodeRw2, encodeOtlp, varintBytes as varint } from '../support/proto.js';

const T = 1_764_000_000_000;
const ENGINES = ['wasm', 'js'] as const;

function sampleRequest(offsetMs = 0) {
  return exportRequest(
    resourceMetrics({ 'service.name': 'api', 'host.name': 'h1' }, [
      {
        name: 'lib',
        metrics: [
          sum({ name: 'requests', unit: '{request}', description: 'Requests' }, [
            { value: 5n, timeMs: T + offsetMs, startMs: T - 60_000, attributes: { code: '200' } },
            { value: 1n, timeMs: T + offsetMs, startMs: T - 60_000, attributes: { code: '500' } },
          ]),
          gauge({ name: 'temperature', unit: 'Cel' }, [{ value: 21.5, timeMs: T + offsetMs }]),
        ],
      },
    ]),
  );
}

describe.each(ENGINES)('V2WriteRequestBuilder (%s engine)', (engine) => {
  it('round trip: build() equals what the reader decodes from encodeSnappy(), and what protobufjs decodes', () => {
    const builder = new V2WriteRequestBuilder({ engine }).add(sampleRequest());
    const built = builder.build();
    const read = readWriteRequest(builder.encodeSnappy());
    expect(read.symbols).toEqual(built.symbols);
    expect(read.timeseries.map(({ labelsRefs, samples, histograms, exemplars, metadata }) => ({ labelsRefs, samples, histograms, exemplars, metadata }))).toEqual(
      built.timeseries,
    );
    const independent = decodeRw2(builder.encode());
    expect(independent.symbols).toEqual(built.symbols);
    expect(independent.timeseries.map((series: { labelsRefs: number[] }) => series.labelsRefs)).toEqual(built.timeseries.map((series) => series.labelsRefs));
    expect(independent.timeseries[0].samples[0]).toMatchObject({ value: 5, timestamp: T, startTimestamp: T - 60_000 });
  });

  it('interns every string once and numbers symbols in first-use order', () => {
    const built = new V2WriteRequestBuilder({ engine }).add(sampleRequest()).build();
    expect(built.symbols[0]).toBe('');
    expect(new Set(built.symbols).size).toBe(built.symbols.length);
    const firstUse = built.timeseries.flatMap((series) => [...series.labelsRefs, series.metadata.helpRef, series.metadata.unitRef]);
    const order = [...new Set([0, ...firstUse])];
    expect(order).toEqual(built.symbols.map((_, index) => index));
  });

  it('is reusable after reset(): the same input gives the same bytes and stats start over', () => {
    const builder = new V2WriteRequestBuilder({ engine });
    const first = builder.add(sampleRequest()).encode();
    builder.reset();
    expect(builder.stats).toMatchObject({ requests: 0, series: 0, samples: 0, symbols: 0 });
    builder.add(exportRequest(resourceMetrics({}, [{ metrics: [gauge({ name: 'other' }, [{ value: 1, timeMs: T }])] }])));
    builder.reset();
    expect(Buffer.from(builder.add(sampleRequest()).encode()).equals(Buffer.from(first))).toBe(true);
  });

  it('merges the same series from several requests into one TimeSeries with samples in time order', () => {
    const builder = new V2WriteRequestBuilder({ engine });
    builder.add(sampleRequest(30_000)).add(sampleRequest(0));
    const request = readWriteRequest(builder.encodeSnappy());
    const requests200 = request.timeseries.find((series) => series.labels.some((label) => label.value === '200'));
    expect(requests200?.samples.map((sample) => sample.timestamp)).toEqual([T, T + 30_000]);
    expect(builder.stats).toMatchObject({ requests: 2, series: 4, samples: 8 });
  });

  it('keeps the later of two samples at one timestamp and counts the conflict', () => {
    const builder = new V2WriteRequestBuilder({ engine });
    const request = (value: number) => exportRequest(resourceMetrics({}, [{ metrics: [gauge({ name: 'g' }, [{ value, timeMs: T }])] }]));
    builder.add(request(1)).add(request(2));
    expect(builder.build().timeseries[0].samples).toEqual([{ value: 2, timestamp: T, startTimestamp: 0 }]);
    expect(builder.stats.dropped.points.duplicate_timestamp).toBe(1);
  });

  it('counts dropped metrics with their reason', () => {
    const builder = new V2WriteRequestBuilder({ engine });
    builder.add(
      exportRequest(
        resourceMetrics({}, [
          {
            metrics: [
              sum({ name: 'delta', temporality: 1 }, [{ value: 1n, timeMs: T }, { value: 2n, timeMs: T + 1 }]),
              { name: 'nothing' },
              gauge({ name: '...' }, [{ value: 1, timeMs: T }]),
              gauge({ name: 'ok' }, [{ value: 1, timeMs: T }]),
            ],
          },
        ]),
      ),
    );
    const { dropped, series } = builder.stats;
    expect(series).toBe(1);
    expect(dropped.metrics).toBe(3);
    expect(dropped.points).toMatchObject({ delta_temporality: 2, unsupported_metric_type: 0, invalid_metric_name: 1 });
    expect(dropped.recent.map((drop) => drop.reason)).toEqual(['delta_temporality', 'unsupported_metric_type', 'invalid_metric_name']);
  });

  it('counts the data points of the requests added, translated or dropped, however they came in', () => {
    const builder = new V2WriteRequestBuilder({ engine });
    // Protobuf (the wasm engine's fast path takes the first one), the decoded shape, then a replay of
    // the fast request under a second add: 3 points each.
    builder.add(encodeOtlp(sampleRequest()));
    expect(builder.stats.dataPoints).toBe(3);
    builder.add(sampleRequest(1000)).add(encodeOtlp(sampleRequest(2000)));
    expect(builder.stats).toMatchObject({ requests: 3, dataPoints: 9 });
    // Dropped points count too (a delta sum's 2); a metric without data has none.
    builder.add(exportRequest(resourceMetrics({}, [{ metrics: [sum({ name: 'delta', temporality: 1 }, [{ value: 1n, timeMs: T }, { value: 2n, timeMs: T + 1 }]), { name: 'nothing' }] }])));
    expect(builder.stats.dataPoints).toBe(11);
    builder.reset();
    expect(builder.stats.dataPoints).toBe(0);
  });

  it('leaves nothing half-written when a request fails to decode or is rejected', () => {
    const builder = new V2WriteRequestBuilder({ engine, onInvalidMetric: 'reject' });
    builder.add(sampleRequest());
    const before = builder.encode();
    const statsBefore = builder.stats;
    const bytes = encodeOtlp(sampleRequest(1000));
    expect(() => builder.add(bytes.subarray(0, bytes.length - 5))).toThrowError(OtlpDecodeError);
    const rejected = exportRequest(
      resourceMetrics({ 'service.name': 'api', 'host.name': 'h1' }, [
        { metrics: [gauge({ name: 'fine' }, [{ value: 1, timeMs: T + 5 }]), sum({ name: 'bad', temporality: 1 }, [{ value: 1n, timeMs: T }])] },
      ]),
    );
    expect(() => builder.add(rejected)).toThrowError(TranslationError);
    expect(Buffer.from(builder.encode()).equals(Buffer.from(before))).toBe(true);
    expect(builder.stats).toEqual(statsBefore);
    // Still usable.
    builder.add(sampleRequest(1000));
    expect(builder.stats.requests).toBe(2);
  });

  it('translates protobuf one resource at a time with the outcome of decoding the whole request first', () => {
    const rejected = exportRequest(
      resourceMetrics({ 'service.name': 'api', 'host.name': 'h2' }, [{ metrics: [sum({ name: 'bad', temporality: 1 }, [{ value: 1n, timeMs: T }])] }]),
    );
    const good = encodeOtlp(sampleRequest());
    // Repeated fields concatenate: these are two-resource requests.
    const twoGood = Buffer.concat([good, encodeOtlp(sampleRequest(1000))]);
    const builder = new V2WriteRequestBuilder({ engine, onInvalidMetric: 'reject' });
    const whole = new V2WriteRequestBuilder({ engine, onInvalidMetric: 'reject' }).addRequest(decodeExportMetricsRequest(twoGood));
    expect(Buffer.from(builder.add(twoGood).encode()).equals(Buffer.from(whole.encode()))).toBe(true);
    const before = builder.encode();
    const statsBefore = builder.stats;
    // Resource 0 is rejected, resource 1 is malformed: the decode error wins, as when decoding came first.
    const rejectedThenMalformed = Buffer.concat([encodeOtlp(rejected), good.subarray(0, good.length - 5)]);
    expect(() => builder.add(rejectedThenMalformed)).toThrowError(expect.objectContaining({ name: 'OtlpDecodeError', path: expect.stringMatching(/^resourceMetrics\[1\]/) }));
    // Resource 0 is translated, resource 1 is rejected: nothing of resource 0 stays.
    expect(() => builder.add(Buffer.concat([encodeOtlp(sampleRequest(2000)), encodeOtlp(rejected)]))).toThrowError(TranslationError);
    // Resource 0 is translated, resource 1 is malformed.
    expect(() => builder.add(Buffer.concat([encodeOtlp(sampleRequest(3000)), good.subarray(0, good.length - 5)]))).toThrowError(OtlpDecodeError);
    expect(Buffer.from(builder.encode()).equals(Buffer.from(before))).toBe(true);
    expect(builder.stats).toEqual(statsBefore);
  });

  it('encodes the same series as RW1 with labels spelled out and one metadata entry per family', () => {
    const builder = new V2WriteRequestBuilder({ engine }).add(sampleRequest());
    const v1 = decodeRw1(builder.encodeV1());
    const v2 = readWriteRequest(builder.encodeSnappy());
    expect(v1.timeseries.map((series: { labels: unknown }) => series.labels)).toEqual(v2.timeseries.map((series) => series.labels));
    expect(v1.metadata.map((m: { metricFamilyName: string }) => m.metricFamilyName).sort()).toEqual(['requests_total', 'target_info', 'temperature_celsius']);
    expect(readWriteRequest(builder.encodeV1Snappy(), { protobufMessage: 'v1' }).timeseries).toHaveLength(v2.timeseries.length);
  });

  it('writes rc.3 created_timestamp (TimeSeries field 6) only when asked', () => {
    const plain = new V2WriteRequestBuilder({ engine }).add(sampleRequest()).encode();
    const withField = new V2WriteRequestBuilder({ engine, createdTimestampField: true }).add(sampleRequest()).encode();
    // Two series (the counter's) have a start time: each gains tag 0x30 + varint(T - 60000), 6 bytes.
    expect(withField.length - plain.length).toBe(2 * (1 + 6));
    const start = Buffer.from([0x30, ...varint(T - 60_000)]);
    expect(Buffer.from(withField).indexOf(start)).toBeGreaterThan(0);
    expect(Buffer.from(plain).indexOf(start)).toBe(-1);
    // rc.4 readers skip the field.
    expect(readWriteRequest(withField, { compressed: false }).timeseries).toHaveLength(4);
  });
});

describe('engines produce byte-identical requests (property)', () => {
  const label = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('service.name', 'http.route', 'le', '__name__', '_x', '9lives', 'ключ', '🙂'));
  const value = fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(BigInt), fc.double({ noNaN: false }), fc.boolean());
  const attributesArb = fc.dictionary(label, value, { maxKeys: 5 });
  const point = fc.record({
    value: fc.oneof(fc.double(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
    timeMs: fc.integer({ min: 0, max: 2_000_000_000_000 }),
    startMs: fc.option(fc.integer({ min: 0, max: 2_000_000_000_000 }), { nil: undefined }),
    attributes: attributesArb,
    flags: fc.constantFrom(0, 1),
  });
  const metric = fc.tuple(fc.constantFrom('gauge', 'sum'), label, fc.constantFrom('', 's', 'By', '1', '{x}', 'ms/s'), fc.boolean(), fc.array(point, { maxLength: 4 })).map(
    ([type, name, unit, monotonic, points]) => (type === 'gauge' ? gauge({ name, unit }, points) : sum({ name, unit, monotonic }, points)),
  );
  const request = fc.array(fc.tuple(attributesArb, fc.array(metric, { maxLength: 4 })), { minLength: 1, maxLength: 3 }).map((resources) =>
    exportRequest(...resources.map(([attributes, metrics]) => resourceMetrics(attributes as never, [{ metrics }]))),
  );

  it('for random requests, wasm and js bytes are equal and the reader accepts them', () => {
    const wasm = new V2WriteRequestBuilder({ engine: 'wasm' });
    const js = new V2WriteRequestBuilder({ engine: 'js' });
    fc.assert(
      fc.property(request, (input) => {
        wasm.reset().add(input);
        js.reset().add(input);
        const a = wasm.encode();
        const b = js.encode();
        expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
        if (wasm.stats.series > 0) readWriteRequest(a, { compressed: false });
      }),
      { numRuns: 300 },
    );
  });
});
