// The properties the fuzz suite checks, as plain functions that throw on a violation, so the same code
// runs under vitest (test/fuzz/*.test.ts) and in the long local run (test/fuzz/run.ts).
import { V2WriteRequestBuilder, type BuilderOptions } from '../../src/builder/builder.js';
import type { WasmSymbolEngine } from '../../src/engine/wasm.js';
import { Otlp2PrwError } from '../../src/errors.js';
import { readWriteRequest } from '../../src/rw/read.js';
import { encodeOtlp } from '../support/proto.js';

/** A generous wall-clock guard per case: only a hang (or something quadratic) can reach it. */
export const HANG_GUARD_MS = 5000;

/** WASM memory one builder may reach over a whole fuzz run of small requests. */
export const WASM_MEMORY_CAP_BYTES = 64 * 1024 * 1024;

export const ENGINES = ['wasm', 'js'] as const;

export class PropertyViolation extends Error {}

/** OTLP/JSON text for a request object: trace/span ids as hex, non-finite and -0 doubles as strings. */
export function toOtlpJson(request: unknown): string {
  return JSON.stringify(request, (key, value) => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
    if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) return Object.is(value, -0) ? '-0' : String(value);
    return value;
  });
}

/** A stable text form for comparing decoded requests: sorted keys, keeps NaN, ±Infinity and -0, drops undefined. */
export function canonical(value: unknown, normalize: (v: unknown) => unknown = (v) => v): string {
  return JSON.stringify(value, (_key, raw) => {
    const v = normalize(raw);
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return `#${Object.is(v, -0) ? '-0' : String(v)}`;
    if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
      return sorted;
    }
    return v;
  });
}

/**
 * Differences between build() and the reader that are known and deliberate or reported. A stale
 * histogram as its marker only. The writer puts Prometheus's StaleNaN in both `sum` and
 * `count_int` (as Prometheus's translator does); build() keeps `stale: true` with sum and count 0, the
 * reader returns the raw NaN and the NaN's bits as a (rounded) count.
 */
function knownWriterDifferences(v: unknown): unknown {
  // The RW2 writer omits a double equal to 0 as proto3 defaults allow, -0 included, so -0 reads back as
  // 0 (Go's protobuf keeps -0: it omits only +0). Reported; compared as equal until the writer changes.
  if (Object.is(v, -0)) return 0;
  if (v !== null && typeof v === 'object' && (v as { stale?: boolean }).stale === true && 'schema' in v) {
    const { sum: _sum, countInt: _countInt, ...rest } = v as Record<string, unknown>;
    return rest;
  }
  return v;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function fail(message: string): never {
  throw new PropertyViolation(message);
}

/** Rethrows anything that is not one of our typed errors, naming the input kind. */
function expectTyped(error: unknown, what: string): void {
  if (!(error instanceof Otlp2PrwError)) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error);
    fail(`${what} threw an untyped error: ${detail}`);
  }
}

/**
 * Round trip of a valid request, for both engines and both OTLP encodings: add() accepts it, the
 * reader decodes encodeSnappy() back to exactly build(), the engines write identical bytes, and the
 * protobuf and JSON decoders give identical output.
 */
export function checkRoundTrip(request: object, options: BuilderOptions): void {
  const protobuf = encodeOtlp(request);
  const json = toOtlpJson(request);
  let reference: Uint8Array | undefined;
  for (const engine of ENGINES) {
    for (const input of [protobuf, json]) {
      const builder = new V2WriteRequestBuilder({ ...options, engine });
      builder.add(input);
      const built = builder.build();
      const read = readWriteRequest(builder.encodeSnappy());
      if (canonical(read.symbols) !== canonical(built.symbols)) fail(`${engine}: symbols differ after the round trip`);
      const readSeries = read.timeseries.map(({ labelsRefs, samples, histograms, exemplars, metadata }) => ({
        labelsRefs,
        samples,
        histograms,
        exemplars: exemplars.map(({ labelsRefs, value, timestamp }) => ({ labelsRefs, value, timestamp })),
        metadata,
      }));
      if (canonical(readSeries, knownWriterDifferences) !== canonical(built.timeseries, knownWriterDifferences)) {
        fail(`${engine}: series differ after the round trip\nbuilt: ${canonical(built.timeseries)}\nread:  ${canonical(readSeries)}`);
      }
      const bytes = builder.encode();
      if (reference === undefined) reference = bytes;
      else if (!sameBytes(reference, bytes)) fail(`${engine}/${typeof input === 'string' ? 'json' : 'protobuf'}: bytes differ from wasm/protobuf`);
    }
  }
}

