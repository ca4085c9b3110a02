// A request that fails MUST leave the builder exactly as it was before that add() (builder.ts): bad
// bytes throw a typed OtlpDecodeError naming where, a metric rejected under onInvalidMetric 'reject'
// throws a TranslationError, and in both cases the next good requests and the final encode() are
// byte-identical to a builder that never saw the bad ones. Run once per engine.
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError, OtlpErrorCode, Otlp2PrwError, TranslationError, V2WriteRequestBuilder, type BuilderOptions } from '../../src/index.js';
import { encodeOtlp } from '../support/proto.js';

const ENGINES = ['wasm', 'js'] as const;

const SECOND = 1000;
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const nanos = (ms: number) => `${ms}000000`;
const attrs = (entries: Record<string, string>) => Object.entries(entries).map(([key, value]) => ({ key, value: { stringValue: value } }));

/**
 * Good request number `n`: the same series every time (so later requests append to series earlier
 * ones created) plus one series only this request has, and target_info.
 */
function goodRequest(n: number, description = 'Handled HTTP requests'): object {
  const t = T0 + n * 10 * SECOND;
  return {
    resourceMetrics: [
      {
        resource: { attributes: attrs({ 'service.name': 'checkout', 'service.instance.id': 'c-1', 'host.name': 'node-1' }) },
        scopeMetrics: [
          {
            scope: { name: 'http', version: '1.0.0' },
            metrics: [
              {
                name: 'http.server.requests',
                description,
                unit: '{request}',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [{ attributes: attrs({ route: '/cart' }), startTimeUnixNano: nanos(T0 - 60 * SECOND), timeUnixNano: nanos(t), asInt: String(100 + n) }],
                },
              },
              {
                name: `batch.${n}.size`,
                unit: 'By',
                gauge: { dataPoints: [{ timeUnixNano: nanos(t), asDouble: n + 0.5 }] },
              },
            ],
          },
        ],
      },
    ],
  };
}

/**
 * A delta sum at `timeMs`: Prometheus cannot translate it (invalid temporality for a cumulative
 * receiver). Its time still widens target_info's range, as in Prometheus, so it shares the request's.
 */
function deltaSum(timeMs: number): object {
  return {
    name: 'jobs.processed',
    unit: '{job}',
    sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ timeUnixNano: nanos(timeMs), asInt: '5' }] },
  };
}

/**
 * Good metrics first (touching existing series and creating new ones), the delta sum last: by the
 * time it is rejected, the request has already changed the builder's tables.
 */
