// Limits (src/limits.ts): each one exceeded raises a LimitError naming it, with the limit and the
// value seen; add() is rolled back, the builder and its engine stay usable, on both engines alike.
import { describe, expect, it } from 'vitest';
import { V2WriteRequestBuilder, type BuilderOptions } from '../../src/builder/builder.js';
import { Otlp2PrwError } from '../../src/errors.js';
import { DEFAULT_LIMITS, LimitError, type LimitName, resolveLimits, utf8ByteLength } from '../../src/limits.js';
import { readWriteRequest } from '../../src/rw/read.js';
import { encodeOtlp } from '../support/proto.js';

const ENGINES = ['wasm', 'js'] as const;
const T = '1700000000000000000';

/** One gauge with a point per attribute set. */
function gaugeRequest(name: string, pointAttributes: Array<Record<string, string>>, resource: Record<string, string> = { 'service.name': 'api' }) {
  const kvs = (entries: Record<string, string>) => Object.entries(entries).map(([key, value]) => ({ key, value: { stringValue: value } }));
  return {
    resourceMetrics: [
      {
        resource: { attributes: kvs(resource) },
        scopeMetrics: [{ metrics: [{ name, gauge: { dataPoints: pointAttributes.map((attributes) => ({ attributes: kvs(attributes), timeUnixNano: T, asDouble: 1 })) } }] }],
      },
    ],
  };
}

