/**
 * The columns of a batch of series to write as Remote-Write 2.0 `Request.timeseries` entries: the
 * layout assembly/series.ts reads from WASM memory, and the js engine from an ArrayBuffer of its own.
 * The builder fills them; the engine writes the bytes (series-writer.ts / assembly/series.ts).
 */
export interface SeriesBatch {
  count: number;
  /** Series i's label refs are labelRefs[labelStart[i], labelStart[i + 1]). */
  labelStart: Uint32Array;
  /** Symbol indices, (name, value) pairs in label order. */
  labelRefs: Uint32Array;
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

/** Byte offsets of the columns (each 8-aligned) and the total size, for `count` series, `labels` refs, `rows` samples and `extraBytes`. */
export function seriesBatchLayout(count: number, labels: number, rows: number, extraBytes: number): { offsets: number[]; bytes: number } {
  const sizes = [4 * (count + 1), 4 * labels, 4 * (count + 1), 8 * rows, 8 * rows, 8 * rows, rows, 12 * count, 8 * count, 4 * (count + 1), extraBytes];
  const offsets: number[] = [];
  let at = 0;
  for (const size of sizes) {
    offsets.push(at);
    at += (size + 7) & ~7;
  }
  return { offsets, bytes: at };
}

/** Views of a batch laid out by seriesBatchLayout at `base` in `buffer`. */
export function seriesBatchViews(buffer: ArrayBufferLike, base: number, count: number, labels: number, rows: number, extraBytes: number): SeriesBatch {
  const { offsets } = seriesBatchLayout(count, labels, rows, extraBytes);
  const at = (column: number): number => base + offsets[column];
  return {
    count,
    labelStart: new Uint32Array(buffer, at(0), count + 1),
    labelRefs: new Uint32Array(buffer, at(1), labels),
    rowStart: new Uint32Array(buffer, at(2), count + 1),
    value: new Float64Array(buffer, at(3), rows),
    timestamp: new Float64Array(buffer, at(4), rows),
    startTimestamp: new Float64Array(buffer, at(5), rows),
    stale: new Uint8Array(buffer, at(6), rows),
    metadata: new Uint32Array(buffer, at(7), 3 * count),
    created: new Float64Array(buffer, at(8), count),
    extraStart: new Uint32Array(buffer, at(9), count + 1),
    extraBytes: new Uint8Array(buffer, at(10), extraBytes),
    offsets,
  };
}
