import type { Histogram, MetricType } from '../rw/types.js';

/**
 * Where translation delivers its output: series identified by their label set, with points. The
 * builder implements it; translation never sees symbols or bytes.
 *
 * `labels` is a flat [name0, value0, name1, value1, ...] list sorted by name in UTF-8 byte order with
 * unique names and no empty values; it includes `__name__`. The sink may keep the array.
 */
export type FlatLabels = string[];

export interface SeriesMetadata {
  type: MetricType;
  /** The metric family name (for RW1 metadata): the name before `_bucket`/`_sum`/`_count`. */
  family: string;
  help: string;
  unit: string;
}

export interface ExemplarOutput {
  /** Flat, sorted labels (trace_id, span_id, filtered attributes). */
  labels: FlatLabels;
  value: number;
  timestamp: number;
}

export type DropReason =
  | 'invalid_temporality'
  | 'no_data_points'
  | 'unsupported_metric_type'
  | 'invalid_metric_name'
  | 'invalid_label_name'
  | 'invalid_scale'
  | 'invalid_exemplar'
  | 'delta_temporality';

export interface SeriesSink {
  sample(
    labels: FlatLabels,
    metadata: SeriesMetadata,
    timestamp: number,
    value: number,
    startTimestamp: number,
    stale: boolean,
    exemplars: readonly ExemplarOutput[] | undefined,
  ): void;
  histogram(labels: FlatLabels, metadata: SeriesMetadata, histogram: Histogram, exemplars: readonly ExemplarOutput[] | undefined): void;
  /** A metric (with `points` data points) that was not translated, and why. */
  dropped(reason: DropReason, metricName: string, points: number, detail: string): void;
}
