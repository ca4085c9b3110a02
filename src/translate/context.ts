import type { KeyValue } from '../otlp/model.js';
import { MetricType } from '../rw/types.js';
import type { LabelNameCache } from './label-name.js';
import { type ResourceLabels, type ScopeLabels, SeriesLabelBuilder } from './labels.js';
import { translateUnit } from './metric-name.js';
import { type ResolvedTranslationOptions, allowsUtf8 } from './options.js';
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
  /** The OTLP unit, for `__unit__`. */
  private otlpUnit = '';
  private typeAndUnitLabels = false;
  resource: ResourceLabels = { job: undefined, instance: undefined, promoted: [] };
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
    this.otlpUnit = otlpUnit;
    this.metadata = { type, family: metricName, help, unit: translateUnit(otlpUnit, allowsUtf8(this.options.translationStrategy)) };
  }

  /**
   * Labels of one series of this metric: point attributes, then (in Prometheus's order) type/unit
   * labels, promoted resource attributes, scope labels, job/instance, external labels, then `extras`
   * (like `le`), and `__name__` = `name`.
   */
  seriesLabels(attributes: readonly KeyValue[], name: string, extraName?: string, extraValue?: string): FlatLabels {
    const builder = this.labels.start(attributes);
    if (this.typeAndUnitLabels) {
      const typeValue = TYPE_LABEL_VALUES[this.metadata.type];
      if (typeValue !== undefined) builder.set('__type__', typeValue);
      if (this.otlpUnit !== '') builder.set('__unit__', this.metadata.unit);
    }
    builder.addResourceAndScope(this.resource, this.scope);
    if (extraName !== undefined && extraValue !== undefined) builder.setExtra(extraName, extraValue);
    return builder.finish(name);
  }
}
