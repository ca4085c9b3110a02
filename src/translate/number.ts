import { FLAG_NO_RECORDED_VALUE, type NumberDataPoint } from '../otlp/model.js';
import type { MetricContext } from './context.js';
import { exemplarsOf } from './exemplars.js';

/**
 * Gauges and sums: one sample per point. Sums carry their exemplars (Prometheus attaches exemplars to
 * sum samples, not to gauge samples). NoRecordedValue marks the series stale.
 */
export function translateNumberPoints(context: MetricContext, points: readonly NumberDataPoint[], withExemplars: boolean): void {
  for (const point of points) {
    const labels = context.seriesLabels(point.attributes, context.metricName);
    const stale = (point.flags & FLAG_NO_RECORDED_VALUE) !== 0;
    const exemplars = withExemplars && point.exemplars.length > 0 ? exemplarsOf(point.exemplars) : undefined;
    context.sink.sample(labels, context.metadata, point.timeMs, point.value, point.startTimeMs, stale, exemplars);
  }
}
