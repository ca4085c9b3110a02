/**
 * The pure-TypeScript engine: the same arena, packed refs and long-ref table as the WASM engine, with a
 * `Map<string, number>` as the hash table. V8 caches a string's hash in the string, so a repeated label
 * costs one Map lookup and no encoding; only a first occurrence is encoded into the arena.
 *
 * Why not a byte-keyed table like assembly/symbols.ts: it must UTF-8 encode every string, repeats
 * included, before hashing. The WASM engine is exactly that design with a faster hash loop, and on
 * bench/engine.bench.ts it does not beat this Map (Node 20.20, p50 per series: 63-65 vs 45-62 ns/string).
 */

import { SymbolEngineError, SymbolEngineErrorCode } from './errors.js';
import { grown } from './grown.js';
import { REF_OFFSET_LIMIT, isLongRef, longRefIndex, packLongRef, packRef, refLength, refOffset } from './packed-ref.js';
import { type LabelSetViews, type SeriesBatch, type SeriesBatchSize, seriesBatchLayout, seriesBatchViews } from './series-batch.js';
import { SeriesNumbering } from './series-numbering.js';
import { SeriesPlanner } from './series-plan.js';
import { SeriesWriter } from './series-writer.js';
import type { SymbolEngine } from './types.js';
import { MAX_UTF8_BYTES_PER_CODE_UNIT, toWellFormed, utf8Decoder, writeUtf8 } from './utf8.js';

// Same starting capacities as assembly/symbols.ts: one typical request fits without growing.
const INITIAL_ARENA_BYTES = 64 * 1024;
const INITIAL_SYMBOLS = 4096;
const INITIAL_LONG_REFS = 64;

export class JsSymbolEngine implements SymbolEngine {
  readonly kind = 'js' as const;

  /** Symbol index by string. Lone-surrogate strings are stored under their well-formed key too. */
  private readonly indexByString = new Map<string, number>();
  private arenaBytes = new Uint8Array(INITIAL_ARENA_BYTES);
  private arenaUsed = 0;
  /** refs[index] = packed ref; refs[0] = 0 is "" at offset 0 (RW2 spec: symbols[0] MUST be ""). */
  private refs = new Uint32Array(INITIAL_SYMBOLS);
  private count = 1;
  /** (offset, length) pairs for long refs. */
  private longRefs = new Uint32Array(2 * INITIAL_LONG_REFS);
  private longRefCount = 0;
  private batchBuffer = new ArrayBuffer(256 * 1024);
  private readonly seriesWriter = new SeriesWriter();
  private readonly numbering = new SeriesNumbering();
  private readonly planner = new SeriesPlanner();
  /** The request's label sets (labelSets) and each string id's symbol index (idSymbols). */
  private sets: LabelSetViews = { pool: new Uint32Array(0), start: new Uint32Array(1) };
  private setCount = 0;
  private symbolsOfIds = new Uint32Array(0);
  private idCount = 0;

  get size(): number {
    return this.count;
  }

  get byteLength(): number {
    return this.arenaUsed;
  }

  reset(): void {
    // Map.clear() drops V8's backing table; typed arrays keep their capacity.
    this.indexByString.clear();
    this.count = 1;
    this.arenaUsed = 0;
    this.longRefCount = 0;
  }

  internBatch(strings: readonly string[], count: number, out: Uint32Array): void {
    if (count > strings.length || count > out.length) {
      throw new SymbolEngineError(
        SymbolEngineErrorCode.INVALID_COUNT,
        `internBatch count ${count} exceeds strings (${strings.length}) or out (${out.length})`,
      );
    }
    for (let i = 0; i < count; i++) out[i] = this.intern(strings[i]);
  }

  intern(value: string): number {
    if (value.length === 0) return 0;
    const known = this.indexByString.get(value);
    return known !== undefined ? known : this.internFirstSeen(value);
  }

  ref(index: number): number {
    this.checkIndex(index);
    return this.refs[index];
  }

  offsetOf(index: number): number {
    const ref = this.ref(index);
    return isLongRef(ref) ? this.longRefs[2 * longRefIndex(ref)] : refOffset(ref);
  }

  lengthOf(index: number): number {
    const ref = this.ref(index);
    return isLongRef(ref) ? this.longRefs[2 * longRefIndex(ref) + 1] : refLength(ref);
  }

  arena(): Uint8Array {
    return this.arenaBytes.subarray(0, this.arenaUsed);
  }

