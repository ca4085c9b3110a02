/**
 * The fused path's strings (label names and values, metric names, help, units): JS gives each distinct
 * string an id, appends its UTF-8 bytes to the module's string store before the request is written,
 * and keeps each label name's rank in UTF-8 byte order in the module (assembly/fused/strings.ts), so
 * that the module sorts labels by comparing integers. Ids live across requests with the module's
 * attribute and float caches that refer to them; past MAX_STRINGS all three start over.
 */

import { compareUtf8 } from '../rw/label-order.js';
import { FastPathDeclinedError } from './errors.js';
import { MAX_UTF8_BYTES_PER_CODE_UNIT, writeUtf8 } from './utf8.js';

/** Distinct strings kept across requests (ever-new attribute values would grow the table). */
const MAX_STRINGS = 1 << 20;
/** A lone surrogate: encoded as U+FFFD, two such strings would be one symbol in the general path. */
const LONE_SURROGATE = /\p{Surrogate}/u;

export interface FusedStringExports {
  readonly memory: WebAssembly.Memory;
  fusedClearCaches(): void;
  fusedEnsureStringBytes(bytes: number): number;
  fusedStringBytesPointer(): number;
  fusedStringByteLength(): number;
  fusedEnsureIds(count: number): number;
  fusedAddStrings(lengths: number, count: number): number;
  fusedRanksPointer(): number;
  fusedEnsureScratch(bytes: number): number;
  fusedScratchPointer(): number;
}

export class FusedStrings {
  private readonly ids = new Map<string, number>();
  /** Texts by id. */
  readonly texts: string[] = [];
  /** Label name ids sorted by text; rankOf[id] is the index here (or -1: not a label name). */
  private readonly ordered: number[] = [];
  private isName = new Uint8Array(1024);
  /** Strings whose bytes the module does not have yet: ids from here on. */
  private flushed = 0;

  constructor(private readonly wasm: FusedStringExports) {
    this.clear();
  }

  get count(): number {
    return this.texts.length;
  }

  /** Starts a request: past MAX_STRINGS, forgets every string (and the module's caches of them). */
  beginRequest(): void {
    if (this.texts.length > MAX_STRINGS) this.clear();
  }

  private clear(): void {
    this.ids.clear();
    this.texts.length = 0;
    this.ordered.length = 0;
    this.isName.fill(0);
    this.flushed = 0;
    this.wasm.fusedClearCaches();
    // Id 0 is "" (symbol 0 in every request).
    this.id('');
  }

  /** The id of `text`, made on first use (the module gets room for its rank at once). */
  id(text: string): number {
    let id = this.ids.get(text);
    if (id !== undefined) return id;
    if (LONE_SURROGATE.test(text)) throw new FastPathDeclinedError('a string with a lone surrogate');
    id = this.texts.length;
    this.texts.push(text);
    this.ids.set(text, id);
    if (id >= this.isName.length) {
      const grown = new Uint8Array(2 * this.isName.length);
      grown.set(this.isName);
      this.isName = grown;
    }
    if (this.wasm.fusedEnsureIds(id + 1) === 0) throw new FastPathDeclinedError('out of memory');
    return id;
  }

  /** The id of label name `text`, ranked among the label names (the module's ranks are updated). */
  labelName(text: string): number {
    const id = this.id(text);
    if (this.isName[id] === 1) return id;
    const ordered = this.ordered;
    let low = 0;
    let high = ordered.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareUtf8(this.texts[ordered[middle]], text) < 0) low = middle + 1;
      else high = middle;
    }
    ordered.splice(low, 0, id);
    this.isName[id] = 1;
    // A new name renumbers the names after it; names are few.
    const ranks = new Uint32Array(this.wasm.memory.buffer, (this.wasm.fusedRanksPointer() >>> 0), this.texts.length);
    for (let i = low; i < ordered.length; i++) ranks[ordered[i]] = i;
    return id;
  }

  text(id: number): string {
    return this.texts[id];
  }

  /** Appends the bytes of every string made since the last flush to the module's string store. */
  flush(): void {
    const count = this.texts.length - this.flushed;
    if (count === 0) return;
    let bound = 0;
    for (let id = this.flushed; id < this.texts.length; id++) bound += this.texts[id].length * MAX_UTF8_BYTES_PER_CODE_UNIT;
    if (this.wasm.fusedEnsureStringBytes(bound) === 0 || this.wasm.fusedEnsureScratch(4 * count) === 0) throw new FastPathDeclinedError('out of memory');
    const buffer = this.wasm.memory.buffer;
    const bytes = new Uint8Array(buffer, (this.wasm.fusedStringBytesPointer() >>> 0));
    const lengths = new Uint32Array(buffer, (this.wasm.fusedScratchPointer() >>> 0), count);
    let at = this.wasm.fusedStringByteLength() >>> 0;
    for (let i = 0; i < count; i++) {
      const written = writeUtf8(this.texts[this.flushed + i], bytes, at);
      lengths[i] = written;
      at += written;
    }
    if (this.wasm.fusedAddStrings((this.wasm.fusedScratchPointer() >>> 0), count) === 0) throw new FastPathDeclinedError('out of memory');
    this.flushed = this.texts.length;
  }
}
