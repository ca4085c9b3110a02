/**
 * The WASM engine: the TS shell over assembly/ (the only file touching `WebAssembly`).
 *
 * Boundary (assembly/index.ts): per chunk of strings, JS writes each string's UTF-8 byte length into
 * the output region and all their bytes back to back into the scratch region, makes ONE internBatch
 * call, and reads the indices back from the output region. Refs, long refs and arena bytes are read
 * through views on the module's memory. Label sets, id-to-symbol maps and series batches are written by
 * JS into regions the module sizes (assembly/request.ts, assembly/series.ts), one call per batch.
 */

import type { Limits } from '../limits.js';
import { SymbolEngineError, SymbolEngineErrorCode } from './errors.js';
import { type FusedImportHandler, type FusedModuleExports, FusedRequest, type FusedRules } from './fused-request.js';
import { isLongRef, longRefIndex, refLength, refOffset } from './packed-ref.js';
import { type LabelSetViews, type SeriesBatch, type SeriesBatchSize, seriesBatchLayout, seriesBatchViews } from './series-batch.js';
import type { SymbolEngine } from './types.js';
import { MAX_UTF8_BYTES_PER_CODE_UNIT, utf8Decoder, utf8Encoder, writeUtf8 } from './utf8.js';
import { WASM_BASE64 } from './wasm-bytes.js';
import { type WasmSource, WasmNotReadyError, compileWasm, decodeBase64, synchronousInitAllowed } from './wasm-init.js';

/** Status codes returned by the module; mirrors `enum Status` in assembly/symbols.ts. */
const WASM_STATUS = {
  OK: 0,
  OUT_OF_MEMORY: 1,
  MALFORMED_BATCH: 2,
  OUTPUT_TOO_SMALL: 3,
  TOO_MANY_LONG_REFS: 4,
} as const;

/** Scratch bytes reserved at construction: a series' labels, or a whole small request, per call. */
const INITIAL_SCRATCH_BYTES = 256 * 1024;
/** Strings per internBatch call at most (output region size); longer batches are chunked. */
const OUTPUT_INDICES = 16 * 1024;

/** The raw exports of assembly/index.ts, called directly (no loader, no generated bindings). */
interface SymbolModuleExports {
  readonly memory: WebAssembly.Memory;
  init(): number;
  scratchPtr(): number;
  scratchCapacity(): number;
  outputPtr(): number;
  ensureScratch(bytes: number): number;
  ensureOutput(count: number): number;
  internBatch(count: number): number;
  reset(): void;
  symbolCount(): number;
  arenaPtr(): number;
  arenaLength(): number;
  refsPtr(): number;
  longRefsPtr(): number;
  ensureSeriesInputBytes(bytes: number): number;
  seriesInputPointer(): number;
  seriesOutputPointer(): number;
  writeSeries(
    count: number, series: number, rowStart: number, values: number, timestamps: number, starts: number,
    stales: number, created: number, extraStart: number, extraBytes: number, withCreated: number,
  ): number;
  numberBatch(count: number, series: number, labelScratch: number, exemplarIdStart: number, exemplarIds: number): number;
  ensureLabelSets(poolLength: number, setCount: number): number;
  labelPoolPointer(): number;
  setStartsPointer(): number;
  beginNumbering(idCount: number): number;
  numberedPointer(): number;
  numberedLength(): number;
  ensureIdSymbols(idCount: number): number;
  idSymbolsPointer(): number;
  labelNames(idCount: number): number;
  labelNamesPointer(): number;
  rankNames(count: number): number;
}

/** Compiled once per process (or page); every engine instantiates it for its own memory. */
let compiledModule: WebAssembly.Module | undefined;
let compiling: Promise<void> | undefined;

/**
 * The compiled module; on first use, compiles the embedded bytes synchronously where that is allowed
 * (Node, workers). Older browsers' main threads refuse synchronous compiles over 4 kB (ours is ~9 kB),
 * so the browser entry requires `ready()`, one rule for both WASM modules.
 */
