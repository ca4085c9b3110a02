import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../../src/otlp/errors.js';
import { decodeExportMetricsRequestJson } from '../../src/otlp/decode-json.js';
import { decodeExportMetricsRequest } from '../../src/otlp/decode-protobuf.js';
import { encodeOtlp, varintBytes } from '../support/proto.js';
import { exportRequest, gauge, resourceMetrics, sum } from '../support/otlp.js';

const T = 1_764_000_000_000;

function richRequest() {
  return exportRequest(
    resourceMetrics({ 'service.name': 'api', 'host.cpu.count': 8, 'feature.on': true, ratio: { double: 0.25 }, tags: ['a', 'b'] }, [
      {
        name: 'scope-a',
        version: '1.0',
        attributes: { team: 'core' },
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        metrics: [
          gauge({ name: 'temperature', unit: 'Cel', description: 'room temperature' }, [
            { value: 21.5, timeMs: T, attributes: { room: 'kitchen' } },
            { value: -3, timeMs: T + 1000, attributes: { room: 'garden' }, flags: 1 },
          ]),
          sum({ name: 'requests', monotonic: true }, [{ value: 12n, timeMs: T, startMs: T - 60_000, attributes: { code: 200 } }]),
        ],
      },
    ]),
  );
}

describe('OTLP protobuf and JSON decoders agree', () => {
  it('decode the same request to the same internal shape', () => {
    const request = richRequest();
    const fromProtobuf = decodeExportMetricsRequest(encodeOtlp(request));
    const fromJson = decodeExportMetricsRequestJson(JSON.stringify(request));
    expect(fromJson).toEqual(fromProtobuf);
    const metric = fromProtobuf.resourceMetrics[0].scopeMetrics[0].metrics[1];
    expect(metric.data).toMatchObject({ type: 'sum', temporality: 2, monotonic: true });
    expect(fromProtobuf.resourceMetrics[0].scopeMetrics[0].scope).toEqual({ name: 'scope-a', version: '1.0', attributes: [{ key: 'team', value: { kind: 'string', value: 'core' } }] });
  });
});

describe('timestamps: nanoseconds to milliseconds exactly as Go int64(ns)/1e6', () => {
  for (const [ns, ms] of [
    ['1700000000123999999', 1700000000123],
    ['1700000000123000000', 1700000000123],
    ['999999', 0],
    ['18446744073709551615', 0], // uint64 max wraps to -1 ns in Go: -1 / 1e6 truncates to 0
    ['9223372036854775808', -9223372036854], // 2^63 wraps to int64 min
    ['9223372036854775807', 9223372036854], // int64 max: the last 19-digit text of the fast path
    ['9999999999999999999', -8446744073709], // 19 digits above int64 max wrap too
    ['0000000001700000000', 1700], // 19 digits with leading zeros
  ] as const) {
    it(`${ns} ns -> ${ms} ms (protobuf and JSON)`, () => {
      const request = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: [{ timeUnixNano: ns, asDouble: 1 }] } }] }] }] };
      const viaProtobuf = decodeExportMetricsRequest(encodeOtlp(request));
      const viaJson = decodeExportMetricsRequestJson(JSON.stringify(request));
      for (const decoded of [viaProtobuf, viaJson]) {
        const data = decoded.resourceMetrics[0].scopeMetrics[0].metrics[0].data;
        if (data.type !== 'gauge') throw new Error('expected gauge');
        expect(data.points[0].timeMs).toBe(ms);
      }
    });
  }
});

