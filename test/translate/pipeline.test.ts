// Pipeline-wide rules: docs/translation-rules.md R1 (walk and output order), R3/R57 (what one output unit
// is and how it is encoded in RW2), R54 (deltas), R55 (no dedup, no limits), R59 (library settings),
// R60 (duplicate keys).
import { describe, expect, it } from 'vitest';
import { V2WriteRequestBuilder } from '../../src/builder/builder.js';
import { decodeRw2, encodeOtlp } from '../support/proto.js';
import { ENGINES, jsonText, lines, onlyLabels, toProtobufObject, translate } from './golden.js';
import {
  DELTA,
  SVC,
  T0,
  T0_MS,
  exponentialHistogram,
  exponentialPoint,
  gauge,
  histogram,
  histogramPoint,
  point,
  request,
  resource,
  resourceWith,
  sum,
  summary,
  summaryPoint,
  svc,
} from './otlp-builders.js';

const T = `@${T0_MS}`;

describe('R1 walk order and output order', () => {
  it('derived: resources, scopes, metrics, points in input order; per-point series order; target_info after its resource', () => {
    const otlp = request(
      resource({ ...SVC, 'host.name': 'a' }, [
        { metrics: [gauge('z', [point({ double: 1 })])] },
        {
          name: 's2',
          metrics: [
            histogram('h', [histogramPoint({ count: 2, sum: 3, bounds: [1], counts: [1, 1] })]),
            summary('s', [summaryPoint({ count: 1, sum: 2, quantiles: [[0.9, 1], [0.1, 0]] })]),
          ],
        },
      ]),
      resourceWith({ 'service.name': 'b', 'host.name': 'b' }, gauge('a', [point({ double: 1 })])),
    );
    expect(translate(otlp).series.map((s) => s.text)).toEqual([
      '{__name__="z", job="svc"}',
      '{__name__="h_sum", job="svc"}',
      '{__name__="h_count", job="svc"}',
      '{__name__="h_bucket", job="svc", le="1"}',
      '{__name__="h_bucket", job="svc", le="+Inf"}',
      '{__name__="s_sum", job="svc"}',
      '{__name__="s_count", job="svc"}',
      '{__name__="s", job="svc", quantile="0.9"}',
      '{__name__="s", job="svc", quantile="0.1"}',
      '{__name__="target_info", host_name="a", job="svc"}',
      '{__name__="a", job="b"}',
      '{__name__="target_info", host_name="b", job="b"}',
    ]);
  });

  it('derived: OUR behaviour, a label set seen again later is merged into its first TimeSeries, samples in time order', () => {
    // Intentional difference (1): Prometheus appends units in walk order without merging.
    const otlp = request(
      resourceWith(SVC, gauge('g', [point({ double: 2, time: T0 + 1_000_000_000n })]), gauge('x', [point({ double: 0 })])),
      resourceWith(SVC, gauge('g', [point({ double: 1 })])),
    );
    const result = translate(otlp);
    expect(result.series.map((s) => s.lines)).toEqual([
      [`{__name__="g", job="svc"} ${T} 1 st=0`, `{__name__="g", job="svc"} @${T0_MS + 1000} 2 st=0`],
      [`{__name__="x", job="svc"} ${T} 0 st=0`],
    ]);
    expect(result.dropped.points.duplicate_timestamp).toBe(0);
  });

  it('derived: OUR behaviour, series merge across add() calls on one builder', () => {
    for (const engine of ENGINES) {
      const builder = new V2WriteRequestBuilder({ engine });
      builder.add(encodeOtlp(toProtobufObject(svc(gauge('g', [point({ double: 2, time: T0 + 1_000_000_000n })]))) as object));
      builder.add(jsonText(svc(gauge('g', [point({ double: 1 })]))));
      const series = builder.build().timeseries;
      expect(series).toHaveLength(1);
      expect(series[0].samples.map((s) => s.timestamp)).toEqual([T0_MS, T0_MS + 1000]);
    }
  });
});

describe('R3 / R57 one output unit and its RW2 encoding', () => {
  it('float sample -> Sample{value, timestamp, start_timestamp}; metadata refs; symbols[0] = ""', () => {
    const result = translate(svc(gauge('g', [point({ double: 3, start: T0 - 1_000_000_000n })], { description: 'help me', unit: 's' })));
    const wire = decodeRw2(result.builder.encode());
    expect(wire.symbols[0]).toBe('');
    const [ts] = wire.timeseries;
    expect(ts.samples).toEqual([{ value: 3, timestamp: T0_MS, startTimestamp: T0_MS - 1000, valueBits: '4008000000000000' }]);
    expect(ts.histograms).toEqual([]);
    expect(wire.symbols[ts.metadata.helpRef]).toBe('help me');
    expect(wire.symbols[ts.metadata.unitRef]).toBe('seconds');
    expect(ts.metadata.type).toBe(2);
  });

  it('empty help and unit are symbol 0', () => {
    const [ts] = decodeRw2(translate(svc(gauge('g', [point({ double: 3 })]))).builder.encode()).timeseries;
    expect([ts.metadata.helpRef, ts.metadata.unitRef]).toEqual([0, 0]);
  });

  it('native histogram -> integer Histogram (count_int, zero_count_int, deltas, no float counts), start_timestamp, custom_values for NHCB', () => {
    const otlp = svc(
      exponentialHistogram('e', [exponentialPoint({ scale: 2, count: 5, sum: 1.5, zeroCount: 1, positive: { offset: 0, counts: [1, 3] }, start: T0 - 1_000_000n })]),
      histogram('n', [histogramPoint({ count: 2, sum: 1, bounds: [0.5], counts: [1, 1] })]),
    );
    const wire = decodeRw2(translate(otlp, { convertHistogramsToNHCB: true }).builder.encode());
    const [e, n] = wire.timeseries.map((ts: any) => ts.histograms[0]);
    expect(e).toMatchObject({
      count: 'countInt',
      countInt: 5,
      zeroCount: 'zeroCountInt',
      zeroCountInt: 1,
      sum: 1.5,
      schema: 2,
      zeroThreshold: 1e-128,
      positiveSpans: [{ offset: 1, length: 2 }],
      positiveDeltas: [1, 2],
      positiveCounts: [],
      negativeCounts: [],
      resetHint: 0,
      timestamp: T0_MS,
      startTimestamp: T0_MS - 1,
      customValues: [],
    });
    expect(n).toMatchObject({ count: 'countInt', countInt: 2, schema: -53, zeroThreshold: 0, customValues: [0.5], positiveDeltas: [1, 0] });
  });

  it('derived: every input form gives the same request (JSON object, JSON text, JSON bytes, protobuf)', () => {
    const otlp = svc(gauge('g', [point({ double: 1, attributes: { a: 'b' } })]), histogram('h', [histogramPoint({ count: 1, sum: 1, bounds: [1], counts: [1, 0] })]));
    for (const engine of ENGINES) {
      const encode = (input: Uint8Array | string | object, format?: 'json') => Buffer.from(new V2WriteRequestBuilder({ engine }).add(input, format).encode()).toString('hex');
      const reference = encode(encodeOtlp(toProtobufObject(otlp) as object));
      expect(encode(otlp)).toBe(reference);
      expect(encode(jsonText(otlp))).toBe(reference);
      expect(encode(new TextEncoder().encode(jsonText(otlp)), 'json')).toBe(reference);
    }
  });
});