function symbolModule(): WebAssembly.Module {
  if (compiledModule === undefined) {
    if (!synchronousInitAllowed()) {
      throw new WasmNotReadyError(
        'engine',
        "the 'wasm' engine is not compiled yet: `await ready()` (from 'otlp2prw') before creating a V2WriteRequestBuilder. " +
          "{ engine: 'js' } needs no engine WASM, but encodeSnappy()/encodeRequests() still need ready() for snappy-wasm.",
      );
    }
    compiledModule = new WebAssembly.Module(decodeBase64(WASM_BASE64));
  }
  return compiledModule;
}

/**
 * Compiles the module asynchronously, from `source` or the embedded bytes; later calls share the
 * first one (a failed compile may be retried). For browsers, where synchronous compiles are refused.
 */
export function compileSymbolModule(source?: WasmSource): Promise<void> {
  if (compiledModule !== undefined) return Promise.resolve();
  compiling ??= compileWasm(source ?? decodeBase64(WASM_BASE64))
    .then(checkExports)
    .then(
      (module) => {
        compiledModule = module;
      },
      (error: unknown) => {
        compiling = undefined;
        throw error;
      },
    );
  return compiling;
}

/** The exports WasmSymbolEngine calls: a module from elsewhere (ready({ wasm })) must have them all. */
const REQUIRED_EXPORTS = ['memory', 'init', 'scratchPtr', 'scratchCapacity', 'outputPtr', 'ensureScratch', 'ensureOutput', 'internBatch', 'reset', 'symbolCount', 'arenaPtr', 'arenaLength', 'refsPtr', 'longRefsPtr', 'ensureSeriesInputBytes', 'seriesInputPointer', 'seriesOutputPointer', 'writeSeries',
  'numberBatch', 'ensureLabelSets', 'labelPoolPointer', 'setStartsPointer', 'beginNumbering', 'numberedPointer', 'numberedLength', 'ensureIdSymbols', 'idSymbolsPointer',
  'labelNames', 'labelNamesPointer', 'rankNames'];

function checkExports(module: WebAssembly.Module): WebAssembly.Module {
  const names = new Set(WebAssembly.Module.exports(module).map((entry) => entry.name));
  const missing = REQUIRED_EXPORTS.filter((name) => !names.has(name));
  if (missing.length > 0) {
    throw new SymbolEngineError(SymbolEngineErrorCode.WASM_PROTOCOL, `not the otlp2prw symbols module: no export ${missing.join(', ')}`);
  }
  return module;
}

function abort(_message: number, _file: number, line: number, column: number): never {
  throw new SymbolEngineError(SymbolEngineErrorCode.WASM_ABORT, `symbols.wasm aborted at ${line}:${column}`);
}

/** The fused path's imports of one instance, routed to its current request (none: decline every call). */
class FusedImports {
  handler: FusedImportHandler | undefined;

  readonly env = {
    abort,
    fusedAttributeLabel: (at: number, length: number): bigint => this.handler?.attributeLabel(at, length) ?? -1n,
    fusedFloatLabel: (value: number): number => this.handler?.floatLabel(value) ?? -1,
  };
}

export class WasmSymbolEngine implements SymbolEngine {
  readonly kind = 'wasm' as const;

  /** Each engine owns an instance, hence its own memory: builders never share a table. */
  private readonly wasm: SymbolModuleExports;
  private bytes: Uint8Array;
  private words: Uint32Array;
  private scratchStart = 0;
  private scratchEnd = 0;
  /** bytes[scratchStart, scratchEnd): kept to spare a subarray per call (~40 ns). */
  private scratchView: Uint8Array = new Uint8Array(0);
  private outputWordIndex = 0;

  /** internBatch may move the table's regions; these are re-read lazily (syncTable) when stale. */
  private tableStale = true;
  private symbolTotal = 1;
  /** The idCount of the last labelNames call: how many names rankNames can take. */
  private rankedIds = 0;
  private refsWordIndex = 0;
  private longRefsWordIndex = 0;
  private arenaStart = 0;

