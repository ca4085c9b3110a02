import type { DropStats, SeriesRecord } from './series-table.js';

/**
 * RW receivers append samples in order and reject out-of-order ones, so each series' samples (and
 * histograms) are sorted by timestamp. Two points at one timestamp: the later one wins (a repeated
 * target_info sample, or a point sent twice); if their values differ it is counted, since Prometheus
 * would refuse the second as a duplicate sample.
 */
export function orderSamples(record: SeriesRecord, drops: DropStats): void {
  const samples = record.samples;
  if (samples.length > 1) {
    if (!isSorted(samples)) samples.sort((a, b) => a.timestamp - b.timestamp);
    let kept = 0;
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i];
      if (kept > 0 && samples[kept - 1].timestamp === sample.timestamp) {
        const previous = samples[kept - 1];
        if (!Object.is(previous.value, sample.value) || previous.stale !== sample.stale) drops.points.duplicate_timestamp++;
        samples[kept - 1] = sample;
      } else samples[kept++] = sample;
    }
    samples.length = kept;
  }
  const histograms = record.histograms;
  if (histograms.length > 1) {
    if (!isSorted(histograms)) histograms.sort((a, b) => a.timestamp - b.timestamp);
    let kept = 0;
    for (let i = 0; i < histograms.length; i++) {
      if (kept > 0 && histograms[kept - 1].timestamp === histograms[i].timestamp) {
        drops.points.duplicate_timestamp++;
        histograms[kept - 1] = histograms[i];
      } else histograms[kept++] = histograms[i];
    }
    histograms.length = kept;
  }
}

function isSorted(points: ReadonlyArray<{ timestamp: number }>): boolean {
  for (let i = 1; i < points.length; i++) if (points[i].timestamp < points[i - 1].timestamp) return false;
  return true;
}