/** Two long-lived builders, one per engine, reused across cases as a server would. */
export class EnginePair {
  readonly builders: Record<(typeof ENGINES)[number], V2WriteRequestBuilder>;

  constructor(options: BuilderOptions = {}) {
    this.builders = { wasm: new V2WriteRequestBuilder({ ...options, engine: 'wasm' }), js: new V2WriteRequestBuilder({ ...options, engine: 'js' }) };
  }

  wasmMemoryBytes(): number {
    return (this.builders.wasm as unknown as { engine: WasmSymbolEngine }).engine.memoryBytes();
  }
}

/** A good request and what each engine encodes for it alone. */
export interface Baseline {
  input: Uint8Array | string;
  encoded: Record<(typeof ENGINES)[number], Uint8Array>;
}

export function baseline(pair: EnginePair, input: Uint8Array | string): Baseline {
  const encoded = {} as Baseline['encoded'];
  for (const engine of ENGINES) encoded[engine] = pair.builders[engine].reset().add(input).encode();
  return { input, encoded };
}

/**
 * One mutated OTLP input after a good one, on both engines: add() either accepts it or throws one of
 * our typed errors. Rejected: the builder encodes exactly what it did before (rolled back). Accepted:
 * the output is a valid RW2 request (the reader's spec checks pass) and both engines agree byte for
 * byte. Returns whether it was accepted.
 */
export function checkOtlpMutation(pair: EnginePair, good: Baseline, mutated: Uint8Array, format: 'protobuf' | 'json'): boolean {
  let accepted: boolean | undefined;
  let acceptedBytes: Uint8Array | undefined;
  for (const engine of ENGINES) {
    const builder = pair.builders[engine];
    builder.reset().add(good.input);
    let ok = true;
    try {
      builder.add(mutated, format);
    } catch (error) {
      expectTyped(error, `add(${format})`);
      ok = false;
    }
    const bytes = builder.encode();
    if (!ok && !sameBytes(bytes, good.encoded[engine])) fail(`${engine}: a rejected request changed the builder's output`);
    if (ok) {
      try {
        readWriteRequest(bytes, { compressed: false });
      } catch (error) {
        fail(`${engine}: accepted input produced an invalid RW2 request: ${String(error)}`);
      }
    }
    if (accepted === undefined) {
      accepted = ok;
      acceptedBytes = bytes;
    } else {
      if (accepted !== ok) fail(`engines disagree: wasm ${accepted ? 'accepted' : 'rejected'}, js ${ok ? 'accepted' : 'rejected'}`);
      if (acceptedBytes !== undefined && !sameBytes(acceptedBytes, bytes)) fail('engines wrote different bytes');
    }
  }
  return accepted === true;
}

/** A mutated Remote-Write body: readWriteRequest returns or throws a typed error, in every mode. */
export function checkRwMutation(bytes: Uint8Array): number {
  let accepted = 0;
  for (const options of [{ compressed: true }, { compressed: false }, { compressed: false, protobufMessage: 'v1' as const }]) {
    try {
      readWriteRequest(bytes, options);
      accepted++;
    } catch (error) {
      expectTyped(error, `readWriteRequest(${JSON.stringify(options)})`);
    }
  }
  return accepted;
}

/** Runs `body`, failing when it took longer than the hang guard. */
export function guarded<T>(what: string, body: () => T): T {
  const start = performance.now();
  const result = body();
  const elapsed = performance.now() - start;
  if (elapsed > HANG_GUARD_MS) fail(`${what} took ${Math.round(elapsed)} ms (hang guard ${HANG_GUARD_MS} ms)`);
  return result;
}
