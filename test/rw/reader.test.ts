import { describe, expect, it } from 'vitest';
import { RemoteWriteDecodeError, RemoteWriteValidationError } from '../../src/rw/errors.js';
import { readWriteRequest } from '../../src/rw/read.js';
import { encodeRw1, encodeRw2 } from '../support/proto.js';
import { snappyCompress } from '../support/snappy.js';

const T = 1_764_000_000_000;
const symbols = ['', '__name__', 'up', 'job', 'api', 'instance', 'i-1'];

function series(labelsRefs: number[], extra: object = {}) {
  return { labelsRefs, samples: [{ value: 1, timestamp: T }], metadata: { type: 2 }, ...extra };
}

function read(request: object) {
  return readWriteRequest(snappyCompress(encodeRw2(request)));
}

function expectViolation(request: object, rule: string, seriesIndex: number) {
  try {
    read(request);
  } catch (error) {
    expect(error).toBeInstanceOf(RemoteWriteValidationError);
    expect((error as RemoteWriteValidationError).rule).toBe(rule);
    expect((error as RemoteWriteValidationError).code).toBe(rule);
    expect((error as RemoteWriteValidationError).seriesIndex).toBe(seriesIndex);
    expect((error as Error).message).toContain(seriesIndex >= 0 ? `timeseries[${seriesIndex}]` : rule);
    return;
  }
  throw new Error(`expected a ${rule} violation`);
}

describe('reader resolves references', () => {
  it('labels, help, unit and exemplar labels come back as strings', () => {
    const decoded = read({
      symbols: [...symbols, 'help text', 'seconds', 'trace_id', 'abc'],
      timeseries: [series([1, 2, 3, 4], { metadata: { type: 1, helpRef: 7, unitRef: 8 }, exemplars: [{ labelsRefs: [9, 10], value: 2, timestamp: T }] })],
    });
    expect(decoded.timeseries[0].labels).toEqual([
      { name: '__name__', value: 'up' },
      { name: 'job', value: 'api' },
    ]);
    expect(decoded.timeseries[0]).toMatchObject({ help: 'help text', unit: 'seconds', metadata: { type: 1, helpRef: 7, unitRef: 8 } });
    expect(decoded.timeseries[0].exemplars[0].labels).toEqual([{ name: 'trace_id', value: 'abc' }]);
  });

  it('uncompressed bodies with compressed: false', () => {
    const decoded = readWriteRequest(encodeRw2({ symbols, timeseries: [series([1, 2])] }), { compressed: false });
    expect(decoded.timeseries[0].samples).toEqual([{ value: 1, timestamp: T, startTimestamp: 0 }]);
  });

  it('RW1 requests with protobufMessage v1', () => {
    const body = snappyCompress(
      encodeRw1({
        timeseries: [{ labels: [{ name: '__name__', value: 'up' }], samples: [{ value: 3, timestamp: T }] }],
        metadata: [{ type: 2, metricFamilyName: 'up', help: 'h', unit: '' }],
      }),
    );
    const decoded = readWriteRequest(body, { protobufMessage: 'v1' });
    expect(decoded.protobufMessage).toBe('v1');
    expect(decoded.timeseries[0]).toMatchObject({ labels: [{ name: '__name__', value: 'up' }], samples: [{ value: 3, timestamp: T }] });
    expect(decoded.metadata).toEqual([{ type: 2, metricFamilyName: 'up', help: 'h', unit: '' }]);
  });
});

describe('spec rule: symbols[0] MUST be ""', () => {
  it('rejects a table starting with another string', () => expectViolation({ symbols: ['x', ...symbols], timeseries: [] }, 'symbols_start_empty', -1));
  it('rejects an empty table', () => expectViolation({ symbols: [], timeseries: [] }, 'symbols_start_empty', -1));
});

describe('spec rule: references MUST be inside symbols', () => {
  it('labels_refs', () => expectViolation({ symbols, timeseries: [series([1, 2]), series([1, 99])] }, 'ref_in_range', 1));
  it('help_ref / unit_ref', () => expectViolation({ symbols, timeseries: [series([1, 2], { metadata: { type: 2, unitRef: 50 } })] }, 'ref_in_range', 0));
  it('exemplar labels_refs', () =>
    expectViolation({ symbols, timeseries: [series([1, 2], { exemplars: [{ labelsRefs: [3, 70], value: 1, timestamp: T }] })] }, 'ref_in_range', 0));
});

describe('spec rule: labels_refs are (name, value) pairs', () => {
  it('rejects odd length', () => expectViolation({ symbols, timeseries: [series([1, 2, 3])] }, 'labels_refs_even', 0));
});

