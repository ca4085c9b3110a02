import type { KeyValue } from '../otlp/model.js';
import { MetricType } from '../rw/types.js';
import type { LabelNameCache } from './label-name.js';
import { type ResourceLabels, type ScopeLabels, SeriesLabelBuilder } from './labels.js';
import { translateUnit } from './metric-name.js';
import type { ResolvedTranslationOptions } from './options.js';
import { type ContextLabels, PointLabelSets } from './point-label-sets.js';
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
  private readonly pointLabels: PointLabelSets;
  /** What pointLabels' context labels were computed for (resource, scope, metadata when it matters). */
  private contextOf: [ResourceLabels | undefined, ScopeLabels | undefined, SeriesMetadata | undefined] = [undefined, undefined, undefined];
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
    this.pointLabels = new PointLabelSets(sink, options, names);
  }

  /** Starts a metric: its base name and metadata. */
  forMetric(metricName: string, type: MetricType, help: string, otlpUnit: string, typeAndUnitLabels = this.options.typeAndUnitLabels): void {
    this.metricName = metricName;
    this.typeAndUnitLabels = typeAndUnitLabels;
    this.metadata = { type, family: metricName, help, unit: translateUnit(otlpUnit) };
  }

  /**
   * The label set every series of one data point shares, without `__name__`, in Prometheus's order of
   * precedence (R21): point attributes, promoted resource attributes (if absent), job/instance,
   * external labels (if absent), scope labels, `__type__`/`__unit__`. Computed once per point: a
   * histogram point has ~17 series that differ only in `__name__` and `le`.
   */
  pointSet(attributes: readonly KeyValue[]): number {
    this.syncContextLabels();
    const set = this.pointLabels.pointSet(attributes);
    return set >= 0 ? set : this.generalPointSet(attributes);
  }

  /**
   * The labels every point of the current metric gets on top of its attributes, folded and sorted by
   * name, as sink ids (see PointLabelSets.setContext): what the wasm engine's fused path merges each
   * point's attributes with.
   */
  contextLabels(): ContextLabels {
    this.syncContextLabels();
    return this.pointLabels.contextLabels;
  }

  /** Recomputes the context labels when the resource, scope or (with `__type__`/`__unit__`) metadata changed. */
  private syncContextLabels(): void {
    const metadata = this.typeAndUnitLabels ? this.metadata : undefined;
    const contextOf = this.contextOf;
    if (contextOf[0] !== this.resource || contextOf[1] !== this.scope || contextOf[2] !== metadata) {
      contextOf[0] = this.resource;
      contextOf[1] = this.scope;
      contextOf[2] = metadata;
      this.pointLabels.setContext(this.resource, this.scope, metadata && TYPE_LABEL_VALUES[metadata.type], metadata === undefined ? '' : metadata.unit);
    }
  }

  /** pointSet with Prometheus's labels.Builder steps one by one: attributes that sanitize to one name join their values. */
  private generalPointSet(attributes: readonly KeyValue[]): number {
    const builder = this.labels.start(attributes).addResource(this.resource, true).addScope(this.scope);
    if (this.typeAndUnitLabels) {
      const typeValue = TYPE_LABEL_VALUES[this.metadata.type];
      if (typeValue !== undefined) builder.set('__type__', typeValue);
      if (this.metadata.unit !== '') builder.set('__unit__', this.metadata.unit);
    }
    return this.sink.labelSet(builder.finish(undefined));
  }

  /** The id of a series name (the metric name, or it with a suffix). */
  nameId(name: string): number {
    return this.sink.stringId(name);
  }

  /** target_info's labels (R28), without `__name__`: resource attributes as point attributes, job/instance, external labels. */
  targetInfoLabels(attributes: readonly KeyValue[]): FlatLabels {
    return this.labels.start(attributes).addResource(this.resource, false).finish(undefined);
  }
}
