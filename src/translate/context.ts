import type { KeyValue } from '../otlp/model.js';
import { compareUtf8 } from '../rw/label-order.js';
import { MetricType } from '../rw/types.js';
import type { LabelNameCache } from './label-name.js';
import { type ResourceLabels, type ScopeLabels, SeriesLabelBuilder } from './labels.js';
import { translateUnit } from './metric-name.js';
import type { ResolvedTranslationOptions } from './options.js';
import type { FlatLabels, SeriesMetadata, SeriesSink } from './sink.js';

/** `__type__` values (Prometheus model.MetricType, lowercased) per RW metadata type. */
const TYPE_LABEL_VALUES: Partial<Record<MetricType, string>> = {
  [MetricType.COUNTER]: 'counter',
  [MetricType.GAUGE]: 'gauge',
  [MetricType.HISTOGRAM]: 'histogram',
  [MetricType.GAUGEHISTOGRAM]: 'gaugehistogram',
  [MetricType.SUMMARY]: 'summary',
  [MetricType.INFO]: 'info',
  [MetricType.STATESET]: 'stateset',
};

/** Everything a per-type translator needs for one metric. */
export class MetricContext {
  readonly labels: SeriesLabelBuilder;
  metricName = '';
  metadata: SeriesMetadata = { type: MetricType.UNSPECIFIED, family: '', help: '', unit: '' };
  private typeAndUnitLabels = false;
  resource: ResourceLabels = { job: '', instance: '', promoted: new Map() };
  scope: ScopeLabels = [];
  /** Set when the resource's or scope's labels could not be built: every metric under it is dropped. */
  labelError: Error | undefined;

  constructor(
    readonly sink: SeriesSink,
    readonly options: ResolvedTranslationOptions,
    names: LabelNameCache,
  ) {
    this.labels = new SeriesLabelBuilder(options, names);
  }

  /** Starts a metric: its base name and metadata. */
  forMetric(metricName: string, type: MetricType, help: string, otlpUnit: string, typeAndUnitLabels = this.options.typeAndUnitLabels): void {
    this.metricName = metricName;
    this.typeAndUnitLabels = typeAndUnitLabels;
    this.metadata = { type, family: metricName, help, unit: translateUnit(otlpUnit) };
  }

  /**
   * The labels every series of one data point shares, sorted, without `__name__`, in Prometheus's order
   * of precedence (R21): point attributes, promoted resource attributes (if absent), job/instance,
   * external labels (if absent), scope labels, `__type__`/`__unit__`. Computed once per point: a
   * histogram point has ~17 series that differ only in `__name__` and `le`.
   */
  pointLabels(attributes: readonly KeyValue[]): FlatLabels {
    const builder = this.labels.start(attributes).addResource(this.resource, true).addScope(this.scope);
    if (this.typeAndUnitLabels) {
      const typeValue = TYPE_LABEL_VALUES[this.metadata.type];
      if (typeValue !== undefined) builder.set('__type__', typeValue);
      if (this.metadata.unit !== '') builder.set('__unit__', this.metadata.unit);
    }
    return builder.finish(undefined);
  }

  /** One series' labels: the point's plus `__name__` and an optional extra label (`le`, `quantile`), which overwrite. */
  seriesOf(pointLabels: FlatLabels, name: string, extraName?: string, extraValue?: string): FlatLabels {
    const labels = withLabel(pointLabels, '__name__', name, true);
    return extraName === undefined || extraValue === undefined ? labels : withLabel(labels, extraName, extraValue, false);
  }

  /** Labels of a series with only `__name__` added (gauges, sums, native histograms). */
  seriesLabels(attributes: readonly KeyValue[], name: string): FlatLabels {
    return this.seriesOf(this.pointLabels(attributes), name);
  }

  /** target_info's labels (R28): resource attributes as point attributes, job/instance, external labels. */
  targetInfoLabels(attributes: readonly KeyValue[], name: string): FlatLabels {
    return this.labels.start(attributes).addResource(this.resource, false).finish(name);
  }
}

/**
 * `flat` with (name, value) inserted at its UTF-8-sorted place, replacing a label of the same name.
 * `copy` is false only for a second insertion into an array this module just copied.
 */
function withLabel(flat: FlatLabels, name: string, value: string, copy: boolean): FlatLabels {
  const result = copy ? flat.slice() : flat;
  let i = 0;
  while (i < result.length && compareUtf8(result[i], name) < 0) i += 2;
  if (i < result.length && result[i] === name) result[i + 1] = value;
  else result.splice(i, 0, name, value);
  return result;
}