function requestWithDeltaSum(n: number, description?: string): object {
  const request = goodRequest(n, description) as any;
  request.resourceMetrics[0].scopeMetrics[0].metrics.push(deltaSum(T0 + n * 10 * SECOND));
  return request;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Calls add() and returns what it threw (failing the test if it did not throw). */
function addFailure(builder: V2WriteRequestBuilder, input: Uint8Array | string | object): unknown {
  try {
    builder.add(input);
  } catch (error) {
    return error;
  }
  expect.fail(`add(${typeof input === 'string' ? input.slice(0, 60) : 'bytes'}) did not throw`);
}

function expectDecodeError(error: unknown, code: string, where: { path?: string; offset?: boolean }): OtlpDecodeError {
  expect(error).toBeInstanceOf(OtlpDecodeError);
  expect(error).toBeInstanceOf(Otlp2PrwError);
  const decodeError = error as OtlpDecodeError;
  expect(decodeError.name).toBe('OtlpDecodeError');
  expect(decodeError.code).toBe(code);
  if (where.path !== undefined) {
    expect(decodeError.path).toBe(where.path);
    if (where.path !== '') expect(decodeError.message).toContain(where.path);
  }
  if (where.offset) {
    expect(decodeError.offset).toBeGreaterThanOrEqual(0);
    expect(decodeError.message).toMatch(/byte \d+/);
  }
  return decodeError;
}

describe.each(ENGINES)('bad input recovery (engine %s)', (engine) => {
  const fresh = (options: BuilderOptions = {}) => new V2WriteRequestBuilder({ engine, ...options });

  describe('undecodable requests between good ones', () => {
    const good1 = encodeOtlp(goodRequest(1));
    const good2 = encodeOtlp(goodRequest(2));
    const good3 = JSON.stringify(goodRequest(3));
    const good = [good1, good2, good3];

    it('truncated protobuf, garbage bytes and wrongly typed JSON throw OtlpDecodeError naming where', () => {
      const builder = fresh();
      builder.add(good[0]);

      // Cut inside resourceMetrics[0]: its length prefix promises more bytes than there are.
      const truncated = good2.subarray(0, good2.length - 7);
      expectDecodeError(addFailure(builder, truncated), OtlpErrorCode.TRUNCATED, { path: 'resourceMetrics[0]', offset: true });
      builder.add(good[1]);

      // Field 31, wire type 7 (no such wire type) at byte 0.
      const garbage = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x13, 0x37]);
      expectDecodeError(addFailure(builder, garbage), OtlpErrorCode.BAD_WIRE_TYPE, { offset: true });

      expectDecodeError(addFailure(builder, '{"resourceMetrics": 5}'), OtlpErrorCode.WRONG_TYPE, { path: 'resourceMetrics' });
      const deepWrongType = goodRequest(9) as any;
      deepWrongType.resourceMetrics[0].scopeMetrics[0].metrics[1].gauge.dataPoints[0].timeUnixNano = true;
      expectDecodeError(addFailure(builder, JSON.stringify(deepWrongType)), OtlpErrorCode.WRONG_TYPE, {
        path: 'resourceMetrics[0].scopeMetrics[0].metrics[1].gauge.dataPoints[0].timeUnixNano',
      });
      expectDecodeError(addFailure(builder, '{"resourceMetrics": ['), OtlpErrorCode.INVALID_JSON, { path: '' });

      builder.add(good[2]);
      const reference = fresh();
      for (const request of good) reference.add(request);
      expect(builder.stats).toEqual(reference.stats);
      expect(builder.stats.requests).toBe(3);
      expect(hex(builder.encode())).toBe(hex(reference.encode()));
      expect(hex(builder.encodeSnappy())).toBe(hex(reference.encodeSnappy()));
      expect(hex(builder.encodeV1())).toBe(hex(reference.encodeV1()));
    });

    it('an encode() between the failures changes nothing either', () => {
      const builder = fresh();
      builder.add(good[0]);
      builder.encode();
      addFailure(builder, good2.subarray(0, 20));
      builder.add(good[1]);
      builder.encode();
      addFailure(builder, new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
      addFailure(builder, { resourceMetrics: [{ scopeMetrics: 'nope' }] });
      builder.add(good[2]);
      const reference = fresh();
      for (const request of good) reference.add(request);
      expect(hex(builder.encode())).toBe(hex(reference.encode()));
    });

    it('a builder that only ever saw bad input encodes the empty request', () => {
      const builder = fresh();
      addFailure(builder, good1.subarray(0, good1.length - 1));
      addFailure(builder, 'not json');
      expect(builder.stats.requests).toBe(0);
      expect(builder.stats.series).toBe(0);
      expect(hex(builder.encode())).toBe(hex(fresh().encode()));
    });
  });

  describe("onInvalidMetric 'reject'", () => {
    const options: BuilderOptions = { onInvalidMetric: 'reject' };

    it('a delta sum throws TranslationError and the request leaves no trace', () => {
      const builder = fresh(options);
      builder.add(encodeOtlp(goodRequest(1)));
      const bytes = hex(builder.encode());
      const before = { stats: builder.stats, bytes };

      const error = addFailure(builder, encodeOtlp(requestWithDeltaSum(2)));
      expect(error).toBeInstanceOf(TranslationError);
      expect(error).toBeInstanceOf(Otlp2PrwError);
      expect((error as TranslationError).code).toBe('delta_temporality');
      expect((error as TranslationError).metricName).toBe('jobs.processed');
      expect((error as Error).message).toContain('jobs.processed');
      expect(builder.stats).toEqual(before.stats);
      expect(hex(builder.encode())).toBe(before.bytes);

      // The same failure through the JSON path, then good requests and a decode failure.
      expect(addFailure(builder, JSON.stringify(requestWithDeltaSum(3)))).toBeInstanceOf(TranslationError);
      builder.add(JSON.stringify(goodRequest(4)));
      expect(addFailure(builder, encodeOtlp(goodRequest(5)).subarray(0, 30))).toBeInstanceOf(OtlpDecodeError);
      builder.add(encodeOtlp(goodRequest(6)));

      const reference = fresh(options);
      for (const n of [1, 4, 6]) reference.add(encodeOtlp(goodRequest(n)));
      expect(builder.stats).toEqual(reference.stats);
      expect(hex(builder.encode())).toBe(hex(reference.encode()));
    });

    it("with 'drop' (the default) the same request is taken, minus the delta sum, and counted", () => {
      const builder = fresh();
      builder.add(encodeOtlp(requestWithDeltaSum(2)));
      const reference = fresh();
      reference.add(encodeOtlp(goodRequest(2)));
      expect(hex(builder.encode())).toBe(hex(reference.encode()));
      expect(builder.stats.dropped.metrics).toBe(1);
      expect(builder.stats.dropped.points.delta_temporality).toBe(1);
      expect(builder.stats.dropped.recent).toEqual([expect.objectContaining({ reason: 'delta_temporality', metric: 'jobs.processed' })]);
    });

    // The failing request re-describes an existing series: the table journals metadata changes, and
    // rollback restores them.
    it('a rejected request that re-describes an existing series leaves its metadata alone', () => {
      const builder = fresh(options);
      builder.add(encodeOtlp(goodRequest(1)));
      expect(addFailure(builder, encodeOtlp(requestWithDeltaSum(2, 'A new description')))).toBeInstanceOf(TranslationError);
      const reference = fresh(options);
      reference.add(encodeOtlp(goodRequest(1)));
      expect(hex(builder.encode())).toBe(hex(reference.encode()));
    });
  });
});
