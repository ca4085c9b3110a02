// src/browser.ts's init rules, in Node: importing the browser entry turns off synchronous WASM init, so
// this file has a module graph of its own (vitest isolates test files) in which only ready() compiles.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { V2WriteRequestBuilder, WasmNotReadyError, readWriteRequest, ready } from '../../src/browser.js';
import { WASM_BASE64 } from '../../src/engine/wasm-bytes.js';
import { SNAPPY_WASM_BASE64 } from '../../src/rw/snappy-wasm-bytes.js';

const REQUEST = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'up', gauge: { dataPoints: [{ timeUnixNano: '1000000000', asDouble: 1 }] } }] }] }] };
const engineWasm = () => Uint8Array.from(atob(WASM_BASE64), (char) => char.charCodeAt(0));
const snappyWasm = () => Uint8Array.from(atob(SNAPPY_WASM_BASE64), (char) => char.charCodeAt(0));

describe('browser entry: ready() before any WASM', () => {
  it('before ready(): a wasm builder throws WasmNotReadyError naming ready()', () => {
    expect(() => new V2WriteRequestBuilder()).toThrow(WasmNotReadyError);
    expect(() => new V2WriteRequestBuilder({ engine: 'wasm' })).toThrow(/`await ready\(\)`.*\{ engine: 'js' \}/);
  });

  it("before ready(): the 'js' engine encodes, but compressing or reading a snappy body throws naming ready()", () => {
    const builder = new V2WriteRequestBuilder({ engine: 'js' }).add(REQUEST);
    expect(builder.encode().length).toBeGreaterThan(0);
    expect(() => builder.encodeSnappy()).toThrow(WasmNotReadyError);
    expect(() => builder.encodeSnappy()).toThrow(/`await ready\(\)`.*'js' one too/);
    expect(() => readWriteRequest(new Uint8Array([1, 0]))).toThrow(WasmNotReadyError);
  });

  it('ready() refuses a module that is not the symbols module, and can be retried', async () => {
    await expect(ready({ wasm: snappyWasm() })).rejects.toThrow(/not the otlp2prw symbols module/);
    expect(() => new V2WriteRequestBuilder()).toThrow(WasmNotReadyError);
  });

  it('after ready({ wasm: Response, snappyWasm: bytes }): both engines write the same bytes, synchronously', async () => {
    await ready({ wasm: new Response(engineWasm(), { headers: { 'Content-Type': 'application/wasm' } }), snappyWasm: snappyWasm() });
    await ready(); // later calls: nothing to do
    const wasm = new V2WriteRequestBuilder({ engine: 'wasm' }).add(REQUEST);
    const js = new V2WriteRequestBuilder({ engine: 'js' }).add(REQUEST);
    expect(wasm.encodeSnappy()).toEqual(js.encodeSnappy());
    expect(readWriteRequest(wasm.encodeSnappy()).timeseries[0].labels).toEqual([{ name: '__name__', value: 'up' }]);
  });
});

describe('Node entry: unchanged, synchronous', () => {
  it('src/index.ts does not import the browser entry (so Node keeps synchronous init)', () => {
    expect(readFileSync(new URL('../../src/index.ts', import.meta.url), 'utf8')).not.toMatch(/browser/);
  });
});
