import type { KeyValue, Resource } from '../otlp/model.js';
import { MetricType } from '../rw/types.js';
import type { MetricContext } from './context.js';
import { NO_LABEL } from './sink.js';
import { SERVICE_INSTANCE_ID, SERVICE_NAME, SERVICE_NAMESPACE } from './labels.js';
import type { TimeRange } from './time-range.js';

const IDENTIFYING_ATTRIBUTES = [SERVICE_NAMESPACE, SERVICE_NAME, SERVICE_INSTANCE_ID];
const TARGET_INFO = 'target_info';
/** The help text Prometheus gives target_info. */
const TARGET_INFO_HELP = 'Target metadata';

/**
 * One `target_info` gauge (value 1) per resource, labelled with its non-identifying attributes plus
 * job/instance (Prometheus addResourceTargetInfo). None when the resource has only identifying
 * attributes, or neither job nor instance. Samples run from the resource's earliest to its latest
 * point timestamp every lookbackDelta/2, plus one at the latest, so the series never goes stale
 * between points; the sink deduplicates (labels, timestamp) within a request.
 */
export function addTargetInfo(resource: Resource, times: TimeRange, context: MetricContext): void {
  if (times.isEmpty) return;
  const attributes = resource.attributes;
  const nonIdentifying = attributes.filter((attribute) => !IDENTIFYING_ATTRIBUTES.includes(attribute.key));
  if (nonIdentifying.length === 0) return;
  const labelled: readonly KeyValue[] = context.options.keepIdentifyingResourceAttributes ? attributes : nonIdentifying;
  const name = context.options.namespace !== '' ? `${context.options.namespace}_${TARGET_INFO}` : TARGET_INFO;
  // target_info gets no __type__/__unit__ labels (R28).
  context.forMetric(name, MetricType.GAUGE, TARGET_INFO_HELP, '', false);
  const labels = context.targetInfoLabels(labelled);
  if (!hasLabel(labels, 'job') && !hasLabel(labels, 'instance')) return;
  const set = context.sink.labelSet(labels);
  const nameId = context.nameId(name);
  const interval = context.options.lookbackDeltaMs / 2;
  const steps = Math.ceil((times.latest - times.earliest) / interval);
  // Prometheus emits every step however far apart the points are (a point at 0 and one now: 13 million
  // samples, all too old for its TSDB). We keep the latest maxTargetInfoSamples, same phase.
  const first = Math.max(0, steps - (context.options.maxTargetInfoSamples - 1));
  for (let step = first; step < steps; step++) {
    // Prometheus steps in nanoseconds and truncates to ms, so an odd lookback's half-ms steps floor.
    context.sink.sample(set, nameId, NO_LABEL, 0, context.metadata, Math.floor(times.earliest + step * interval), 1, 0, false, undefined);
  }
  context.sink.sample(set, nameId, NO_LABEL, 0, context.metadata, times.latest, 1, 0, false, undefined);
}

function hasLabel(flat: readonly string[], name: string): boolean {
  for (let i = 0; i < flat.length; i += 2) if (flat[i] === name) return true;
  return false;
}
