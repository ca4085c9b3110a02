import { describe, expect, it } from 'vitest';
import {
  STALE_NAN_BITS,
  decodeOtlp,
  decodeReadResponse,
  decodeRw1,
  decodeRw2,
  doubleBits,
  encodeOtlp,
  encodeReadRequest,
  encodeRw1,
  encodeRw2,
  otlpTypes,
  protoRoot,
  resolveRw2,
  rw1Types,
  rw2Types,
} from './proto.js';
import { snappyCompress, snappyDecompress } from './snappy.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const STALE_NAN = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0];

describe('proto schemas', () => {
  it('load, resolve and expose the expected message types', () => {
    const root = protoRoot();
    expect(root.lookupType('opentelemetry.proto.metrics.v1.Metric').fields.metadata.id).toBe(12);
    expect(root.lookupService('opentelemetry.proto.collector.metrics.v1.MetricsService').methods.Export).toBeDefined();
    expect(otlpTypes().ExportMetricsServiceRequest.fullName).toBe('.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
    expect(rw2Types().Request.fullName).toBe('.io.prometheus.write.v2.Request');
    expect(rw1Types().WriteRequest.fullName).toBe('.prometheus.WriteRequest');
    expect(rw1Types().ReadRequest.fullName).toBe('.prometheus.ReadRequest');
    expect(rw1Types().ReadResponse.fullName).toBe('.prometheus.ReadResponse');
    // rc.4: start time per point, TimeSeries field 6 reserved.
    expect(rw2Types().Sample.fields.startTimestamp.id).toBe(3);
    expect(rw2Types().Histogram.fields.startTimestamp.id).toBe(17);
    // (protobufjs's isReservedId treats range ends as exclusive, so look at the ranges.)
    expect(rw2Types().TimeSeries.reserved).toContainEqual([6, 6]);
    expect(rw2Types().TimeSeries.fields).not.toHaveProperty('createdTimestamp');
    expect(rw2Types().Request.reserved).toContainEqual([1, 3]);
  });
});

describe('OTLP round trip', () => {
  const ns = 1_700_000_000_123_456_789n;
  const attrs = [
    { key: 's', value: { stringValue: 'v' } },
    { key: 'b', value: { boolValue: true } },
    { key: 'i', value: { intValue: -42 } },
    { key: 'd', value: { doubleValue: 1.5 } },
    { key: 'a', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 1 }] } } },
    { key: 'kv', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
    { key: 'by', value: { bytesValue: new Uint8Array([1, 2, 3]) } },
  ];
  const req = {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }], droppedAttributesCount: 1 },
        schemaUrl: 'https://opentelemetry.io/schemas/1.21.0',
        scopeMetrics: [
          {
            scope: { name: 'meter', version: '1.0', attributes: attrs },
            metrics: [
              {
                name: 'g',
                description: 'a gauge',
                unit: 's',
                metadata: [{ key: 'm', value: { stringValue: 'meta' } }],
                gauge: {
                  dataPoints: [
                    {
                      attributes: attrs,
                      startTimeUnixNano: ns - 1000n,
                      timeUnixNano: ns,
                      asDouble: 3.25,
                      exemplars: [
                        {
                          filteredAttributes: [{ key: 'e', value: { stringValue: 'x' } }],
                          timeUnixNano: ns,
                          asInt: 7,
                          spanId: new Uint8Array(8).fill(1),
                          traceId: new Uint8Array(16).fill(2),
                        },
                      ],
                    },
                    { timeUnixNano: ns, asInt: -5, flags: 1 },
                  ],
                },
              },
              { name: 'c', sum: { dataPoints: [{ timeUnixNano: ns, asInt: 9 }], aggregationTemporality: 2, isMonotonic: true } },
              {
                name: 'h',
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: [
                    { timeUnixNano: ns, count: 6, sum: 10, bucketCounts: [1, 2, 3], explicitBounds: [1, 5], min: 0.5, max: 9 },
                  ],
                },
              },
              {
                name: 'eh',
                exponentialHistogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      timeUnixNano: ns,
                      count: 5,
                      sum: 12,
                      scale: -2,
                      zeroCount: 1,
                      zeroThreshold: 1e-9,
                      positive: { offset: -3, bucketCounts: [1, 2] },
                      negative: { offset: 2, bucketCounts: [1] },
                    },
                  ],
                },
              },
              {
                name: 's',
                summary: {
                  dataPoints: [
                    { timeUnixNano: ns, count: 3, sum: 6, quantileValues: [{ quantile: 0.5, value: 2 }, { quantile: 1, value: 3 }] },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };

  it('encodes and decodes every metric kind', () => {
    const bytes = encodeOtlp(req);
    const back = decodeOtlp(bytes, { longs: String });
    const rm = back.resourceMetrics[0];
    expect(rm.resource.attributes[0]).toMatchObject({ key: 'service.name', value: { stringValue: 'svc' } });
    const [g, c, h, eh, s] = rm.scopeMetrics[0].metrics;
    expect(rm.scopeMetrics[0].scope.attributes).toHaveLength(attrs.length);
    expect(g.data).toBe('gauge');
    expect(g.metadata[0].key).toBe('m');
    expect(g.gauge.dataPoints[0].timeUnixNano).toBe(ns.toString());
    expect(g.gauge.dataPoints[0].startTimeUnixNano).toBe((ns - 1000n).toString());
    expect(g.gauge.dataPoints[0].value).toBe('asDouble');
    expect(g.gauge.dataPoints[0].asDouble).toBe(3.25);
    expect(g.gauge.dataPoints[0].exemplars[0]).toMatchObject({ value: 'asInt', asInt: '7' });
    expect(Array.from(g.gauge.dataPoints[0].exemplars[0].traceId)).toEqual(new Array(16).fill(2));
    expect(g.gauge.dataPoints[1]).toMatchObject({ value: 'asInt', asInt: '-5', flags: 1 });
    expect(g.gauge.dataPoints[0].attributes[6].value.value).toBe('bytesValue');
    expect(c.sum).toMatchObject({ aggregationTemporality: 2, isMonotonic: true });
    expect(h.histogram.dataPoints[0]).toMatchObject({ count: '6', sum: 10, bucketCounts: ['1', '2', '3'], explicitBounds: [1, 5], min: 0.5, max: 9 });
    expect(eh.exponentialHistogram.dataPoints[0]).toMatchObject({
      scale: -2,
      zeroCount: '1',
      zeroThreshold: 1e-9,
      positive: { offset: -3, bucketCounts: ['1', '2'] },
      negative: { offset: 2, bucketCounts: ['1'] },
    });
    expect(s.summary.dataPoints[0].quantileValues).toEqual([{ quantile: 0.5, value: 2 }, { quantile: 1, value: 3 }]);
    // Re-encoding the decoded object (defaults now explicit on the wire) decodes to the same thing.
    expect(decodeOtlp(encodeOtlp(back), { longs: String })).toEqual(back);
    // MetricsData has the same layout as the export request.
    const md = otlpTypes().MetricsData;
    expect(md.toObject(md.decode(bytes), { longs: String }).resourceMetrics).toHaveLength(1);
  });

  it('keeps fixed64 nanosecond times exact with longs: String', () => {
    const b = encodeOtlp({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'x', gauge: { dataPoints: [{ timeUnixNano: '18446744073709551615', asDouble: 1 }] } }] }] }] });
    expect(decodeOtlp(b, { longs: String }).resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].timeUnixNano).toBe('18446744073709551615');
  });
});

