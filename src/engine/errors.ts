import { Otlp2PrwError } from '../errors.js';

/** Why an engine call failed. The table stays consistent (every symbol fully added or absent). */
export const SymbolEngineErrorCode = {
  /** WASM memory (or a JS typed array) could not grow to hold the symbols. */
  OUT_OF_MEMORY: 'OUT_OF_MEMORY',
  /** 2^24 long refs already exist (see packed-ref.ts); reset before interning more. */
  TOO_MANY_LONG_REFS: 'TOO_MANY_LONG_REFS',
  /** A symbol index at or beyond `size`. */
  INDEX_OUT_OF_RANGE: 'INDEX_OUT_OF_RANGE',
  /** internBatch's `count` exceeds `strings.length` or `out.length`. */
  INVALID_COUNT: 'INVALID_COUNT',
  /** A series batch names a label set or string id the engine was not given: a bug in the caller. */
  MALFORMED_SERIES: 'MALFORMED_SERIES',
  /** The WASM module reported a status the TS shell should have made impossible: a bug. */
  WASM_PROTOCOL: 'WASM_PROTOCOL',
  /** The WASM module called env.abort (release builds have no assertions, so this is a bug). */
  WASM_ABORT: 'WASM_ABORT',
} as const;

export type SymbolEngineErrorCode = (typeof SymbolEngineErrorCode)[keyof typeof SymbolEngineErrorCode];

/** The engine could not take more symbols (memory or reference space exhausted); the builder rolls back. */
export class SymbolEngineError extends Otlp2PrwError {
  override name = 'SymbolEngineError';
  declare readonly code: SymbolEngineErrorCode;

  constructor(code: SymbolEngineErrorCode, message: string) {
    super(code, message);
  }
}

/** A series batch naming a label set or string id beyond what the engine was given (MALFORMED_SERIES). */
export function malformedSeries(what: string): SymbolEngineError {
  return new SymbolEngineError(SymbolEngineErrorCode.MALFORMED_SERIES, `series batch names ${what}, beyond what the engine was given`);
}

/** The fused path cannot produce exactly the general path's request: the builder takes the general path. */
export class FastPathDeclinedError extends Error {
  override name = 'FastPathDeclinedError';
}
