import { FLAG_NO_RECORDED_VALUE, type Exemplar, type HistogramDataPoint } from '../otlp/model.js';
import { type Histogram, ResetHint } from '../rw/types.js';
import { convertBucketsLayout } from './bucket-layout.js';
import type { MetricContext } from './context.js';
import { exemplarsOf } from './exemplars.js';
import { NO_LABEL } from './sink.js';

/**
 * Explicit-bucket histogram points as classic Prometheus series (addHistogramDataPoints, R36): per point
 * `_sum` (only when the point has a sum), `_count`, one cumulative `_bucket{le}` per bound that has a
 * count, and `_bucket{le="+Inf"}` = count. NoRecordedValue makes every value stale (R44). Exemplars go
 * on the buckets (R47); `_sum` and `_count` carry none.
 */
export function translateClassicHistogramPoints(context: MetricContext, points: readonly HistogramDataPoint[]): void {
  const { sink, metadata, metricName } = context;
  const sumName = context.nameId(`${metricName}_sum`);
  const countName = context.nameId(`${metricName}_count`);
  const bucketName = context.nameId(`${metricName}_bucket`);
  const le = context.nameId('le');
  const infinity = context.nameId('+Inf');
  // The `le` ids of the last bounds seen, then `+Inf`: a metric's points nearly always share one bucket layout.
  let lastBounds: readonly number[] = [];
  let leIds = new Int32Array(1);
  let values = new Float64Array(1);
  for (const point of points) {
    const stale = (point.flags & FLAG_NO_RECORDED_VALUE) !== 0;
    const { startTimeMs, timeMs, explicitBounds: bounds } = point;
    const set = context.pointSet(point.attributes);
    if (point.sum !== undefined) {
      sink.sample(set, sumName, NO_LABEL, 0, metadata, timeMs, point.sum, startTimeMs, stale, undefined);
    }
    sink.sample(set, countName, NO_LABEL, 0, metadata, timeMs, point.count, startTimeMs, stale, undefined);
    const finite = Math.min(bounds.length, point.bucketCounts.length);
    if (!sameBounds(bounds, lastBounds, finite)) {
      lastBounds = bounds;
      if (leIds.length <= bounds.length) leIds = new Int32Array(bounds.length + 1);
      for (let i = 0; i < bounds.length; i++) leIds[i] = sink.floatLabelId(bounds[i]);
    }
    if (values.length <= finite) values = new Float64Array(finite + 1);
    let cumulative = 0;
    for (let i = 0; i < finite; i++) {
      cumulative += point.bucketCounts[i];
      values[i] = cumulative;
    }
    if (point.exemplars.length === 0) {
      // `+Inf` after the finite buckets; this point's own entry, as leIds[finite] may be a bound's.
      const bound = leIds[finite];
      leIds[finite] = infinity;
      values[finite] = point.count;
      sink.sampleRun(set, bucketName, le, leIds, values, finite + 1, metadata, timeMs, startTimeMs, stale);
      leIds[finite] = bound;
      continue;
    }
    const bucketExemplars = assignExemplarsToBuckets(point.exemplars, bounds);
    for (let i = 0; i < finite; i++) {
      sink.sample(set, bucketName, le, leIds[i], metadata, timeMs, values[i], startTimeMs, stale, bucketExemplars[i]);
    }
    sink.sample(set, bucketName, le, infinity, metadata, timeMs, point.count, startTimeMs, stale, bucketExemplars[bounds.length]);
  }
}

/**
 * Whether the first `count` bounds of `bounds` and `previous` have the same `le` texts: Object.is, as
 * -0 formats as "-0" and 0 as "0", and NaN is one text.
 */
function sameBounds(bounds: readonly number[], previous: readonly number[], count: number): boolean {
  // The protobuf decoder shares one array between points with the same bounds bytes.
  if (bounds === previous) return true;
  if (previous.length < count) return false;
  for (let i = 0; i < count; i++) if (!Object.is(bounds[i], previous[i])) return false;
  return true;
}

const NO_BUCKET_EXEMPLARS: ReadonlyArray<undefined> = Object.freeze([]);

/**
 * Prometheus >= 3.7 places exemplars in one forward pass over the bounds without sorting them (R47):
 * exemplars are taken in input order while their value is not above the current bound; the rest go to
 * `+Inf`. Index i is bound i; index bounds.length is `+Inf`.
 */
function assignExemplarsToBuckets(exemplars: readonly Exemplar[], bounds: readonly number[]): ReadonlyArray<ReturnType<typeof exemplarsOf> | undefined> {
  // Most points have no exemplars: every index of this empty array reads as undefined.
  if (exemplars.length === 0) return NO_BUCKET_EXEMPLARS;
  const perBucket: Array<ReturnType<typeof exemplarsOf> | undefined> = new Array(bounds.length + 1);
  const converted = exemplarsOf(exemplars);
  let cursor = 0;
  for (let b = 0; b < bounds.length; b++) {
    const start = cursor;
    while (cursor < exemplars.length && !(exemplars[cursor].value > bounds[b])) cursor++;
    if (cursor > start) perBucket[b] = converted.slice(start, cursor);
  }
  if (cursor < exemplars.length) perBucket[bounds.length] = converted.slice(cursor);
  return perBucket;
}

/**
 * Explicit-bucket histogram points as native histograms with custom buckets (convertHistogramsToNHCB,
 * R37): schema -53, the bounds as custom_values, leading empty buckets skipped through the first span's
 * offset, integer counts delta-encoded; all exemplars on the one sample.
 */
export function translateCustomBucketsHistogramPoints(context: MetricContext, points: readonly HistogramDataPoint[]): void {
  const { sink, metadata, metricName } = context;
  const name = context.nameId(metricName);
  for (const point of points) {
    let leadingZeros = 0;
    while (leadingZeros < point.bucketCounts.length && point.bucketCounts[leadingZeros] === 0) leadingZeros++;
    const layout = convertBucketsLayout(point.bucketCounts.slice(leadingZeros), leadingZeros, 0, false);
    const histogram: Histogram = {
      countInt: point.count,
      sum: point.sum ?? 0,
      schema: -53,
      zeroThreshold: 0,
      zeroCountInt: 0,
      negativeSpans: [],
      negativeDeltas: [],
      negativeCounts: [],
      positiveSpans: layout.spans,
      positiveDeltas: layout.deltas,
      positiveCounts: [],
      resetHint: ResetHint.UNSPECIFIED,
      timestamp: point.timeMs,
      customValues: point.explicitBounds.slice(),
      startTimestamp: point.startTimeMs,
    };
    if ((point.flags & FLAG_NO_RECORDED_VALUE) !== 0) histogram.stale = true;
    const exemplars = point.exemplars.length > 0 ? exemplarsOf(point.exemplars) : undefined;
    sink.histogram(context.pointSet(point.attributes), name, metadata, histogram, exemplars);
  }
}