  private readonly oneString: string[] = [''];
  private readonly oneIndex = new Uint32Array(1);

  private readonly imports = new FusedImports();

  constructor() {
    const instance = new WebAssembly.Instance(symbolModule(), { env: this.imports.env });
    this.wasm = instance.exports as unknown as SymbolModuleExports;
    this.bytes = new Uint8Array(this.wasm.memory.buffer);
    this.words = new Uint32Array(this.wasm.memory.buffer);
    this.checkStatus(this.wasm.init(), 'init');
    this.afterGrowableCall();
    this.checkStatus(this.wasm.ensureOutput(OUTPUT_INDICES), 'ensureOutput');
    this.afterGrowableCall();
    this.growScratch(INITIAL_SCRATCH_BYTES);
  }

  /**
   * The fused path over this instance's memory (its regions are apart from the symbol table's): one
   * per builder, reused for each request it tries.
   */
  fusedRequest(rules: FusedRules, limits: Limits, withCreated: boolean): FusedRequest {
    const request = new FusedRequest(this.wasm as unknown as FusedModuleExports, rules, limits, withCreated);
    this.imports.handler = request;
    return request;
  }

  get size(): number {
    if (this.tableStale) this.syncTable();
    return this.symbolTotal;
  }

  get byteLength(): number {
    return this.wasm.arenaLength();
  }

  /** Bytes of this engine's WASM memory (not part of SymbolEngine: for steady-state tests). */
  memoryBytes(): number {
    return this.wasm.memory.buffer.byteLength;
  }

  reset(): void {
    this.wasm.reset();
    this.tableStale = true;
  }

  internBatch(strings: readonly string[], count: number, out: Uint32Array): void {
    if (count > strings.length || count > out.length) {
      throw new SymbolEngineError(
        SymbolEngineErrorCode.INVALID_COUNT,
        `internBatch count ${count} exceeds strings (${strings.length}) or out (${out.length})`,
      );
    }
    let next = 0;
    while (next < count) next = this.internChunk(strings, next, count, out);
  }

  intern(value: string): number {
    this.oneString[0] = value;
    this.internChunk(this.oneString, 0, 1, this.oneIndex);
    return this.oneIndex[0];
  }

  ref(index: number): number {
    this.checkIndex(index);
    this.afterGrowableCall();
    return this.words[this.refsWordIndex + index];
  }

  offsetOf(index: number): number {
    const ref = this.ref(index);
    return isLongRef(ref) ? this.words[this.longRefsWordIndex + 2 * longRefIndex(ref)] : refOffset(ref);
  }

  lengthOf(index: number): number {
    const ref = this.ref(index);
    return isLongRef(ref) ? this.words[this.longRefsWordIndex + 2 * longRefIndex(ref) + 1] : refLength(ref);
  }

  arena(): Uint8Array {
    if (this.tableStale) this.syncTable();
    this.afterGrowableCall();
    return this.bytes.subarray(this.arenaStart, this.arenaStart + this.wasm.arenaLength());
  }

  resolve(index: number): string {
    const offset = this.offsetOf(index); // first: it syncs arenaStart when the table moved
    const start = this.arenaStart + offset;
    return utf8Decoder.decode(this.bytes.subarray(start, start + this.lengthOf(index)));
  }

  seriesBatch(size: SeriesBatchSize): SeriesBatch {
    const { bytes } = seriesBatchLayout(size);
    this.checkStatus(this.wasm.ensureSeriesInputBytes(bytes), 'ensureSeriesInputBytes');
    this.afterGrowableCall();
    return seriesBatchViews(this.wasm.memory.buffer, (this.wasm.seriesInputPointer() >>> 0), size);
  }

  labelSets(poolLength: number, setCount: number): LabelSetViews {
    this.checkStatus(this.wasm.ensureLabelSets(poolLength, setCount), 'ensureLabelSets');
    this.afterGrowableCall();
    const buffer = this.wasm.memory.buffer;
    return { pool: new Uint32Array(buffer, (this.wasm.labelPoolPointer() >>> 0), poolLength), start: new Uint32Array(buffer, (this.wasm.setStartsPointer() >>> 0), setCount + 1) };
  }

