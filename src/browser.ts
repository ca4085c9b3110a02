/**
 * otlp2prw for browsers: the same API as the Node entry (src/index.ts), plus `ready()`.
 *
 *   import { ready, V2WriteRequestBuilder } from 'otlp2prw';
 *   await ready();                              // compiles both WASM modules, once per page
 *   const body = new V2WriteRequestBuilder().add(otlpJson).encodeSnappy();
 *
 * Chrome refuses synchronous WebAssembly compiles of larger modules on the main thread, so here
 * nothing compiles on first use, as it does in Node: `ready()` compiles asynchronously, and using a
 * WASM-backed feature before it resolves throws a WasmNotReadyError naming `ready()`. After that,
 * everything is synchronous, as in Node. No Node built-in is reachable from this file (the browser
 * bundle test checks it).
 */
import { compileSymbolModule } from './engine/wasm.js';
import { type WasmSource, requireAsyncInit } from './engine/wasm-init.js';
import { initSnappy } from './rw/snappy.js';

requireAsyncInit();

export interface ReadyOptions {
  /**
   * The symbol engine's WASM (build/symbols.wasm): bytes, a compiled module, a URL or a fetch Response.
   * Default: the copy embedded in this file.
   */
  wasm?: WasmSource;
  /** snappy-wasm's `es/snappy_bg.wasm`, in any of the same forms. Default: the embedded copy. */
  snappyWasm?: WasmSource;
}

/**
 * Compiles the engine and snappy-wasm asynchronously. Call (and await) it once before creating a
 * builder; later calls return at once. A failed call (a URL that does not load, say) may be retried.
 */
export async function ready(options: ReadyOptions = {}): Promise<void> {
  await Promise.all([compileSymbolModule(options.wasm), initSnappy(options.snappyWasm)]);
}

export { WasmNotReadyError } from './engine/wasm-init.js';
export type { WasmSource } from './engine/wasm-init.js';

// The same public API as the Node entry, which is platform-neutral: Node-only parts (HTTP sender,
// exporter, bridge) live behind their own subpaths.
export * from './index.js';
