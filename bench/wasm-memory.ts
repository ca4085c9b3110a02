/**
 * How much WASM memory the wasm engine holds. `WasmSymbolEngine.memoryBytes()` exists but the builder
 * does not expose its engine, so two ways in, both bench-only:
 *
 * - `builderWasmMemoryBytes(builder)`: reads the builder's private `engine` field at run time. Not
 *   public API: it returns undefined (and callers print "n/a") the day the field moves.
 * - `probeWasmMemoryBytes(rw2Bytes)`: a fresh engine from createEngine('wasm') interning the request's
 *   symbols (symbols[1..], "" is built in) in one batch, as the builder does when it assembles a request,
 *   through public modules only. It measures one request's table, not what a long-lived builder kept.
 */

import { createEngine } from '../dist/engine/index.js';
import { V2WriteRequestBuilder, readWriteRequest } from '../dist/index.js';

interface WithMemoryBytes {
  memoryBytes(): number;
}

function hasMemoryBytes(value: unknown): value is WithMemoryBytes {
  return typeof value === 'object' && value !== null && typeof (value as Partial<WithMemoryBytes>).memoryBytes === 'function';
}

export function builderWasmMemoryBytes(builder: V2WriteRequestBuilder): number | undefined {
  const engine: unknown = Reflect.get(builder, 'engine');
  return hasMemoryBytes(engine) ? engine.memoryBytes() : undefined;
}

export function probeWasmMemoryBytes(rw2Bytes: Uint8Array): number | undefined {
  const { symbols } = readWriteRequest(rw2Bytes, { compressed: false, maxDecompressedBytes: Number.POSITIVE_INFINITY });
  const engine = createEngine('wasm');
  const strings = symbols.slice(1);
  engine.internBatch(strings, strings.length, new Uint32Array(strings.length));
  return hasMemoryBytes(engine) ? engine.memoryBytes() : undefined;
}
