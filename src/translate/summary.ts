import { FLAG_NO_RECORDED_VALUE, type SummaryDataPoint } from '../otlp/model.js';
import type { MetricContext } from './context.js';
import { formatFloatPositional } from './format-float.js';

/**
 * Summary points (addSummaryDataPoints, R41): `_sum` (always), `_count`, then one series per quantile
 * with `quantile` formatted like `le`. NoRecordedValue makes every value stale. No exemplars.
 */
export function translateSummaryPoints(context: MetricContext, points: readonly SummaryDataPoint[]): void {
  const { sink, metadata, metricName } = context;
  for (const point of points) {
    const stale = (point.flags & FLAG_NO_RECORDED_VALUE) !== 0;
    const { startTimeMs, timeMs } = point;
    const base = context.pointLabels(point.attributes);
    sink.sample(context.seriesOf(base, `${metricName}_sum`), metadata, timeMs, point.sum, startTimeMs, stale, undefined);
    sink.sample(context.seriesOf(base, `${metricName}_count`), metadata, timeMs, point.count, startTimeMs, stale, undefined);
    for (const { quantile, value } of point.quantileValues) {
      const labels = context.seriesOf(base, metricName, 'quantile', formatFloatPositional(quantile));
      sink.sample(labels, metadata, timeMs, value, startTimeMs, stale, undefined);
    }
  }
}