  resolve(index: number): string {
    const offset = this.offsetOf(index);
    return utf8Decoder.decode(this.arenaBytes.subarray(offset, offset + this.lengthOf(index)));
  }

  /** A string the Map has not seen; it may still alias a symbol through its lone surrogates. */
  private internFirstSeen(value: string): number {
    const key = toWellFormed(value);
    if (key !== value) {
      const aliased = this.indexByString.get(key);
      if (aliased !== undefined) {
        this.indexByString.set(value, aliased);
        return aliased;
      }
    }
    const index = this.appendSymbol(key);
    this.indexByString.set(key, index);
    if (key !== value) this.indexByString.set(value, index);
    return index;
  }

  /** Encodes into the arena past its end, then commits; throws before committing anything. */
  private appendSymbol(value: string): number {
    const offset = this.arenaUsed;
    if (this.count === this.refs.length) this.refs = grown(this.refs, this.count + 1);
    this.reserveArena(offset + value.length * MAX_UTF8_BYTES_PER_CODE_UNIT);
    const length = writeUtf8(value, this.arenaBytes, offset);
    let ref = packRef(offset, length);
    if (ref < 0) ref = this.appendLongRef(offset, length);
    const index = this.count;
    this.refs[index] = ref;
    this.count = index + 1;
    this.arenaUsed = offset + length;
    return index;
  }

  private appendLongRef(offset: number, length: number): number {
    const longIndex = this.longRefCount;
    if (longIndex >= REF_OFFSET_LIMIT) {
      throw new SymbolEngineError(
        SymbolEngineErrorCode.TOO_MANY_LONG_REFS,
        `cannot intern a ${length}-byte symbol at offset ${offset}: all ${REF_OFFSET_LIMIT} long refs are used`,
      );
    }
    if (2 * longIndex + 2 > this.longRefs.length) this.longRefs = grown(this.longRefs, 2 * longIndex + 2);
    this.longRefs[2 * longIndex] = offset;
    this.longRefs[2 * longIndex + 1] = length;
    this.longRefCount = longIndex + 1;
    return packLongRef(longIndex);
  }

  private reserveArena(required: number): void {
    if (required > this.arenaBytes.length) this.arenaBytes = grown(this.arenaBytes, required);
  }

  private checkIndex(index: number): void {
    if (!(index >>> 0 === index && index < this.count)) {
      throw new SymbolEngineError(
        SymbolEngineErrorCode.INDEX_OUT_OF_RANGE,
        `symbol index ${index} out of range [0, ${this.count})`,
      );
    }
  }

  seriesBatch(size: SeriesBatchSize): SeriesBatch {
    const { bytes } = seriesBatchLayout(size);
    if (bytes > this.batchBuffer.byteLength) this.batchBuffer = new ArrayBuffer(Math.max(bytes, 2 * this.batchBuffer.byteLength));
    return seriesBatchViews(this.batchBuffer, 0, size);
  }

  labelSets(poolLength: number, setCount: number): LabelSetViews {
    if (this.sets.pool.length < poolLength) this.sets.pool = new Uint32Array(Math.max(poolLength, 2 * this.sets.pool.length));
    if (this.sets.start.length < setCount + 1) this.sets.start = new Uint32Array(Math.max(setCount + 1, 2 * this.sets.start.length));
    this.setCount = setCount;
    return { pool: this.sets.pool.subarray(0, poolLength), start: this.sets.start.subarray(0, setCount + 1) };
  }

  labelNames(idCount: number): Uint32Array {
    return this.planner.labelNames(this.sets, this.setCount, idCount);
  }

  rankNames(sorted: ArrayLike<number>): void {
    this.planner.rankNames(sorted);
  }

  beginNumbering(idCount: number): void {
    this.numbering.begin(idCount, this.setCount);
  }

  numberSeries(batch: SeriesBatch): void {
    this.numbering.number(batch, this.sets, this.planner);
  }

  numbered(): Uint32Array {
    return this.numbering.ordered();
  }

  idSymbols(idCount: number): Uint32Array {
    if (this.symbolsOfIds.length < idCount) this.symbolsOfIds = new Uint32Array(Math.max(idCount, 2 * this.symbolsOfIds.length));
    this.idCount = idCount;
    return this.symbolsOfIds.subarray(0, idCount);
  }

  writeSeries(batch: SeriesBatch, withCreatedTimestamp: boolean): Uint8Array {
    return this.seriesWriter.write(batch, this.sets, this.setCount, this.planner, this.symbolsOfIds.subarray(0, this.idCount), withCreatedTimestamp);
  }
}
