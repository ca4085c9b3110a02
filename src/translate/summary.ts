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
  let quantileIds = new Int32Array(8);
  let values = new Float64Array(8);
  for (const point of points) {
    const stale = (point.flags & FLAG_NO_RECORDED_VALUE) !== 0;
    const { startTimeMs, timeMs } = point;
    const set = context.pointSet(point.attributes);
    sink.sample(set, sumName, NO_LABEL, 0, metadata, timeMs, point.sum, startTimeMs, stale, undefined);
    sink.sample(set, countName, NO_LABEL, 0, metadata, timeMs, point.count, startTimeMs, stale, undefined);
    const quantiles = point.quantileValues;
    if (quantileIds.length < quantiles.length) {
      quantileIds = new Int32Array(quantiles.length);
      values = new Float64Array(quantiles.length);
    }
    for (let q = 0; q < quantiles.length; q++) {
      quantileIds[q] = sink.floatLabelId(quantiles[q].quantile);
      values[q] = quantiles[q].value;
    }
    sink.sampleRun(set, name, quantileLabel, quantileIds, values, quantiles.length, metadata, timeMs, startTimeMs, stale);
  }
}
