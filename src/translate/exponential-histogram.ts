import { FLAG_NO_RECORDED_VALUE, type ExponentialHistogramDataPoint } from '../otlp/model.js';
import { type Histogram, ResetHint } from '../rw/types.js';
import { convertBucketsLayout } from './bucket-layout.js';
import type { MetricContext } from './context.js';
import { exemplarsOf } from './exemplars.js';

/** Native histogram schemas Prometheus accepts for exponential buckets. */
export const MIN_EXPONENTIAL_SCALE = -4;
const MAX_SCHEMA = 8;
/** Prometheus ignores the OTLP zero_threshold and always uses this one (R39). */
const ZERO_THRESHOLD = 1e-128;

/** The first scale Prometheus cannot convert in a metric's points, or undefined. */
export function unconvertibleScale(points: readonly ExponentialHistogramDataPoint[]): number | undefined {
  for (const point of points) if (point.scale < MIN_EXPONENTIAL_SCALE) return point.scale;
  return undefined;
}

/**
 * Exponential histogram points as integer native histograms (exponentialToNativeHistogram, R38-R40):
 * schema = scale, or 8 with the buckets merged when the scale is above 8; zero threshold 1e-128; both
 * bucket ranges through Prometheus's layout; sum 0 when absent; every exemplar on the sample.
 * NoRecordedValue: the sum is the stale marker and the count its bits read as an integer (R44).
 */
export function translateExponentialHistogramPoints(context: MetricContext, points: readonly ExponentialHistogramDataPoint[]): void {
  const { sink, metadata, metricName } = context;
  const name = context.nameId(metricName);
  for (const point of points) {
    const schema = Math.min(point.scale, MAX_SCHEMA);
    const scaleDown = point.scale - schema;
    const positive = convertBucketsLayout(point.positive.bucketCounts, point.positive.offset, scaleDown, true);
    const negative = convertBucketsLayout(point.negative.bucketCounts, point.negative.offset, scaleDown, true);
    const histogram: Histogram = {
      countInt: point.count,
      sum: point.sum ?? 0,
      schema,
      zeroThreshold: ZERO_THRESHOLD,
      zeroCountInt: point.zeroCount,
      negativeSpans: negative.spans,
      negativeDeltas: negative.deltas,
      negativeCounts: [],
      positiveSpans: positive.spans,
      positiveDeltas: positive.deltas,
      positiveCounts: [],
      resetHint: ResetHint.UNSPECIFIED,
      timestamp: point.timeMs,
      customValues: [],
      startTimestamp: point.startTimeMs,
    };
    if ((point.flags & FLAG_NO_RECORDED_VALUE) !== 0) histogram.stale = true;
    const exemplars = point.exemplars.length > 0 ? exemplarsOf(point.exemplars) : undefined;
    sink.histogram(context.pointSet(point.attributes), name, metadata, histogram, exemplars);
  }
}
