import type { Metric } from '../otlp/model.js';

/** Earliest and latest data point timestamps (ms) seen in one resource, for target_info. */
export class TimeRange {
  earliest = Number.POSITIVE_INFINITY;
  latest = Number.NEGATIVE_INFINITY;

  get isEmpty(): boolean {
    return this.earliest > this.latest;
  }

  add(timestamp: number): void {
    if (timestamp < this.earliest) this.earliest = timestamp;
    if (timestamp > this.latest) this.latest = timestamp;
  }
}

/** Widens `range` with the timestamps of every data point of `metric`, whatever its type. */
export function pointTimeRange(metric: Metric, range: TimeRange): void {
  if (metric.data.type === 'empty') return;
  for (const point of metric.data.points) range.add(point.timeMs);
}
