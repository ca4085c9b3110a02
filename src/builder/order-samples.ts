import type { Histogram } from '../rw/types.js';
import type { ExemplarOutput } from '../translate/sink.js';
import { SampleColumns } from './columns.js';
import type { SeriesTable } from './series-table.js';

/**
 * Where each series' rows are once ordered: rows of series s are [start[s], start[s + 1]) in the
 * table's samples, histograms and exemplars.
 */
export interface SeriesRows {
  sampleStart: Int32Array;
  histogramStart: Int32Array;
  exemplarStart: Int32Array;
}

/**
 * Groups the table's rows by series (stable: arrival order within a series) and orders each series'
 * samples and histograms by timestamp, as RW receivers append in order and reject out-of-order points.
 * Two points at one timestamp: the later one wins (a repeated target_info sample, or a point sent
 * twice); if the values differ it is counted, since Prometheus would refuse the second as a duplicate.
 * The table's columns are rewritten in that order, so later adds append to ordered data.
 */
export function orderSeriesRows(table: SeriesTable, spare: SampleColumns): { rows: SeriesRows; spare: SampleColumns } {
  const drops = table.drops.points;
  const sampleCount = table.samples.length;
  const sampleStart = countBySeries(table.size, table.samples.series, sampleCount);
  const source = table.samples;
  // One add into a fresh builder appends each series' rows as the series appear: already grouped.
  const grouped = rowsGrouped(source.series, sampleCount);
  const ordered = grouped ? source : spare;
  if (!grouped) {
    ordered.ensure(sampleCount);
    const cursor = sampleStart.slice(0, table.size);
    for (let row = 0; row < sampleCount; row++) ordered.copyRow(source, row, cursor[source.series[row]]++);
  }
  // Order and deduplicate each series in place, compacting towards the front; nothing to do when no
  // series has two rows (one add of points with distinct labels: the loop was ~2% of end to end).
  let kept = 0;
  const single = atMostOneRowEach(sampleStart, table.size);
  if (single) kept = sampleCount;
  for (let s = single ? table.size : 0; s < table.size; s++) {
    const from = sampleStart[s];
    const to = sampleStart[s + 1];
    sampleStart[s] = kept;
    if (to - from > 1 && !rowsSorted(ordered.timestamp, from, to)) sortRows(ordered, from, to);
    for (let row = from; row < to; row++) {
      const last = kept - 1;
      if (row > from && ordered.timestamp[last] === ordered.timestamp[row]) {
        if (!Object.is(ordered.value[last], ordered.value[row]) || ordered.stale[last] !== ordered.stale[row]) drops.duplicate_timestamp++;
        ordered.copyRow(ordered, row, last);
      } else {
        if (kept !== row) ordered.copyRow(ordered, row, kept);
        kept++;
      }
    }
  }
  sampleStart[table.size] = kept;
  ordered.length = kept;
  const previous = grouped ? spare : table.samples;
  table.samples = ordered;
  const histogramStart = orderHistograms(table);
  const exemplarStart = groupRows(table.size, table.exemplarSeries, table.exemplars);
  return { rows: { sampleStart, histogramStart, exemplarStart }, spare: previous };
}

function atMostOneRowEach(start: Int32Array, size: number): boolean {
  for (let s = 0; s < size; s++) if (start[s + 1] - start[s] > 1) return false;
  return true;
}

/** Whether rows are already grouped by series in series order (the series column never decreases). */
function rowsGrouped(series: Int32Array, rows: number): boolean {
  for (let row = 1; row < rows; row++) if (series[row] < series[row - 1]) return false;
  return true;
}

/** start[s] = first row of series s after a stable grouping; start[size] = row count. */
function countBySeries(size: number, series: ArrayLike<number>, rows: number): Int32Array {
  const start = new Int32Array(size + 1);
  for (let row = 0; row < rows; row++) start[series[row] + 1]++;
  for (let s = 0; s < size; s++) start[s + 1] += start[s];
  return start;
}

function rowsSorted(timestamps: Float64Array, from: number, to: number): boolean {
  for (let row = from + 1; row < to; row++) if (timestamps[row] < timestamps[row - 1]) return false;
  return true;
}

/** Stable sort of rows [from, to) by timestamp. */
function sortRows(columns: SampleColumns, from: number, to: number): void {
  const rows = Array.from({ length: to - from }, (_, i) => from + i);
  rows.sort((a, b) => columns.timestamp[a] - columns.timestamp[b]);
  const copy = new SampleColumns();
  copy.ensure(rows.length);
  rows.forEach((row, i) => copy.copyRow(columns, row, i));
  for (let i = 0; i < rows.length; i++) columns.copyRow(copy, i, from + i);
}

/** Groups histograms by series, orders each by timestamp, and keeps the later of two at one timestamp. */
function orderHistograms(table: SeriesTable): Int32Array {
  const drops = table.drops.points;
  const start = groupRows(table.size, table.histogramSeries, table.histograms);
  const histograms = table.histograms;
  let kept = 0;
  for (let s = 0; s < table.size; s++) {
    const from = start[s];
    const to = start[s + 1];
    start[s] = kept;
    // Most series have no histogram (samples) or one; only more need a copy to sort and deduplicate.
    if (to - from <= 1) {
      if (to > from) {
        histograms[kept] = histograms[from];
        table.histogramSeries[kept] = s;
        kept++;
      }
      continue;
    }
    let series: Histogram[] = histograms.slice(from, to);
    if (series.length > 1 && !sortedByTimestamp(series)) series = series.sort((a, b) => a.timestamp - b.timestamp);
    for (let i = 0; i < series.length; i++) {
      if (i > 0 && histograms[kept - 1].timestamp === series[i].timestamp) {
        drops.duplicate_timestamp++;
        histograms[kept - 1] = series[i];
      } else {
        histograms[kept] = series[i];
        table.histogramSeries[kept] = s;
        kept++;
      }
    }
  }
  start[table.size] = kept;
  histograms.length = kept;
  table.histogramSeries.length = kept;
  return start;
}

/** Reorders `values` (and their `series` tags) so each series' rows are contiguous, stable. */
function groupRows<T extends Histogram | ExemplarOutput>(size: number, series: number[], values: T[]): Int32Array {
  const start = countBySeries(size, series, series.length);
  if (values.length === 0) return start;
  const cursor = start.slice(0, size);
  const grouped: T[] = new Array(values.length);
  const groupedSeries: number[] = new Array(values.length);
  for (let row = 0; row < values.length; row++) {
    const at = cursor[series[row]]++;
    grouped[at] = values[row];
    groupedSeries[at] = series[row];
  }
  for (let row = 0; row < values.length; row++) {
    values[row] = grouped[row];
    series[row] = groupedSeries[row];
  }
  return start;
}

function sortedByTimestamp(points: readonly Histogram[]): boolean {
  for (let i = 1; i < points.length; i++) if (points[i].timestamp < points[i - 1].timestamp) return false;
  return true;
}
