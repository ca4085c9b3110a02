import type { LazyPoints } from '../otlp/model.js';
import type { ContextLabels } from './point-label-sets.js';
import type { SeriesMetadata } from './sink.js';
import type { TimeRange } from './time-range.js';

/** How a metric's data points turn into series (the general path's translateNumberPoints & co.). */
export const PointKind = { GAUGE: 0, SUM: 1, HISTOGRAM: 2, EXPONENTIAL_HISTOGRAM: 3, SUMMARY: 4 } as const;
export type PointKind = (typeof PointKind)[keyof typeof PointKind];

/** One metric whose points the wasm engine's fused path walks from the OTLP bytes. */
export interface WalkedMetric {
  kind: PointKind;
  points: LazyPoints;
  /** The series names: the metric name (gauges, sums, native histograms, quantiles) and its suffixed ones. */
  name: string;
  sumName: string;
  countName: string;
  bucketName: string;
  metadata: SeriesMetadata;
  /** The labels every point gets on top of its attributes, as the sink's ids (MetricContext.contextLabels). */
  context: ContextLabels;
}

/**
 * Translates the points of one metric at a time from their bytes, with the translator's rules for
 * everything above the points; widens `times` with every point's timestamp (for target_info).
 * Throws FastPathDeclined when it cannot produce exactly the general path's series.
 */
export interface PointBytesWalker {
  walk(metric: WalkedMetric, times: TimeRange): void;
}

/** The fast path cannot settle this request exactly: the general path takes it. */
export class FastPathDeclined extends Error {
  override name = 'FastPathDeclined';
}
