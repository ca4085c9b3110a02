/**
 * Plain-object shapes of a Remote-Write 2.0 request (`io.prometheus.write.v2.Request`, spec 2.0-rc.4),
 * field for field. Timestamps are int64 milliseconds held in JS numbers (exact up to 2^53 ms, far past
 * any real date). A sample or histogram sum that is a Prometheus staleness marker carries `stale: true`,
 * because a JS number cannot be trusted to keep the marker's NaN payload.
 */

/** Metadata.MetricType (RW2). */
export const MetricType = {
  UNSPECIFIED: 0,
  COUNTER: 1,
  GAUGE: 2,
  HISTOGRAM: 3,
  GAUGEHISTOGRAM: 4,
  SUMMARY: 5,
  INFO: 6,
  STATESET: 7,
} as const;
export type MetricType = (typeof MetricType)[keyof typeof MetricType];

/** Histogram.ResetHint (RW2). */
export const ResetHint = { UNSPECIFIED: 0, YES: 1, NO: 2, GAUGE: 3 } as const;
export type ResetHint = (typeof ResetHint)[keyof typeof ResetHint];

/** Prometheus's staleness marker: a NaN with this exact bit pattern (model/value StaleNaN). */
export const STALE_NAN_HIGH_BITS = 0x7ff00000;
export const STALE_NAN_LOW_BITS = 0x00000002;

export interface Sample {
  value: number;
  timestamp: number;
  /** rc.4 start timestamp (ms); 0 = unset. */
  startTimestamp: number;
  stale?: true;
}

export interface BucketSpan {
  offset: number;
  length: number;
}

/** A native histogram. Exactly one of countInt/countFloat and of zeroCountInt/zeroCountFloat is set. */
export interface Histogram {
  countInt?: number;
  countFloat?: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCountInt?: number;
  zeroCountFloat?: number;
  negativeSpans: BucketSpan[];
  /** Integer histograms: bucket counts delta-encoded from the previous bucket. */
  negativeDeltas: number[];
  /** Float histograms: absolute bucket counts. */
  negativeCounts: number[];
  positiveSpans: BucketSpan[];
  positiveDeltas: number[];
  positiveCounts: number[];
  resetHint: ResetHint;
  timestamp: number;
  /** Upper bounds for custom-bucket histograms (schema -53). */
  customValues: number[];
  startTimestamp: number;
  /** The sum is the staleness marker. */
  stale?: true;
}

export interface Exemplar {
  labelsRefs: number[];
  value: number;
  timestamp: number;
}

export interface Metadata {
  type: MetricType;
  helpRef: number;
  unitRef: number;
}

export interface TimeSeries {
  labelsRefs: number[];
  samples: Sample[];
  histograms: Histogram[];
  exemplars: Exemplar[];
  metadata: Metadata;
}

export interface WriteRequest {
  symbols: string[];
  timeseries: TimeSeries[];
}

/** Name/value pairs, in wire order. */
export type Labels = Array<{ name: string; value: string }>;
