/**
 * Growable typed-array columns. Series and samples are stored column-wise instead of as one object
 * each: a 100k-point request has ~600k of them, and objects cost the garbage collector more than the
 * translation itself did (measured: GC was ~25% of add()).
 */

/** `column` itself when it holds `needed` elements, else a copy at least twice as long. */
export function grow<T extends Int32Array | Float64Array | Uint8Array>(column: T, needed: number): T {
  if (needed <= column.length) return column;
  const grown = new (column.constructor as new (length: number) => T)(capacityFor(column.length, needed));
  grown.set(column);
  return grown;
}

function capacityFor(current: number, needed: number): number {
  let capacity = Math.max(16, current * 2);
  while (capacity < needed) capacity *= 2;
  return capacity;
}

/** One row per sample: the series it belongs to, its time, value, start time and staleness. */
export class SampleColumns {
  length = 0;
  series: Int32Array = new Int32Array(1024);
  timestamp: Float64Array = new Float64Array(1024);
  value: Float64Array = new Float64Array(1024);
  startTimestamp: Float64Array = new Float64Array(1024);
  stale: Uint8Array = new Uint8Array(1024);

  push(series: number, timestamp: number, value: number, startTimestamp: number, stale: boolean): void {
    const row = this.length;
    if (row === this.series.length) this.grow(row + 1);
    this.series[row] = series;
    this.timestamp[row] = timestamp;
    this.value[row] = value;
    this.startTimestamp[row] = startTimestamp;
    this.stale[row] = stale ? 1 : 0;
    this.length = row + 1;
  }

  /** Copies row `from` of `source` into row `to` of this (which must have room: see ensure). */
  copyRow(source: SampleColumns, from: number, to: number): void {
    this.series[to] = source.series[from];
    this.timestamp[to] = source.timestamp[from];
    this.value[to] = source.value[from];
    this.startTimestamp[to] = source.startTimestamp[from];
    this.stale[to] = source.stale[from];
  }

  ensure(rows: number): void {
    if (rows > this.series.length) this.grow(rows);
  }

  private grow(rows: number): void {
    this.series = grow(this.series, rows);
    this.timestamp = grow(this.timestamp, rows);
    this.value = grow(this.value, rows);
    this.startTimestamp = grow(this.startTimestamp, rows);
    this.stale = grow(this.stale, rows);
  }
}
