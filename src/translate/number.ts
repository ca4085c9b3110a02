import { FLAG_NO_RECORDED_VALUE, type NumberDataPoint } from '../otlp/model.js';
import type { MetricContext } from './context.js';
import { exemplarsOf } from './exemplars.js';
import { NO_LABEL } from './sink.js';

/**
 * Gauges and sums: one sample per point. Sums carry their exemplars (Prometheus attaches exemplars to
 * sum samples, not to gauge samples). NoRecordedValue marks the series stale.
 */
export function translateNumberPoints(context: MetricContext, points: readonly NumberDataPoint[], withExemplars: boolean): void {
  const name = context.nameId(context.metricName);
  for (const point of points) {
    const set = context.pointSet(point.attributes);
    const stale = (point.flags & FLAG_NO_RECORDED_VALUE) !== 0;
    const exemplars = withExemplars && point.exemplars.length > 0 ? exemplarsOf(point.exemplars) : undefined;
    context.sink.sample(set, name, NO_LABEL, 0, context.metadata, point.timeMs, point.value, point.startTimeMs, stale, exemplars);
  }
}