describe('RW2 round trip', () => {
  it('encodes the documented wire tags and decodes back, with raw NaN bits', () => {
    const req = {
      symbols: ['', '__name__', 'm', 'job', 'j', 'help text', 'seconds', 'trace_id', 'abc'],
      timeseries: [
        {
          labelsRefs: [1, 2, 3, 4],
          samples: [
            { value: 1.5, timestamp: 1000, startTimestamp: 500 },
            { value: STALE_NAN, timestamp: 2000 },
          ],
          exemplars: [{ labelsRefs: [7, 8], value: 1.5, timestamp: 1000 }],
          metadata: { type: 1, helpRef: 5, unitRef: 6 },
        },
        {
          labelsRefs: [1, 2],
          histograms: [
            {
              countInt: 3,
              sum: 4.5,
              schema: -53,
              positiveSpans: [{ offset: 0, length: 2 }],
              positiveDeltas: [1, 1],
              customValues: [1, 2],
              resetHint: 2,
              timestamp: 3000,
              startTimestamp: 100,
            },
            { countFloat: 2.5, schema: 3, zeroThreshold: 1e-128, zeroCountFloat: 0.5, negativeSpans: [{ offset: -2, length: 1 }], negativeCounts: [2], timestamp: 4000 },
          ],
          metadata: { type: 3 },
        },
      ],
    };
    const bytes = encodeRw2(req);
    const h = hex(bytes);
    expect(h.startsWith('2200')).toBe(true); // symbols[0] = ""
    expect(h).toContain('8201'); // custom_values tag (field 16, packed)
    expect(h).toContain('8801'); // Histogram.start_timestamp tag (field 17)
    const back = decodeRw2(bytes);
    expect(back.symbols).toEqual(req.symbols);
    const [a, b] = back.timeseries;
    expect(a.labelsRefs).toEqual([1, 2, 3, 4]);
    expect(a.samples[0]).toMatchObject({ value: 1.5, timestamp: 1000, startTimestamp: 500, valueBits: '3ff8000000000000' });
    expect(Number.isNaN(a.samples[1].value)).toBe(true);
    expect(a.samples[1].valueBits).toBe(STALE_NAN_BITS);
    expect(a.metadata).toEqual({ type: 1, helpRef: 5, unitRef: 6 });
    expect(b.histograms[0]).toMatchObject({ count: 'countInt', countInt: 3, schema: -53, customValues: [1, 2], positiveDeltas: [1, 1], resetHint: 2, startTimestamp: 100 });
    expect(b.histograms[1]).toMatchObject({ count: 'countFloat', countFloat: 2.5, zeroCount: 'zeroCountFloat', negativeSpans: [{ offset: -2, length: 1 }] });
    const resolved = resolveRw2(back);
    expect(resolved[0].labels).toEqual({ __name__: 'm', job: 'j' });
    expect(resolved[0].metadata).toEqual({ type: 1, help: 'help text', unit: 'seconds' });
    expect(resolved[0].exemplars[0].labels).toEqual({ trace_id: 'abc' });
    // A v1 decoder sees an empty request (fields 1-3 reserved in v2).
    expect(decodeRw1(bytes).timeseries).toEqual([]);
  });

  it('a hand-built minimal request matches protobufjs output byte for byte', () => {
    // symbols ["", "__name__", "x"], one series {__name__="x"}, one sample (1, ts 5).
    const expected = '2200' + '2208' + Buffer.from('__name__').toString('hex') + '220178' + '2a' + '11' + '0a020102' + '120b' + '09000000000000f03f' + '1005';
    expect(hex(encodeRw2({ symbols: ['', '__name__', 'x'], timeseries: [{ labelsRefs: [1, 2], samples: [{ value: 1, timestamp: 5 }] }] }))).toBe(expected);
  });
});

