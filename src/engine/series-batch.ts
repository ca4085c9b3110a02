/**
 * The columns of a batch of series, in string ids: the layout assembly/series.ts and
 * assembly/request.ts read from WASM memory, and the js engine from an ArrayBuffer of its own. The
 * builder fills them; the engine numbers the symbols (series-numbering.ts) or writes the bytes
 * (series-writer.ts).
 *
 * Labels stay string ids (the builder's small integers for distinct strings) until the engine writes
 * them: the engine holds the request's label sets (`SymbolEngine.labelSets`) and each id's symbol index
 * (`SymbolEngine.idSymbols`), so a batch is mostly bulk copies of the builder's columns.
 */
export interface SeriesBatch {
  count: number;
  /**
   * Per series, SERIES_FIELDS numbers: its label set; the two labels put in, name id and value id each
   * (`__name__`, then `le` or `quantile`, or NO_SECOND_LABEL and 0: the engine plans where they go,
   * series-plan.ts); then the metadata type, help id and unit id.
   */
  series: Uint32Array;
  /** Numbering only: room for the longest series' merged labels plus 2 (it merges there, then adds help and unit). */
  labelScratch: Uint32Array;
  /** Series i's samples are rows [rowStart[i], rowStart[i + 1]). */
  rowStart: Uint32Array;
  value: Float64Array;
  timestamp: Float64Array;
  startTimestamp: Float64Array;
  /** 1: the sample is Prometheus's stale marker. */
  stale: Uint8Array;
  /** rc.3 created_timestamp per series (field 6), written when asked for and not 0. */
  created: Float64Array;
  /** Series i's histogram and exemplar fields, already encoded, are extraBytes[extraStart[i], extraStart[i + 1]). */
  extraStart: Uint32Array;
  extraBytes: Uint8Array;
  /** For numbering only: series i's exemplar label ids are exemplarIds[exemplarIdStart[i], exemplarIdStart[i + 1]). */
  exemplarIdStart: Uint32Array;
  exemplarIds: Uint32Array;
  /** Byte offset of each column from the batch's base, in the order of the fields above. */
  offsets: number[];
}

/** `series` numbers per series: set, name, value, second name, second value, type, help id, unit id. */
export const SERIES_FIELDS = 8;
/** Where the put-in labels and the metadata start in a series' fields. */
export const LABELS_FIELD = 1;
export const TYPE_FIELD = 5;
/** The second put-in label's name when a series has one only. */
export const NO_SECOND_LABEL = 0xffffffff;

/** The sizes of a batch: series, the most label refs one series has, sample rows, extra bytes, exemplar label ids. */
export interface SeriesBatchSize {
  count: number;
  maxLabelRefs: number;
  rows: number;
  extraBytes: number;
  exemplarIds: number;
}

/** Byte offsets of the columns (each 8-aligned) and the total size of a batch of `size`. */
export function seriesBatchLayout(size: SeriesBatchSize): { offsets: number[]; bytes: number } {
  const { count, maxLabelRefs, rows, extraBytes, exemplarIds } = size;
  const sizes = [4 * SERIES_FIELDS * count, 4 * maxLabelRefs, 4 * (count + 1), 8 * rows, 8 * rows, 8 * rows, rows, 8 * count, 4 * (count + 1), extraBytes, 4 * (count + 1), 4 * exemplarIds];
  const offsets: number[] = [];
  let at = 0;
  for (const size of sizes) {
    offsets.push(at);
    at += (size + 7) & ~7;
  }
  return { offsets, bytes: at };
}

/** Views of a batch laid out by seriesBatchLayout at `base` in `buffer`. */
export function seriesBatchViews(buffer: ArrayBufferLike, base: number, size: SeriesBatchSize): SeriesBatch {
  const { count, maxLabelRefs, rows, extraBytes, exemplarIds } = size;
  const { offsets } = seriesBatchLayout(size);
  const at = (column: number): number => base + offsets[column];
  return {
    count,
    series: new Uint32Array(buffer, at(0), SERIES_FIELDS * count),
    labelScratch: new Uint32Array(buffer, at(1), maxLabelRefs),
    rowStart: new Uint32Array(buffer, at(2), count + 1),
    value: new Float64Array(buffer, at(3), rows),
    timestamp: new Float64Array(buffer, at(4), rows),
    startTimestamp: new Float64Array(buffer, at(5), rows),
    stale: new Uint8Array(buffer, at(6), rows),
    created: new Float64Array(buffer, at(7), count),
    extraStart: new Uint32Array(buffer, at(8), count + 1),
    extraBytes: new Uint8Array(buffer, at(9), extraBytes),
    exemplarIdStart: new Uint32Array(buffer, at(10), count + 1),
    exemplarIds: new Uint32Array(buffer, at(11), exemplarIds),
    offsets,
  };
}

/** The request's label sets in string ids, held by the engine: set s is pool[start[s], start[s + 1]), sorted (name, value) pairs. */
export interface LabelSetViews {
  pool: Uint32Array;
  start: Uint32Array;
}