describe('timestamps repeated across points (JSON remembers the last text converted)', () => {
  it('each point gets its own, whatever the one before had', () => {
    const times = ['1700000000123999999', '1700000000123999999', 5_000_000, '1700000000123999999', '9223372036854775808', '9223372036854775808', '6000000'];
    const request = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: times.map((t) => ({ timeUnixNano: t, startTimeUnixNano: '1000000', asDouble: 1 })) } }] }] }] };
    const data = decodeExportMetricsRequestJson(JSON.stringify(request)).resourceMetrics[0].scopeMetrics[0].metrics[0].data;
    if (data.type !== 'gauge') throw new Error('expected gauge');
    expect(data.points.map((p) => [p.startTimeMs, p.timeMs])).toEqual([
      [1, 1700000000123],
      [1, 1700000000123],
      [1, 5],
      [1, 1700000000123],
      [1, -9223372036854],
      [1, -9223372036854],
      [1, 6],
    ]);
  });

  it('an empty text is still refused, first or after a good one', () => {
    const request = (times: string[]) =>
      JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: times.map((t) => ({ timeUnixNano: t, asDouble: 1 })) } }] }] }] });
    expect(() => decodeExportMetricsRequestJson(request(['']))).toThrow(OtlpDecodeError);
    expect(() => decodeExportMetricsRequestJson(request(['1700000000123999999', '']))).toThrow(/timeUnixNano: expected a 64-bit integer/);
  });
});

describe('as_int points become doubles rounded as Go float64(int64)', () => {
  it('keeps 2^53 + 1 rounded to even and negative values', () => {
    const request = exportRequest(resourceMetrics({}, [{ metrics: [gauge({ name: 'g' }, [{ value: 9007199254740993n, timeMs: T }, { value: -5n, timeMs: T + 1 }])] }]));
    const data = decodeExportMetricsRequest(encodeOtlp(request)).resourceMetrics[0].scopeMetrics[0].metrics[0].data;
    if (data.type !== 'gauge') throw new Error('expected gauge');
    expect(data.points.map((p) => p.value)).toEqual([9007199254740992, -5]);
  });
  it('in JSON: strings and numbers, short (no BigInt) and long, -0 as 0', () => {
    const values = ['123', 123, '-123456789012345', '-0', -0, '9007199254740993', '18446744073709551615', '-9223372036854775808'];
    const request = JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: values.map((asInt) => ({ asInt })) } }] }] }] });
    const data = decodeExportMetricsRequestJson(request).resourceMetrics[0].scopeMetrics[0].metrics[0].data;
    if (data.type !== 'gauge') throw new Error('expected gauge');
    const decoded = data.points.map((p) => p.value);
    expect(decoded).toEqual([123, 123, -123456789012345, 0, 0, 9007199254740992, 18446744073709551615, -9223372036854775808]);
    expect(decoded.map((v) => Object.is(v, -0))).not.toContain(true);
  });
});