describe('RW1 and remote read round trip', () => {
  it('WriteRequest with samples, exemplars, histograms and metadata', () => {
    const req = {
      timeseries: [
        {
          labels: [{ name: '__name__', value: 'm' }, { name: 'job', value: 'j' }],
          samples: [{ value: -2, timestamp: 1700000000000 }],
          exemplars: [{ labels: [{ name: 'trace_id', value: 't' }], value: 1, timestamp: 1700000000000 }],
          histograms: [{ countInt: 1, sum: 1, schema: 0, positiveSpans: [{ offset: 1, length: 1 }], positiveDeltas: [1], timestamp: 1700000000000 }],
        },
      ],
      metadata: [{ type: 1, metricFamilyName: 'm', help: 'h', unit: 'u' }],
    };
    const back = decodeRw1(encodeRw1(req));
    expect(back.timeseries[0].labels).toEqual(req.timeseries[0].labels);
    expect(back.timeseries[0].samples[0]).toEqual({ value: -2, timestamp: 1700000000000, valueBits: doubleBits(-2) });
    expect(back.timeseries[0].exemplars[0]).toMatchObject({ value: 1, labels: [{ name: 'trace_id', value: 't' }] });
    expect(back.timeseries[0].histograms[0]).toMatchObject({ countInt: 1, positiveDeltas: [1] });
    expect(back.metadata).toEqual(req.metadata);
  });

  it('ReadRequest and ReadResponse', () => {
    const rr = encodeReadRequest({
      queries: [{ startTimestampMs: 1, endTimestampMs: 2, matchers: [{ type: 0, name: '__name__', value: 'm' }], hints: { stepMs: 0, func: 'series' } }],
      acceptedResponseTypes: [0],
    });
    const { ReadRequest, ReadResponse } = rw1Types();
    const rrBack = ReadRequest.toObject(ReadRequest.decode(rr), { longs: Number });
    expect(rrBack.queries[0]).toMatchObject({ startTimestampMs: 1, endTimestampMs: 2, matchers: [{ name: '__name__', value: 'm' }] });
    expect(rrBack.acceptedResponseTypes).toEqual([0]);

    const resp = ReadResponse.encode(
      ReadResponse.fromObject({
        results: [
          { timeseries: [{ labels: [{ name: '__name__', value: 'a' }], samples: [{ value: 1, timestamp: 10 }, { value: STALE_NAN, timestamp: 20 }] }] },
          { timeseries: [{ labels: [{ name: '__name__', value: 'b' }], samples: [{ value: 0, timestamp: 30 }] }] },
        ],
      }),
    ).finish();
    const back = decodeReadResponse(resp);
    expect(back.results[0].timeseries[0].samples.map((s: any) => s.valueBits)).toEqual([doubleBits(1), STALE_NAN_BITS]);
    expect(back.results[1].timeseries[0].samples[0]).toEqual({ value: 0, timestamp: 30, valueBits: '0000000000000000' });
  });
});

describe('snappy (block format)', () => {
  it('round trips and uses the uvarint length preamble', () => {
    const input = new Uint8Array(1800).map((_, i) => i % 7);
    const c = snappyCompress(input);
    expect(Array.from(c.subarray(0, 2))).toEqual([0x88, 0x0e]); // uvarint(1800)
    expect(Array.from(snappyDecompress(c))).toEqual(Array.from(input));
    expect(() => snappyDecompress(new Uint8Array([0xff, 0xff, 0xff]))).toThrow();
  });
});