  labelNames(idCount: number): Uint32Array {
    const count = this.wasm.labelNames(idCount);
    this.afterGrowableCall();
    if (count === -2) this.checkStatus(WASM_STATUS.OUT_OF_MEMORY, 'labelNames');
    if (count < 0) this.checkStatus(WASM_STATUS.MALFORMED_BATCH, 'labelNames');
    this.rankedIds = idCount;
    return new Uint32Array(this.wasm.memory.buffer, (this.wasm.labelNamesPointer() >>> 0), count);
  }

  rankNames(sorted: ArrayLike<number>): void {
    // labelNames made room for idCount names; more cannot be distinct ids below it.
    if (sorted.length > this.rankedIds) this.checkStatus(WASM_STATUS.MALFORMED_BATCH, 'rankNames');
    new Uint32Array(this.wasm.memory.buffer, (this.wasm.labelNamesPointer() >>> 0), sorted.length).set(sorted);
    if (this.wasm.rankNames(sorted.length) === 0) this.checkStatus(WASM_STATUS.MALFORMED_BATCH, 'rankNames');
  }

  beginNumbering(idCount: number): void {
    this.checkStatus(this.wasm.beginNumbering(idCount), 'beginNumbering');
    this.afterGrowableCall();
  }

  numberSeries(batch: SeriesBatch): void {
    const o = batch.offsets;
    this.checkStatus(this.wasm.numberBatch(batch.count, o[0], o[1], o[10], o[11]), 'numberSeries');
  }

  numbered(): Uint32Array {
    return new Uint32Array(this.wasm.memory.buffer, (this.wasm.numberedPointer() >>> 0), this.wasm.numberedLength());
  }

  idSymbols(idCount: number): Uint32Array {
    this.checkStatus(this.wasm.ensureIdSymbols(idCount), 'ensureIdSymbols');
    this.afterGrowableCall();
    return new Uint32Array(this.wasm.memory.buffer, (this.wasm.idSymbolsPointer() >>> 0), idCount);
  }