describe('bad protobuf input raises OtlpDecodeError naming where', () => {
  const bytes = encodeOtlp(richRequest());

  it('every truncation either decodes or throws OtlpDecodeError, never anything else', () => {
    for (let length = 0; length < bytes.length; length++) {
      try {
        decodeExportMetricsRequest(bytes.subarray(0, length));
      } catch (error) {
        expect(error).toBeInstanceOf(OtlpDecodeError);
      }
    }
  });

  it('truncation names the outermost message whose length runs past the end', () => {
    const cut = bytes.subarray(0, bytes.length - 3);
    expect(() => decodeExportMetricsRequest(cut)).toThrowError(
      expect.objectContaining({ code: 'truncated', path: 'resourceMetrics[0]', offset: expect.any(Number) }),
    );
  });

  it('a bad byte inside a data point names the data point', () => {
    const corrupted = bytes.slice();
    const at = Buffer.from(corrupted).indexOf('kitchen');
    corrupted[at] = 0xff;
    expect(() => decodeExportMetricsRequest(corrupted)).toThrowError(
      expect.objectContaining({ code: 'invalid_utf8', path: 'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0]' }),
    );
  });

  it('a varint longer than 10 bytes', () => {
    const garbage = new Uint8Array([0x0a, ...new Array(11).fill(0xff), 0x01]);
    expect(() => decodeExportMetricsRequest(garbage)).toThrowError(expect.objectContaining({ code: 'varint_too_long' }));
  });

  it('field number 0', () => {
    expect(() => decodeExportMetricsRequest(new Uint8Array([0x00, 0x01]))).toThrowError(expect.objectContaining({ code: 'bad_field_number' }));
  });

  it('wire types 3, 4 (groups), 6 and 7', () => {
    for (const wireType of [3, 4, 6, 7]) {
      expect(() => decodeExportMetricsRequest(new Uint8Array([(2 << 3) | wireType, 0]))).toThrowError(expect.objectContaining({ code: 'bad_wire_type' }));
    }
  });

  it('invalid UTF-8 in a string', () => {
    // ResourceMetrics { schema_url (3): 0xff 0xfe }
    const bytes = new Uint8Array([0x0a, 0x04, 0x1a, 0x02, 0xff, 0xfe]);
    expect(() => decodeExportMetricsRequest(bytes)).toThrowError(expect.objectContaining({ code: 'invalid_utf8' }));
  });

  it('nesting kvlists deeper than the limit', () => {
    let value: object = { stringValue: 'leaf' };
    for (let i = 0; i < 40; i++) value = { kvlistValue: { values: [{ key: 'k', value }] } };
    const request = { resourceMetrics: [{ resource: { attributes: [{ key: 'deep', value }] } }] };
    // protobufjs refuses to encode this deep, so the bytes are put together by hand.
    const message = (field: number, body: Uint8Array) => new Uint8Array([(field << 3) | 2, ...varintBytes(body.length), ...body]);
    let anyValueBytes = message(1, new TextEncoder().encode('leaf'));
    for (let i = 0; i < 40; i++) {
      const keyValue = new Uint8Array([...message(1, new TextEncoder().encode('k')), ...message(2, anyValueBytes)]);
      anyValueBytes = message(6, message(1, keyValue));
    }
    const resource = message(1, new Uint8Array([...message(1, new TextEncoder().encode('deep')), ...message(2, anyValueBytes)]));
    const bytes = message(1, message(1, resource));
    expect(() => decodeExportMetricsRequest(bytes)).toThrowError(expect.objectContaining({ code: 'too_deep' }));
    expect(() => decodeExportMetricsRequestJson(JSON.stringify(request))).toThrowError(expect.objectContaining({ code: 'too_deep' }));
  });
});

