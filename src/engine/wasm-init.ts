/**
 * How the library's two WASM modules (the symbol engine, assembly/, and snappy-wasm) get compiled.
 *
 * Both are embedded as base64, so every platform can compile them from the bytes alone. Node (and
 * workers) compile them synchronously on first use. Browsers must not: Chrome refuses synchronous
 * `new WebAssembly.Module` of larger modules on the main thread, so the browser entry (src/browser.ts)
 * turns the synchronous path off and compiles both in `ready()`, from the embedded bytes or from
 * wherever the caller says. Platform-neutral on purpose: no Node built-in is imported here.
 */

import { Otlp2PrwError } from '../errors.js';

/** Where a WASM module may come from: its bytes, a compiled module, a URL to fetch, or a fetch Response. */
export type WasmSource = BufferSource | WebAssembly.Module | URL | Response;

/** A WASM-backed feature used before `await ready()` where the synchronous path is off (browsers). */
export class WasmNotReadyError extends Otlp2PrwError {
  override name = 'WasmNotReadyError';
  /** Which module was missing: the symbol engine ('engine') or snappy-wasm ('snappy'). */
  readonly module: 'engine' | 'snappy';

  constructor(module: 'engine' | 'snappy', message: string) {
    super('wasm_not_ready', message);
    this.module = module;
  }
}

let synchronousInit = true;

/** Called once by the browser entry when it loads: from then on only `ready()` may compile WASM. */
export function requireAsyncInit(): void {
  synchronousInit = false;
}

/** Whether a module may still be compiled synchronously on first use (Node, workers, tests). */
export function synchronousInitAllowed(): boolean {
  return synchronousInit;
}

/** base64 -> bytes with atob, which Node >= 16 and every browser have (no Buffer). */
export function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Compiles a module asynchronously. A URL or Response is streamed (`compileStreaming`) when the server
 * says `application/wasm`; otherwise its bytes are read first, as wasm-bindgen's own loader does.
 */
export async function compileWasm(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof URL === 'function' && source instanceof URL) source = await fetch(source);
  if (typeof Response === 'function' && source instanceof Response) {
    if (!source.ok) throw new Error(`fetching ${source.url || 'the WASM module'} failed: HTTP ${source.status}`);
    if (typeof WebAssembly.compileStreaming === 'function' && source.headers.get('Content-Type') === 'application/wasm') {
      return WebAssembly.compileStreaming(source);
    }
    return WebAssembly.compile(await source.arrayBuffer());
  }
  return WebAssembly.compile(source as BufferSource);
}
