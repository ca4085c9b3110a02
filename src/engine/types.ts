/**
 * The hot path behind one small interface: a per-request symbol table that interns UTF-8 bytes.
 *
 * RW2 requests carry every string once in `symbols` and refer to it by index. The engine owns that
 * table. Internally each symbol is a packed uint32 reference (offset and length of its UTF-8 bytes in
 * the engine's byte arena); the wire only ever sees indices.
 *
 * Two implementations: `wasm` (AssemblyScript, assembly/) and `js` (pure TypeScript). For the same
 * sequence of calls both MUST produce the same indices and the same bytes.
 */
import type { Limits } from '../limits.js';
import type { FusedRequest, FusedRules } from './fused-request.js';
import type { LabelSetViews, SeriesBatch, SeriesBatchSize } from './series-batch.js';

export type EngineKind = 'wasm' | 'js';

export interface SymbolEngine {
  readonly kind: EngineKind;

  /** Forgets every symbol but "" (index 0, present from construction); keeps all capacity. */
  reset(): void;

  /**
   * Interns `strings[0..count)` in order and writes each one's symbol index to `out[i]`.
   * The first occurrence of a string gets the next free index; later ones get the same index.
   */
  internBatch(strings: readonly string[], count: number, out: Uint32Array): void;

  /** Interns one string; returns its symbol index. */
  intern(value: string): number;

  /** Number of symbols, "" included. */
  readonly size: number;

  /** Total UTF-8 byte length of all symbols. */
  readonly byteLength: number;

  /** The packed uint32 reference of symbol `index` (see packed-ref.ts for the layout). */
  ref(index: number): number;

  /** Byte offset of symbol `index` in `arena()`. */
  offsetOf(index: number): number;

  /** UTF-8 byte length of symbol `index`. */
  lengthOf(index: number): number;

  /**
   * The byte arena holding every symbol's UTF-8 bytes. A view: valid only until the next call that
   * interns or resets (WASM memory growth detaches it).
   */
  arena(): Uint8Array;

  /** Symbol `index` decoded back to a string (resolution of its packed reference). */
  resolve(index: number): string;

  /**
   * Views for the caller to fill with the request's label sets in string ids, `setCount` sets of
   * `poolLength` ids in all (series-batch.ts). Valid until the next call on this engine; the engine
   * keeps the contents for numberSeries and writeSeries.
   */
  labelSets(poolLength: number, setCount: number): LabelSetViews;

  /**
   * The distinct label names of the label sets (string ids below `idCount`), first seen first; a view
   * valid until the next call. Call after filling labelSets; it clears the ranks rankNames sets.
   */
  labelNames(idCount: number): Uint32Array;

  /**
   * Ranks label names in the order given: every name labelNames listed and every name a series puts in
   * (`__name__`, `le`, `quantile`), sorted by their strings (UTF-8 byte order). The engine plans where
   * each series' put-in labels go by these ranks (series-plan.ts).
   */
  rankNames(sorted: ArrayLike<number>): void;

  /**
   * Column views for a batch of series of the given sizes (series-batch.ts), for the caller to fill.
   * Valid until the next call on this engine.
   */
  seriesBatch(size: SeriesBatchSize): SeriesBatch;

  /** Starts numbering the strings of string ids [0, idCount) in first use (series-numbering.ts). */
  beginNumbering(idCount: number): void;

  /** Numbers the strings the batch's series use, after those of earlier batches since beginNumbering. */
  numberSeries(batch: SeriesBatch): void;

  /** The string ids numbered since beginNumbering, in first-use order; a view valid until the next call. */
  numbered(): Uint32Array;

  /**
   * A view for the caller to fill with the symbol index of each string id [0, idCount), which
   * writeSeries writes labels, help and unit with. Valid until the next call; the engine keeps it.
   */
  idSymbols(idCount: number): Uint32Array;

  /** The batch's series as RW2 `Request.timeseries` entries (field 5), back to back; a view valid until the next call. */
  writeSeries(batch: SeriesBatch, withCreatedTimestamp: boolean): Uint8Array;

  /** The wasm engine's fused OTLP -> RW2 path (fused-request.ts); the js engine has none. */
  fusedRequest?(rules: FusedRules, limits: Limits, withCreated: boolean): FusedRequest;
}
