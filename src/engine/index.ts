/** The hot-path engines behind one interface (types.ts); `wasm` unless told otherwise. */

import { JsSymbolEngine } from './js.js';
import type { EngineKind, SymbolEngine } from './types.js';
import { WasmSymbolEngine } from './wasm.js';

export type { EngineKind, SymbolEngine } from './types.js';
export { SymbolEngineError, SymbolEngineErrorCode } from './errors.js';

export function createEngine(kind: EngineKind = 'wasm'): SymbolEngine {
  return kind === 'wasm' ? new WasmSymbolEngine() : new JsSymbolEngine();
}
