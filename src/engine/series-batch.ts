/**
 * The columns of a batch of series to write as Remote-Write 2.0 `Request.timeseries` entries: the
 * layout assembly/series.ts reads from WASM memory, and the js engine from an ArrayBuffer of its own.
 * The builder fills them; the engine writes the bytes (series-writer.ts / assembly/series.ts).
 */
export interface SeriesBatch {
  count: number;
  /** The label sets of the batch's series as symbol indices, (name, value) pairs sorted by name, back to back. */
  setPairs: Uint32Array;
  /**
   * Per series, SERIES_LABEL_FIELDS numbers: where its set starts in setPairs, the set's pair count,
   * and the merge plan of merge-labels.ts in symbol indices (`__name__` and `le`/`quantile` put in).
   */
  labelPlan: Uint32Array;
  /** Room for the longest series' merged labels (the writers merge there). */
  labelScratch: Uint32Array;
  /** Series i's samples are rows [rowStart[i], rowStart[i + 1]). */
  rowStart: Uint32Array;
  value: Float64Array;
  timestamp: Float64Array;
  startTimestamp: Float64Array;
  /** 1: the sample is Prometheus's stale marker. */
  stale: Uint8Array;
  /** type, help ref, unit ref per series. */
  metadata: Uint32Array;
  /** rc.3 created_timestamp per series (field 6), written when asked for and not 0. */
  created: Float64Array;
  /** Series i's histogram and exemplar fields, already encoded, are extraBytes[extraStart[i], extraStart[i + 1]). */
  extraStart: Uint32Array;
  extraBytes: Uint8Array;
  /** Byte offset of each column from the batch's base, in the order of assembly/series.ts writeSeries. */
  offsets: number[];
}

/** labelPlan numbers per series: set start, pair count, then the six of a merge plan. */
export const SERIES_LABEL_FIELDS = 8;

/** The sizes of a batch: series, set pair refs, the most refs one series has, sample rows, extra bytes. */
export interface SeriesBatchSize {
  count: number;
  setRefs: number;
  maxLabelRefs: number;
  rows: number;
  extraBytes: number;
}

/** Byte offsets of the columns (each 8-aligned) and the total size of a batch of `size`. */
export function seriesBatchLayout(size: SeriesBatchSize): { offsets: number[]; bytes: number } {
  const { count, setRefs, maxLabelRefs, rows, extraBytes } = size;
  const sizes = [4 * setRefs, 4 * SERIES_LABEL_FIELDS * count, 4 * maxLabelRefs, 4 * (count + 1), 8 * rows, 8 * rows, 8 * rows, rows, 12 * count, 8 * count, 4 * (count + 1), extraBytes];
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
  const { count, setRefs, maxLabelRefs, rows, extraBytes } = size;
  const { offsets } = seriesBatchLayout(size);
  const at = (column: number): number => base + offsets[column];
  return {
    count,
    setPairs: new Uint32Array(buffer, at(0), setRefs),
    labelPlan: new Uint32Array(buffer, at(1), SERIES_LABEL_FIELDS * count),
    labelScratch: new Uint32Array(buffer, at(2), maxLabelRefs),
    rowStart: new Uint32Array(buffer, at(3), count + 1),
    value: new Float64Array(buffer, at(4), rows),
    timestamp: new Float64Array(buffer, at(5), rows),
    startTimestamp: new Float64Array(buffer, at(6), rows),
    stale: new Uint8Array(buffer, at(7), rows),
    metadata: new Uint32Array(buffer, at(8), 3 * count),
    created: new Float64Array(buffer, at(9), count),
    extraStart: new Uint32Array(buffer, at(10), count + 1),
    extraBytes: new Uint8Array(buffer, at(11), extraBytes),
    offsets,
  };
}
