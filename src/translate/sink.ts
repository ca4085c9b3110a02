import type { Histogram, MetricType } from '../rw/types.js';

/**
 * Where translation delivers its output: series identified by their label set, with points. The
 * builder implements it; translation never sees symbols or bytes.
 *
 * Labels are flat [name0, value0, name1, value1, ...] lists sorted by name in UTF-8 byte order with
 * unique names and no empty values. The sink may keep the array.
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

/**
 * Strings are handed over once and referred to by id: a histogram point's ~17 series share one label
 * set (`labelSet`) and differ in `__name__` and `le`, so a series is (set, name id, extra label ids).
 */
export interface SeriesSink {
  /** The id of a string (a label name or value). */
  stringId(value: string): number;
  /** The id of `value` formatted as Prometheus formats `le` and `quantile` values. */
  floatLabelId(value: number): number;
  /** The id of a flat sorted label list without `__name__` (see FlatLabels). */
  labelSet(labels: FlatLabels): number;
  /**
   * The id of a label set given as ids[0, length): flat (name id, value id) pairs of stringId ids,
   * sorted by name text in UTF-8 byte order, names unique, no `__name__`. `ids` may be reused after.
   */
  labelSetOfIds(ids: Int32Array, length: number): number;
  /**
   * A sample of the series labelled `set` plus `__name__` = `name` and, unless `extraName` is -1,
   * `extraName` = `extraValue` (both overwriting a label of the same name).
   */
  sample(
    set: number,
    name: number,
    extraName: number,
    extraValue: number,
    metadata: SeriesMetadata,
    timestamp: number,
    value: number,
    startTimestamp: number,
    stale: boolean,
    exemplars: readonly ExemplarOutput[] | undefined,
  ): void;
  /**
   * What `sample` does for each i < count, in order, without exemplars: series `set` plus `__name__` =
   * `name` and `extraName` = extraValues[i], value values[i]. A histogram point's buckets (or a summary
   * point's quantiles) in one call, so a run of new series is checked and stored once per run.
   */
  sampleRun(
    set: number,
    name: number,
    extraName: number,
    extraValues: Int32Array,
    values: Float64Array,
    count: number,
    metadata: SeriesMetadata,
    timestamp: number,
    startTimestamp: number,
    stale: boolean,
  ): void;
  histogram(set: number, name: number, metadata: SeriesMetadata, histogram: Histogram, exemplars: readonly ExemplarOutput[] | undefined): void;
  /** A metric (with `points` data points) that was not translated, and why. */
  dropped(reason: DropReason, metricName: string, points: number, detail: string): void;
}

/** `extraName` of a series without an extra label. */
export const NO_LABEL = -1;
