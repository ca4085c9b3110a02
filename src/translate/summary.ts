import { FLAG_NO_RECORDED_VALUE, type SummaryDataPoint } from '../otlp/model.js';
import type { MetricContext } from './context.js';
import { NO_LABEL } from './sink.js';

/**
 * Summary points (addSummaryDataPoints, R41): `_sum` (always), `_count`, then one series per quantile
 * with `quantile` formatted like `le`. NoRecordedValue makes every value stale. No exemplars.
 */
export function translateSummaryPoints(context: MetricContext, points: readonly SummaryDataPoint[]): void {
  const { sink, metadata, metricName } = context;
  const sumName = context.nameId(`${metricName}_sum`);
  const countName = context.nameId(`${metricName}_count`);
  const name = context.nameId(metricName);
  const quantileLabel = context.nameId('quantile');
  for (const point of points) {
    const stale = (point.flags & FLAG_NO_RECORDED_VALUE) !== 0;
    const { startTimeMs, timeMs } = point;
    const set = context.pointSet(point.attributes);
    sink.sample(set, sumName, NO_LABEL, 0, metadata, timeMs, point.sum, startTimeMs, stale, undefined);
    sink.sample(set, countName, NO_LABEL, 0, metadata, timeMs, point.count, startTimeMs, stale, undefined);
    for (const { quantile, value } of point.quantileValues) {
      sink.sample(set, name, quantileLabel, sink.floatLabelId(quantile), metadata, timeMs, value, startTimeMs, stale, undefined);
    }
  }
}