describe('bad JSON input raises OtlpDecodeError naming where', () => {
  it('not JSON', () => {
    expect(() => decodeExportMetricsRequestJson('{"resourceMetrics": [')).toThrowError(expect.objectContaining({ code: 'invalid_json' }));
  });
  it('wrong types name the field path', () => {
    expect(() => decodeExportMetricsRequestJson('{"resourceMetrics": 5}')).toThrowError(/resourceMetrics: expected an array, got number 5/);
    expect(() =>
      decodeExportMetricsRequestJson(JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'x', gauge: { dataPoints: [{ asDouble: 'abc' }] } }] }] }] })),
    ).toThrowError(/resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.gauge\.dataPoints\[0\]\.asDouble: expected a number/);
    expect(() => decodeExportMetricsRequestJson(JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 7 }] }] }] }))).toThrowError(
      expect.objectContaining({ code: 'wrong_type', path: 'resourceMetrics[0].scopeMetrics[0].metrics[0].name' }),
    );
  });
  it('accepts snake_case keys, string and number int64s, and NaN/Infinity doubles', () => {
    const decoded = decodeExportMetricsRequestJson(
      JSON.stringify({
        resource_metrics: [
          { scope_metrics: [{ metrics: [{ name: 'g', gauge: { data_points: [{ time_unix_nano: 5000000, as_double: 'NaN' }, { timeUnixNano: '6000000', asDouble: '-Infinity' }] } }] }] },
        ],
      }),
    );
    const data = decoded.resourceMetrics[0].scopeMetrics[0].metrics[0].data;
    if (data.type !== 'gauge') throw new Error('expected gauge');
    expect(data.points.map((p) => [p.timeMs, p.value])).toEqual([
      [5, Number.NaN],
      [6, Number.NEGATIVE_INFINITY],
    ]);
  });
  it('decodes attribute values in every spelling, the last member of a value winning', () => {
    const request = (attributes: unknown[]) =>
      JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: [{ asDouble: 1, attributes }] } }] }] }] });
    const decoded = decodeExportMetricsRequestJson(
      request([
        { key: 'camel', value: { stringValue: 'a' } },
        { key: 'snake', value: { string_value: 'b' } },
        { key: 'last', value: { stringValue: 'c', intValue: '3' } },
        { key: 'first', value: { intValue: '3', stringValue: 'd' } },
        { key: 'unknown member', value: { stringValue: 'e', comment: 1 } },
        { key: 'empty', value: {} },
        { key: 'absent' },
      ]),
    );
    const data = decoded.resourceMetrics[0].scopeMetrics[0].metrics[0].data;
    if (data.type !== 'gauge') throw new Error('expected gauge');
    expect(data.points[0].attributes).toEqual([
      { key: 'camel', value: { kind: 'string', value: 'a' } },
      { key: 'snake', value: { kind: 'string', value: 'b' } },
      { key: 'last', value: { kind: 'int', value: 3n } },
      { key: 'first', value: { kind: 'string', value: 'd' } },
      { key: 'unknown member', value: { kind: 'string', value: 'e' } },
      { key: 'empty', value: { kind: 'empty' } },
      { key: 'absent', value: { kind: 'empty' } },
    ]);
    const at = 'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].attributes[1]';
    expect(() => decodeExportMetricsRequestJson(request([{ key: 'k', value: { stringValue: 'x' } }, { key: '\ud800', value: { stringValue: 'x' } }]))).toThrowError(
      expect.objectContaining({ code: 'invalid_utf8', path: `${at}.key` }),
    );
    expect(() => decodeExportMetricsRequestJson(request([{ key: 'k', value: { stringValue: 'x' } }, { key: 'k', value: { stringValue: 7 } }]))).toThrowError(
      expect.objectContaining({ code: 'wrong_type', path: `${at}.value.stringValue` }),
    );
    expect(() => decodeExportMetricsRequestJson(request([{ key: 'k', value: { stringValue: 'x' } }, 'kv']))).toThrowError(expect.objectContaining({ code: 'wrong_type', path: at }));
  });
  it('shares one frozen attribute per distinct string key and value within a request, and checks each string', () => {
    const point = (attributes: unknown[]) => ({ asDouble: 1, attributes });
    const request = (...points: unknown[]) =>
      JSON.stringify({ resourceMetrics: [{ resource: { attributes: [{ key: 'k', value: { stringValue: 'x' } }] }, scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: points } }] }] }] });
    const kx = { key: 'k', value: { stringValue: 'x' } };
    const text = request(point([kx, { key: 'j', value: { stringValue: 'x' } }]), point([{ key: 'k', value: { string_value: 'x' } }, { key: 'k', value: { stringValue: 'y' } }]));
    const decoded = decodeExportMetricsRequestJson(text);
    const data = decoded.resourceMetrics[0].scopeMetrics[0].metrics[0].data;
    if (data.type !== 'gauge') throw new Error('expected gauge');
    const [first, second] = data.points.map((p) => p.attributes);
    // The resource's k=x, the first point's and the second's (snake_case) are one object.
    expect(first[0]).toBe(decoded.resourceMetrics[0].resource.attributes[0]);
    expect(second[0]).toBe(first[0]);
    expect(Object.isFrozen(first[0]) && Object.isFrozen(first[0].value)).toBe(true);
    expect(first[1]).not.toBe(first[0]);
    expect(second[1]).toEqual({ key: 'k', value: { kind: 'string', value: 'y' } });
    // Nothing is shared across requests.
    const again = decodeExportMetricsRequestJson(text).resourceMetrics[0].resource.attributes[0];
    expect(again).toEqual(first[0]);
    expect(again).not.toBe(first[0]);
    // A known key with a new value, and a new key, are still checked for lone surrogates.
    const at = 'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[1].attributes[0]';
    expect(() => decodeExportMetricsRequestJson(request(point([kx]), point([{ key: 'k', value: { stringValue: '\ud800' } }])))).toThrowError(
      expect.objectContaining({ code: 'invalid_utf8', path: `${at}.value.stringValue` }),
    );
    expect(() => decodeExportMetricsRequestJson(request(point([kx]), point([{ key: '\udc00', value: { stringValue: 'x' } }])))).toThrowError(
      expect.objectContaining({ code: 'invalid_utf8', path: `${at}.key` }),
    );
  });
  it('names the element of a number list that is wrong', () => {
    const request = JSON.stringify({
      resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'h', histogram: { aggregationTemporality: 2, dataPoints: [{ count: '3', bucketCounts: ['1', 2, 'x'], explicitBounds: [1, '2'] }] } }] }] }],
    });
    expect(() => decodeExportMetricsRequestJson(request)).toThrowError(
      expect.objectContaining({ path: 'resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[0].bucketCounts[2]' }),
    );
  });
  it('hex trace ids, lowercased; invalid hex is an error', () => {
    const request = (traceId: string) =>
      JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 's', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ asInt: '1', exemplars: [{ traceId, asDouble: 1 }] }] } }] }] }] });
    const decoded = decodeExportMetricsRequestJson(request('5B8EFFF798038103D269B633813FC60C'));
    const data = decoded.resourceMetrics[0].scopeMetrics[0].metrics[0].data;
    if (data.type !== 'sum') throw new Error('expected sum');
    expect(data.points[0].exemplars[0].traceId).toBe('5b8efff798038103d269b633813fc60c');
    expect(() => decodeExportMetricsRequestJson(request('xyz'))).toThrowError(expect.objectContaining({ code: 'bad_value' }));
  });
});