  writeSeries(batch: SeriesBatch, withCreatedTimestamp: boolean): Uint8Array {
    const o = batch.offsets;
    const written = this.wasm.writeSeries(batch.count, o[0], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], withCreatedTimestamp ? 1 : 0);
    this.afterGrowableCall();
    if (written < 0) this.checkStatus(-written, 'writeSeries');
    const start = (this.wasm.seriesOutputPointer() >>> 0);
    return this.bytes.subarray(start, start + written);
  }

  /**
   * Takes strings[first...] while their worst case (3 bytes per code unit) fits the scratch, encodes
   * them with one call, interns them with one call, and returns the next index to do.
   */
  private internChunk(strings: readonly string[], first: number, count: number, out: Uint32Array): number {
    // The fused path shares this memory and may have grown it since this engine's last call.
    this.afterGrowableCall();
    const firstWorstCase = strings[first].length * MAX_UTF8_BYTES_PER_CODE_UNIT;
    if (firstWorstCase > this.scratchEnd - this.scratchStart) this.growScratch(firstWorstCase);
    const words = this.words;
    const lengthsStart = this.outputWordIndex;
    const last = Math.min(count, first + OUTPUT_INDICES);
    let room = this.scratchEnd - this.scratchStart;
    let joined = '';
    let next = first;
    for (; next < last; next++) {
      const value = strings[next];
      room -= value.length * MAX_UTF8_BYTES_PER_CODE_UNIT;
      if (room < 0) break;
      joined += value;
      words[lengthsStart + next - first] = value.length; // right if all ASCII; else fixed below
    }
    const chunkLength = next - first;
    const written = utf8Encoder.encodeInto(joined, this.scratchView).written;
    // One byte per code unit means every string was ASCII, so each byte length is its .length.
    if (written !== joined.length) this.encodeStringByString(strings, first, chunkLength);
    const status = this.wasm.internBatch(chunkLength);
    this.tableStale = true;
    this.afterGrowableCall();
    this.checkStatus(status, 'internBatch');
    const indices = this.words;
    for (let i = 0; i < chunkLength; i++) out[first + i] = indices[lengthsStart + i];
    return next;
  }

  /** Non-ASCII chunk: re-encode each string to learn its own byte length. */
  private encodeStringByString(strings: readonly string[], first: number, chunkLength: number): void {
    const bytes = this.bytes;
    const words = this.words;
    let position = this.scratchStart;
    for (let i = 0; i < chunkLength; i++) {
      const written = writeUtf8(strings[first + i], bytes, position);
      words[this.outputWordIndex + i] = written;
      position += written;
    }
  }

  private growScratch(bytes: number): void {
    this.checkStatus(this.wasm.ensureScratch(bytes), 'ensureScratch');
    this.afterGrowableCall();
    this.syncScratch();
  }

  /**
   * The one place that follows memory growth. Call after every export that may grow memory (init,
   * ensureScratch, ensureOutput, internBatch): growth detaches the old ArrayBuffer and every view on it.
   */
  private afterGrowableCall(): void {
    // memory.grow detaches the old ArrayBuffer, which empties every view on it: reading `length` is
    // the same test as `bytes.buffer !== memory.buffer` without the Memory.buffer getter (~23 ns/call).
    if (this.bytes.length === 0) {
      const buffer = this.wasm.memory.buffer;
      this.bytes = new Uint8Array(buffer);
      this.words = new Uint32Array(buffer);
      this.scratchView = this.bytes.subarray(this.scratchStart, this.scratchEnd);
    }
  }

  private syncScratch(): void {
    this.scratchStart = (this.wasm.scratchPtr() >>> 0);
    this.scratchEnd = this.scratchStart + this.wasm.scratchCapacity();
    this.scratchView = this.bytes.subarray(this.scratchStart, this.scratchEnd);
    this.outputWordIndex = this.wasm.outputPtr() >>> 2;
  }

  private syncTable(): void {
    this.symbolTotal = this.wasm.symbolCount();
    this.refsWordIndex = this.wasm.refsPtr() >>> 2;
    this.longRefsWordIndex = this.wasm.longRefsPtr() >>> 2;
    this.arenaStart = (this.wasm.arenaPtr() >>> 0);
    this.tableStale = false;
  }

  private checkIndex(index: number): void {
    if (this.tableStale) this.syncTable();
    if (!(index >>> 0 === index && index < this.symbolTotal)) {
      throw new SymbolEngineError(
        SymbolEngineErrorCode.INDEX_OUT_OF_RANGE,
        `symbol index ${index} out of range [0, ${this.symbolTotal})`,
      );
    }
  }

  private checkStatus(status: number, call: string): void {
    if (status === WASM_STATUS.OK) return;
    if (status === WASM_STATUS.OUT_OF_MEMORY) {
      throw new SymbolEngineError(SymbolEngineErrorCode.OUT_OF_MEMORY, `${call}: WASM memory cannot grow further`);
    }
    if (status === WASM_STATUS.MALFORMED_BATCH && (call === 'numberSeries' || call === 'writeSeries' || call === 'labelNames' || call === 'rankNames')) {
      throw new SymbolEngineError(
        SymbolEngineErrorCode.MALFORMED_SERIES,
        `${call}: the series batch or label sets name a label set or string id beyond what the engine was given, or a label name without a rank`,
      );
    }
    if (status === WASM_STATUS.TOO_MANY_LONG_REFS) {
      throw new SymbolEngineError(SymbolEngineErrorCode.TOO_MANY_LONG_REFS, `${call}: all 2^24 long refs are used`);
    }
    throw new SymbolEngineError(SymbolEngineErrorCode.WASM_PROTOCOL, `${call}: unexpected WASM status ${status}`);
  }
}