function thrown(body: () => unknown): unknown {
  try {
    body();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function expectLimit(error: unknown, limit: LimitName, max: number, actual: number): void {
  expect(error).toBeInstanceOf(LimitError);
  expect(error).toBeInstanceOf(Otlp2PrwError);
  expect(error).toMatchObject({ name: 'LimitError', code: 'limit_exceeded', limit, max, actual });
  expect((error as Error).message).toContain(limit);
}

describe('resolveLimits', () => {
  it('defaults: 32 MiB request and decompressed bodies, 1M series, 512 labels, 4 KiB names, 64 KiB values, 2^22 symbols', () => {
    expect(resolveLimits()).toEqual({
      maxRequestBytes: 33554432,
      maxDecompressedBytes: 33554432,
      maxSeries: 1000000,
      maxLabelsPerSeries: 512,
      maxLabelNameBytes: 4096,
      maxLabelValueBytes: 65536,
      maxSymbols: 4194304,
    });
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true);
  });

  it('accepts positive integers and Infinity, refuses anything else and unknown names', () => {
    expect(resolveLimits({ maxSeries: 10, maxSymbols: Number.POSITIVE_INFINITY })).toMatchObject({ maxSeries: 10, maxSymbols: Number.POSITIVE_INFINITY });
    for (const bad of [0, -1, 1.5, Number.NaN, '10']) expect(() => resolveLimits({ maxSeries: bad as number })).toThrow(RangeError);
    expect(() => resolveLimits({ maxSerie: 1 } as never)).toThrow(/unknown limit "maxSerie"/);
  });

  it('counts UTF-8 bytes as TextEncoder writes them', () => {
    for (const s of ['', 'abc', 'é', '€', '🙂', 'a\ud800b', '\udc00', 'x🙂é€']) expect(utf8ByteLength(s)).toBe(new TextEncoder().encode(s).length);
  });
});

describe.each(ENGINES)('limits on V2WriteRequestBuilder (%s engine)', (engine) => {
  const make = (limits: BuilderOptions['limits']) => new V2WriteRequestBuilder({ engine, limits });
  const first = encodeOtlp(gaugeRequest('first', [{ a: '1' }]));

  function expectRolledBack(builder: V2WriteRequestBuilder, before: Uint8Array): void {
    expect(Buffer.from(builder.encode()).equals(Buffer.from(before))).toBe(true);
    // And still usable: a good request after the failure gives what a fresh builder gives.
    const next = encodeOtlp(gaugeRequest('next', [{ b: '2' }]));
    const fresh = new V2WriteRequestBuilder({ engine }).add(first).add(next).encode();
    expect(Buffer.from(builder.add(next).encode()).equals(Buffer.from(fresh))).toBe(true);
  }

  it('maxSeries: counts series across add() calls; the request that crosses it is rolled back', () => {
    // Each request below makes its gauge series plus target_info? No: the resource has only service.name.
    const builder = make({ maxSeries: 3 }).add(first);
    const before = builder.encode();
    const error = thrown(() => builder.add(encodeOtlp(gaugeRequest('wide', [{ a: '1' }, { a: '2' }, { a: '3' }]))));
    expectLimit(error, 'maxSeries', 3, 4);
    expect(builder.stats.series).toBe(1);
    expectRolledBack(builder, before);
  });

  it('maxLabelsPerSeries: __name__ and job count', () => {
    const builder = make({ maxLabelsPerSeries: 3 }).add(first); // __name__, a, job
    const before = builder.encode();
    expectLimit(thrown(() => builder.add(encodeOtlp(gaugeRequest('g', [{ a: '1', b: '2' }])))), 'maxLabelsPerSeries', 3, 4);
    expectRolledBack(builder, before);
  });

  it('maxLabelNameBytes and maxLabelValueBytes count UTF-8 bytes, not UTF-16 units', () => {
    const builder = make({ maxLabelNameBytes: 8, maxLabelValueBytes: 5 }).add(first); // "__name__" is 8
    const before = builder.encode();
    expectLimit(thrown(() => builder.add(encodeOtlp(gaugeRequest('g', [{ abcdefghi: '1' }])))), 'maxLabelNameBytes', 8, 9);
    expectLimit(thrown(() => builder.add(encodeOtlp(gaugeRequest('g', [{ a: '€€' }])))), 'maxLabelValueBytes', 5, 6);
    // The metric name is __name__'s value.
    expectLimit(thrown(() => builder.add(encodeOtlp(gaugeRequest('longer', [{}])))), 'maxLabelValueBytes', 5, 6);
    expectRolledBack(builder, before);
  });

  it('byte limits hold for a long string that arrives after sets of short ones, in one request and later', () => {
    // Strings up to a third of the smaller limit skip measuring (series-table.ts couldBeOversized).
    const limits = { maxLabelNameBytes: 30, maxLabelValueBytes: 12 };
    const short: Array<Record<string, string>> = [{ a: '1' }, { a: '2' }, { b: '1234' }];
    // 4 characters, 12 bytes: at the limit, still fine.
    expect(() => make(limits).add(encodeOtlp(gaugeRequest('g', [...short, { a: '€€€€' }])))).not.toThrow();
    expectLimit(thrown(() => make(limits).add(encodeOtlp(gaugeRequest('g', [...short, { a: '€€€€x' }])))), 'maxLabelValueBytes', 12, 13);
    expectLimit(thrown(() => make(limits).add(encodeOtlp(gaugeRequest('g', [...short, { ['n'.repeat(31)]: '1' }])))), 'maxLabelNameBytes', 30, 31);
    const builder = make(limits).add(encodeOtlp(gaugeRequest('g', short)));
    const before = builder.encode();
    expectLimit(thrown(() => builder.add(encodeOtlp(gaugeRequest('g', [{ c: '1' }, { c: '€€€€x' }])))), 'maxLabelValueBytes', 12, 13);
    expect(Buffer.from(builder.encode()).equals(Buffer.from(before))).toBe(true);
  });

  it('maxRequestBytes: protobuf bytes and JSON text as UTF-8, before decoding', () => {
    expect(first.length).toBeLessThan(100);
    const builder = make({ maxRequestBytes: 100 }).add(first);
    const before = builder.encode();
    expectLimit(thrown(() => builder.add(new Uint8Array(101))), 'maxRequestBytes', 100, 101);
    expectLimit(thrown(() => builder.add(new Uint8Array(101), 'json')), 'maxRequestBytes', 100, 101);
    expectLimit(thrown(() => builder.add('é'.repeat(60))), 'maxRequestBytes', 100, 120);
    expectLimit(thrown(() => builder.add('x'.repeat(101))), 'maxRequestBytes', 100, 101);
    // Under the limit, bad bytes are still a decode error, not a limit error.
    expect(thrown(() => builder.add('é'.repeat(20)))).toMatchObject({ name: 'OtlpDecodeError', code: 'invalid_json' });
    expectRolledBack(builder, before);
  });

  it('maxSymbols: checked per Remote-Write request when it is assembled, before the engine is touched', () => {
    // Symbols of `first`: "", __name__, first, a, 1, job, api.
    const wanted = make({ maxSymbols: 7 }).add(first).encode();
    const builder = make({ maxSymbols: 6 }).add(first);
    expectLimit(thrown(() => builder.encode()), 'maxSymbols', 6, 7);
    expectLimit(thrown(() => builder.build()), 'maxSymbols', 6, 7);
    // Smaller requests stay under it: each request of encodeRequests has its own symbols table.
    const two = make({ maxSymbols: 7 }).add(first).add(encodeOtlp(gaugeRequest('other', [{ a: '1' }])));
    expectLimit(thrown(() => two.encode()), 'maxSymbols', 7, 8);
    const split = two.encodeRequests({ maxSeriesPerRequest: 1, compress: false });
    expect(split.map((request) => readWriteRequest(request.body, { compressed: false }).symbols.length)).toEqual([7, 7]);
    expect(Buffer.from(split[0].body).equals(Buffer.from(wanted))).toBe(true);
    // After the errors the builder and its engine are intact: a roomier builder state encodes fine.
    expect(Buffer.from(builder.reset().add(encodeOtlp(gaugeRequest('f', [{}]))).encode()).length).toBeGreaterThan(0);
  });

  it('is enforced the same way on both engines: the limits run before the engine sees anything', () => {
    const errors = ENGINES.map((kind) =>
      thrown(() => new V2WriteRequestBuilder({ engine: kind, limits: { maxSeries: 1 } }).add(encodeOtlp(gaugeRequest('g', [{ a: '1' }, { a: '2' }])))),
    );
    expect((errors[0] as Error).message).toBe((errors[1] as Error).message);
  });
});

describe.each(ENGINES)('prototype keys are ordinary labels (%s engine)', (engine) => {
  const KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__'];

  it('as resource, scope, data point and kvlist attribute keys, and as external labels', () => {
    const attributes = KEYS.map((key) => ({ key, value: { stringValue: `v${key}` } }));
    const request = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }, ...attributes] },
          scopeMetrics: [
            {
              scope: { name: 'lib', attributes },
              metrics: [
                {
                  name: 'constructor',
                  gauge: {
                    dataPoints: [
                      { attributes: [...attributes, { key: 'nested', value: { kvlistValue: { values: attributes } } }], timeUnixNano: T, asDouble: 1 },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    // An own "__proto__" member (as JSON.parse makes) and an inherited enumerable one that must be ignored.
    const externalLabels = Object.assign(Object.create({ inherited: 'no' }), JSON.parse('{"__proto__": "ext", "constructor": "ext2"}'));
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    for (const input of [encodeOtlp(request), JSON.stringify(request), JSON.parse(JSON.stringify(request))]) {
      const builder = new V2WriteRequestBuilder({ engine, promoteAllResourceAttributes: true, promoteScopeMetadata: true, externalLabels });
      const read = readWriteRequest(builder.add(input).encodeSnappy());
      const series = read.timeseries.find((s) => s.labels.some((l) => l.name === '__name__' && l.value === 'constructor'));
      const labels = new Map((series?.labels ?? []).map((l) => [l.name, l.value]));
      // Data point attributes win over external labels of the same name (set only where absent).
      for (const key of KEYS) {
        expect(labels.get(key)).toBe(`v${key}`);
        expect(labels.get(`otel_scope_${key}`)).toBe(`v${key}`);
      }
      expect(labels.has('inherited')).toBe(false);
      expect(labels.get('nested')).toContain('__proto__');
    }
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an own "__proto__" external label is added like any other', () => {
    const externalLabels = JSON.parse('{"__proto__": "ext"}') as Record<string, string>;
    const builder = new V2WriteRequestBuilder({ engine, externalLabels });
    const read = readWriteRequest(builder.add(encodeOtlp(gaugeRequest('g', [{}]))).encodeSnappy());
    expect(read.timeseries[0].labels).toContainEqual({ name: '__proto__', value: 'ext' });
  });

  it('refuses a non-string external label value', () => {
    expect(() => new V2WriteRequestBuilder({ engine, externalLabels: { a: 1 as unknown as string } })).toThrow(TypeError);
  });
});

describe.each(ENGINES)('absurd timestamps pass through, converted as Prometheus does (%s engine)', (engine) => {
  it('2^63 ns (int64 min after Go wraps it) and uint64 max become ms timestamps; Prometheus TSDB decides', () => {
    for (const [ns, ms] of [
      ['9223372036854775808', -9223372036854],
      ['18446744073709551615', 0],
      ['9223372036854775807', 9223372036854],
    ] as const) {
      const request = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: [{ timeUnixNano: ns, asDouble: 1 }] } }] }] }] };
      const read = readWriteRequest(new V2WriteRequestBuilder({ engine }).add(encodeOtlp(request)).encodeSnappy());
      expect(read.timeseries[0].samples[0].timestamp).toBe(ms);
    }
  });
});