describe('explicit bounds: points with the same bounds bytes share one frozen array', () => {
  /** Minimal hand encoding (field numbers from metrics.proto), so a field can arrive in several pieces. */
  const varint = varintBytes;
  const len = (field: number, bytes: number[]): number[] => [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
  const doubles = (values: number[]): number[] => values.flatMap((v) => Array.from(new Uint8Array(new Float64Array([v]).buffer)));
  const oneDouble = (field: number, value: number): number[] => [...varint((field << 3) | 1), ...doubles([value])];
  /** A request of one histogram metric whose points are `points` (HistogramDataPoint bytes). */
  const request = (points: number[][]): Uint8Array => {
    const histogram = [...points.flatMap((point) => len(1, point)), 0x10, 2];
    const metric = [...len(1, [...new TextEncoder().encode('h')]), ...len(9, histogram)];
    return new Uint8Array(len(1, len(2, len(2, metric))));
  };
  const boundsOf = (bytes: Uint8Array): number[][] =>
    decodeExportMetricsRequest(bytes).resourceMetrics[0].scopeMetrics[0].metrics.map((m) => m.data).flatMap((data) => (data.type === 'histogram' ? data.points.map((p) => p.explicitBounds) : []));

  it('shares, freezes, and appends later pieces of the field to a copy', () => {
    const bounds = boundsOf(
      request([
        len(7, doubles([1, 2])),
        len(7, doubles([1, 2])),
        // The same first piece, then a packed piece and an unpacked element: [1, 2, 5, 7].
        [...len(7, doubles([1, 2])), ...len(7, doubles([5])), ...oneDouble(7, 7)],
        len(7, doubles([1, 3])),
      ]),
    );
    expect(bounds).toEqual([[1, 2], [1, 2], [1, 2, 5, 7], [1, 3]]);
    expect(bounds[1]).toBe(bounds[0]);
    expect(Object.isFrozen(bounds[0])).toBe(true);
    expect(bounds[2]).not.toBe(bounds[0]);
  });

  it('shares across requests: the same bytes in another buffer give the same array, other bytes their own', () => {
    const point = [len(7, doubles([0.5, 1]))];
    const first = boundsOf(request(point))[0];
    // Another request, with the same bytes at another offset of a new buffer.
    const later = boundsOf(request([len(7, doubles([9])), len(7, doubles([0.5, 1]))]));
    expect(later[1]).toBe(first);
    // Same length, one bit apart.
    const other = boundsOf(request([len(7, doubles([0.5, 1.0000000000000002]))]))[0];
    expect(other).toEqual([0.5, 1.0000000000000002]);
    expect(other).not.toBe(first);
  });
});