describe('R54 delta temporality', () => {
  it('derived: OUR behaviour, every delta sum/histogram/exponential histogram is dropped with reason delta_temporality', () => {
    // Intentional difference (5): no otlp-native-delta-ingestion / otlp-deltatocumulative.
    const result = translate(
      svc(
        sum('a', [point({ double: 1 }), point({ double: 1, time: T0 + 1n })], { temporality: DELTA }),
        sum('b', [point({ double: 1 })], { temporality: DELTA, monotonic: false }),
        histogram('c', [histogramPoint({ count: 1 })], { temporality: DELTA }),
        exponentialHistogram('d', [exponentialPoint({ scale: 0, count: 1 })], { temporality: DELTA }),
      ),
    );
    expect(result.lines).toEqual([]);
    expect(result.dropped.points.delta_temporality).toBe(5);
    expect(result.dropped.metrics).toBe(4);
  });
});

describe('R55 no dedup, no limits', () => {
  it('derived: OUR behaviour, two identical points are one sample (not counted); different values -> the last, counted', () => {
    // Intentional difference (1).
    const same = translate(svc(gauge('g', [point({ double: 1 }), point({ double: 1 })])));
    expect(same.lines).toEqual([`{__name__="g", job="svc"} ${T} 1 st=0`]);
    const different = translate(svc(gauge('g', [point({ double: 1 }), point({ double: 2 })])));
    expect(different.lines).toEqual([`{__name__="g", job="svc"} ${T} 2 st=0`]);
    expect(different.dropped.points.duplicate_timestamp).toBe(1);
  });

  it('derived: no label-name, label-value or label-count limits', () => {
    const attributes = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${'x'.repeat(300)}${i}`, 'v'.repeat(2000)]));
    const labels = onlyLabels(svc(gauge('g', [point({ double: 1, attributes })])));
    expect(Object.keys(labels)).toHaveLength(102);
    expect(labels[`k${'x'.repeat(300)}7`]).toBe('v'.repeat(2000));
  }, 30_000);

  it('derived: no _created series', () => {
    expect(lines(svc(sum('c', [point({ double: 1, start: T0 - 1_000_000_000n })])))).toEqual([`{__name__="c_total", job="svc"} ${T} 1 st=${T0_MS - 1000}`]);
  });
});

describe('R59 library settings', () => {
  it('"utf8 metric with namespace and suffixes" style: namespace with NoUTF8EscapingWithSuffixes is prepended raw', () => {
    expect(lines(svc(gauge('x', [point({ double: 1 })])), { namespace: 'ñamespace', translationStrategy: 'NoUTF8EscapingWithSuffixes' })).toEqual([
      `{__name__="ñamespace_x", job="svc"} ${T} 1 st=0`,
    ]);
  });

  it('derived: external labels are added to data series and target_info only where absent', () => {
    const otlp = request(resourceWith({ ...SVC, 'host.name': 'h', region: 'res' }, gauge('g', [point({ double: 1 })])));
    expect(lines(otlp, { externalLabels: { region: 'ext', host_name: 'ext' } })).toEqual([
      `{__name__="g", host_name="ext", job="svc", region="ext"} ${T} 1 st=0`,
      `{__name__="target_info", host_name="h", job="svc", region="res"} ${T} 1 st=0`,
    ]);
  });
});

describe('R60 duplicate keys and odd input', () => {
  it('duplicate data-point attribute keys are joined v1;v2 under escaping', () => {
    expect(onlyLabels(svc(gauge('g', [point({ double: 1, attributes: [['k', 'v1'], ['k', 'v2']] })])))).toEqual({ __name__: 'g', job: 'svc', k: 'v1;v2' });
  });

  it('derived: OUR behaviour under UTF-8, one label (RW2 forbids repeated names): the last value', () => {
    expect(onlyLabels(svc(gauge('g', [point({ double: 1, attributes: [['k', 'v1'], ['k', 'v2']] })])), { translationStrategy: 'NoTranslation' })).toEqual({
      __name__: 'g',
      job: 'svc',
      k: 'v2',
    });
  });
});
