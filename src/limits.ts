import { Otlp2PrwError } from './errors.js';

/**
 * Resource limits on untrusted input. Prometheus's OTLP translator has none of its own (R55 in
 * docs/translation-rules.md): its HTTP layer caps the body and its TSDB bounds the rest. A library that
 * may run in a browser tab or a small sidecar needs the caps itself, so each one is here, with a
 * default generous enough that no request Prometheus would accept trips it.
 *
 * Exceeding a limit throws a LimitError and, for `add()`, rolls the whole request back: the builder is
 * exactly as it was before. The checks run before the engine sees anything, so they are the same
 * whatever the engine.
 */
export interface Limits {
  /**
   * OTLP request size in bytes (protobuf bytes, or JSON text as UTF-8), checked before decoding.
   * Default 32 MiB: Prometheus reads at most 32 MiB of an OTLP or Remote-Write body.
   */
  maxRequestBytes: number;
  /**
   * Decompressed size of a Remote-Write body (`readWriteRequest`), checked before decompressing.
   * Default 32 MiB, as Prometheus's remote-write handler.
   */
  maxDecompressedBytes: number;
  /**
   * Series one builder holds (until reset). Default 1,000,000: a series costs a few hundred bytes of
   * builder memory (~0.5 GB at the cap), and about a million minimal series already fill the 32 MiB a
   * Prometheus receiver decodes from one request; more belongs in several batches.
   */
  maxSeries: number;
  /**
   * Labels per series, `__name__` included. Default 512: Prometheus has no default cap, Mimir's is 30;
   * 512 leaves room for `promoteAllResourceAttributes` while bounding a label set's cost.
   */
  maxLabelsPerSeries: number;
  /** UTF-8 bytes of one label name. Default 4 KiB (Mimir: 1 KiB). */
  maxLabelNameBytes: number;
  /** UTF-8 bytes of one label value, `__name__`'s value included. Default 64 KiB (Mimir: 2 KiB). */
  maxLabelValueBytes: number;
  /**
   * Symbols in one Remote-Write 2.0 request, `""` included, checked when a request is assembled
   * (build, encode, each request of encodeRequests) before the engine interns anything. Default
   * 4,194,304 (2^22): ~4 per series at `maxSeries`, far below where the engine's packed references run
   * out (2^24 long references). Split with `encodeRequests({ maxSeriesPerRequest })` to stay under it.
   */
  maxSymbols: number;
}

export type LimitName = keyof Limits;

const MIB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxRequestBytes: 32 * MIB,
  maxDecompressedBytes: 32 * MIB,
  maxSeries: 1_000_000,
  maxLabelsPerSeries: 512,
  maxLabelNameBytes: 4 * 1024,
  maxLabelValueBytes: 64 * 1024,
  maxSymbols: 2 ** 22,
});

/**
 * The defaults with `overrides` applied. A limit is a positive integer, or `Infinity` for none; anything
 * else (including a misspelled name) is a RangeError, as a configuration mistake should fail loudly.
 */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const name of Object.keys(overrides)) {
    if (!Object.hasOwn(DEFAULT_LIMITS, name)) throw new RangeError(`unknown limit ${JSON.stringify(name)}`);
    const value = overrides[name as LimitName];
    if (value === undefined) continue;
    if (!(typeof value === 'number' && value >= 1 && (Number.isInteger(value) || value === Number.POSITIVE_INFINITY))) {
      throw new RangeError(`limit ${name} must be a positive integer or Infinity, not ${String(value)}`);
    }
    limits[name as LimitName] = value;
  }
  return limits;
}

/** A request over one of the Limits. `limit` names it, `max` is its value, `actual` what was seen. */
export class LimitError extends Otlp2PrwError {
  override name = 'LimitError';
  readonly limit: LimitName;
  readonly max: number;
  readonly actual: number;

  constructor(limit: LimitName, max: number, actual: number, what: string) {
    super('limit_exceeded', `limit ${limit} exceeded: ${what} is ${actual}, over the limit of ${max}`);
    this.limit = limit;
    this.max = max;
    this.actual = actual;
  }
}

/** UTF-8 byte length of a JS string, counting a lone surrogate as U+FFFD (3 bytes), as TextEncoder writes it. */
export function utf8ByteLength(value: string): number {
  let bytes = value.length;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      // A surrogate pair: 2 code units, 4 bytes.
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2;
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}

/**
 * Whether `value` is over `max` UTF-8 bytes, counting only when the length alone cannot tell (a UTF-16
 * code unit is 1 to 3 bytes), so short strings cost one comparison.
 */
export function utf8LongerThan(value: string, max: number): boolean {
  if (value.length * 3 <= max) return false;
  if (value.length > max) return true;
  return utf8ByteLength(value) > max;
}