describe('spec rule: label names sorted (UTF-8 byte order) and unique', () => {
  it('rejects unsorted names', () => expectViolation({ symbols, timeseries: [series([3, 4, 1, 2])] }, 'labels_sorted', 0));
  it('rejects a repeated name', () => expectViolation({ symbols, timeseries: [series([1, 2, 3, 4, 3, 6])] }, 'label_names_unique', 0));
  it('orders astral characters after U+FFFF as UTF-8 does (JS UTF-16 order would not)', () => {
    const astral = '\u{1F600}';
    const bmpHigh = '\uFFFD';
    const table = ['', '__name__', 'm', bmpHigh, astral, 'v'];
    expect(() => read({ symbols: table, timeseries: [series([1, 2, 3, 5, 4, 5])] })).not.toThrow();
    expectViolation({ symbols: table, timeseries: [series([1, 2, 4, 5, 3, 5])] }, 'labels_sorted', 0);
  });
});

describe('spec rule: no empty label names or values', () => {
  it('rejects an empty value', () => expectViolation({ symbols, timeseries: [series([1, 2, 3, 0])] }, 'labels_not_empty', 0));
  it('rejects an empty name', () => expectViolation({ symbols, timeseries: [series([0, 4, 1, 2])] }, 'labels_not_empty', 0));
});

describe('spec rule: __name__ MUST be present', () => {
  it('rejects a series without it', () => expectViolation({ symbols, timeseries: [series([3, 4])] }, 'metric_name_present', 0));
});

describe('spec rule: samples XOR histograms', () => {
  it('rejects both', () =>
    expectViolation({ symbols, timeseries: [series([1, 2], { histograms: [{ countInt: 1, timestamp: T }] })] }, 'samples_xor_histograms', 0));
  it('rejects neither', () => expectViolation({ symbols, timeseries: [series([1, 2], { samples: [] })] }, 'samples_xor_histograms', 0));
});

describe('undecodable bodies', () => {
  it('bad snappy is a RemoteWriteDecodeError', () => {
    expect(() => readWriteRequest(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]))).toThrowError(RemoteWriteDecodeError);
  });
  it('a snappy length header over the limit is refused before decompressing', () => {
    const body = snappyCompress(new Uint8Array(2000));
    expect(() => readWriteRequest(body, { maxDecompressedBytes: 1000 })).toThrowError(expect.objectContaining({ code: 'too_large' }));
  });
  it('truncated protobuf is a RemoteWriteDecodeError with an offset', () => {
    const bytes = encodeRw2({ symbols, timeseries: [series([1, 2])] });
    for (let length = 1; length < bytes.length; length++) {
      try {
        readWriteRequest(bytes.subarray(0, length), { compressed: false });
      } catch (error) {
        expect(error instanceof RemoteWriteDecodeError || error instanceof RemoteWriteValidationError).toBe(true);
      }
    }
    expect(() => readWriteRequest(bytes.subarray(0, bytes.length - 2), { compressed: false })).toThrowError(RemoteWriteDecodeError);
  });
});

describe('reader flags Prometheus staleness markers', () => {
  it('only the marker bits are stale: not another NaN, in samples and histogram sums', async () => {
    const { V2WriteRequestBuilder } = await import('../../src/builder/builder.js');
    const { exportRequest, gauge, resourceMetrics } = await import('../support/otlp.js');
    const point = (value: number, flags?: number) => ({ value, timeMs: T, attributes: { v: String(value) + String(flags) }, flags });
    const exponential = (flags: number) => ({
      name: 'latency',
      exponentialHistogram: {
        aggregationTemporality: 2,
        dataPoints: [{ attributes: [{ key: 'f', value: { stringValue: String(flags) } }], timeUnixNano: `${T}000000`, count: '1', sum: 0.5, scale: 0, positive: { offset: 0, bucketCounts: ['1'] }, flags }],
      },
    });
    const request = exportRequest(
      resourceMetrics({ 'service.name': 'api' }, [{ metrics: [gauge({ name: 'g' }, [point(1), point(Number.NaN), point(2, 1)]), exponential(0), exponential(1)] }]),
    );
    const decoded = readWriteRequest(new V2WriteRequestBuilder().add(request).encodeSnappy());
    const byLabels = (name: string) => decoded.timeseries.filter((s) => s.labels.some((l) => l.name === '__name__' && l.value === name));
    const samples = byLabels('g').map((s) => ({ v: s.labels.find((l) => l.name === 'v')?.value, stale: s.samples[0].stale === true, nan: Number.isNaN(s.samples[0].value) }));
    expect(samples.sort((a, b) => String(a.v).localeCompare(String(b.v)))).toEqual([
      { v: '1undefined', stale: false, nan: false },
      { v: '21', stale: true, nan: true },
      { v: 'NaNundefined', stale: false, nan: true },
    ]);
    const histograms = byLabels('latency').map((s) => ({ f: s.labels.find((l) => l.name === 'f')?.value, stale: s.histograms[0].stale === true }));
    expect(histograms.sort((a, b) => String(a.f).localeCompare(String(b.f)))).toEqual([
      { f: '0', stale: false },
      { f: '1', stale: true },
    ]);
  });
});
