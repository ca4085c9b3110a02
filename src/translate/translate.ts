import { Otlp2PrwError } from '../errors.js';
import { type ExportMetricsRequest, type KeyValue, type Metric, type ResourceMetrics, Temporality } from '../otlp/model.js';
import { MetricType } from '../rw/types.js';
import { MetricContext } from './context.js';
import { BoundedMemo } from './bounded-memo.js';
import { LabelNameCache } from './label-name.js';
import { resourceLabels, scopeLabels } from './labels.js';
import { exemplarsHaveValues } from './exemplars.js';
import { InvalidNameError, type NamingType, buildMetricName } from './metric-name.js';
import { translateExponentialHistogramPoints, unconvertibleScale } from './exponential-histogram.js';
import { translateClassicHistogramPoints, translateCustomBucketsHistogramPoints } from './histogram.js';
import { translateNumberPoints } from './number.js';
import { translateSummaryPoints } from './summary.js';
import { type ResolvedTranslationOptions, allowsUtf8 } from './options.js';
import type { DropReason, SeriesSink } from './sink.js';
import { addTargetInfo } from './target-info.js';
import { TimeRange, pointTimeRange } from './time-range.js';
import { FastPathDeclined, PointKind, type PointBytesWalker } from './walked-points.js';
import { PointRules } from './point-rules.js';

/** Built metric names a translator keeps at most (see metricNames). */
const METRIC_NAMES = 4096;
/** Naming types and units kept per OTLP metric name. */
const METRIC_NAME_VARIANTS = 16;

/** A metric Prometheus would not translate, raised when `onInvalidMetric` is 'reject'. */
export class TranslationError extends Otlp2PrwError {
  override name = 'TranslationError';
  readonly metricName: string;

  constructor(reason: DropReason, metricName: string, detail: string) {
    super(reason, `cannot translate metric ${JSON.stringify(metricName)}: ${detail}`);
    this.metricName = metricName;
  }
}

/**
 * Translates one OTLP export request into series delivered to `sink`, following Prometheus 3.14's OTLP
 * receiver (storage/remote/otlptranslator/prometheusremotewrite FromMetrics).
 */
export class Translator {
  private readonly names: LabelNameCache;
  /** checkLabelNames' keys of the point before, by place. */
  private readonly checkedKeys: string[] = [];
  /**
   * Built metric names by OTLP name, then naming type and unit, across requests: an exporter sends the
   * same metrics every time, and building a name was ~4% of a 100-point request. Names that fail are
   * not kept.
   */
  private readonly metricNames = new BoundedMemo<string, BuiltMetricNames[]>(METRIC_NAMES);

  constructor(private readonly options: ResolvedTranslationOptions) {
    this.names = new LabelNameCache({
      utf8Allowed: allowsUtf8(options.translationStrategy),
      underscoreSanitization: options.labelNameUnderscoreSanitization,
      preserveMultipleUnderscores: options.labelNamePreserveMultipleUnderscores,
    });
  }

  /** The rules the fused path applies per distinct point attribute and float (see PointRules). */
  pointRules(): PointRules {
    return new PointRules(this.names);
  }

  translate(request: ExportMetricsRequest, sink: SeriesSink): void {
    const context = this.startRequest(sink);
    for (const resourceMetrics of request.resourceMetrics) this.translateResource(resourceMetrics, context);
  }

  /**
   * For translating a request one ResourceMetrics at a time as it is decoded: translateResource with
   * the returned context for each, in order, is what translate() does.
   */
  startRequest(sink: SeriesSink): MetricContext {
    return new MetricContext(sink, this.options, this.names);
  }

  translateResource(resourceMetrics: ResourceMetrics, context: MetricContext): void {
    const resourceError = this.tryLabels(() => {
      context.resource = resourceLabels(resourceMetrics.resource, this.options, this.names);
    });
    const times = new TimeRange();
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      const scopeError = this.tryLabels(() => {
        context.scope = scopeLabels(scopeMetrics.scope, scopeMetrics.schemaUrl, this.options, this.names);
      });
      // A promoted resource attribute or scope attribute whose name cannot be sanitized fails every
      // metric it would label, as in Prometheus (createAttributes returns the error per metric).
      context.labelError = resourceError ?? scopeError;
      for (const metric of scopeMetrics.metrics) {
        // Prometheus widens the resource's time range before it checks whether the metric is valid.
        pointTimeRange(metric, times);
        this.translateMetric(metric, context);
      }
    }
    if (resourceError !== undefined) return;
    const targetInfoError = this.tryLabels(() => addTargetInfo(resourceMetrics.resource, times, context));
    if (targetInfoError !== undefined) {
      // Prometheus skips this resource's target_info (and, from 3.7, fails the request).
      if (this.options.onInvalidMetric === 'reject') throw new TranslationError('invalid_label_name', 'target_info', targetInfoError.message);
      context.sink.dropped('invalid_label_name', 'target_info', 0, targetInfoError.message);
    }
  }

  /**
   * translateResource for the wasm engine's fused path: every rule above the data points runs here as
   * in translateResource, the points are walked from their bytes by `walker` (decoded with
   * `lazyPoints`). Whatever the general path would drop, reject or handle with a rule the walker does
   * not follow throws FastPathDeclined (or the rule's own error), and the caller takes the general path.
   */
  translateWalkedResource(resourceMetrics: ResourceMetrics, context: MetricContext, walker: PointBytesWalker): void {
    context.resource = resourceLabels(resourceMetrics.resource, this.options, this.names);
    const times = new TimeRange();
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      context.scope = scopeLabels(scopeMetrics.scope, scopeMetrics.schemaUrl, this.options, this.names);
      context.labelError = undefined;
      for (const metric of scopeMetrics.metrics) this.walkMetric(metric, context, walker, times);
    }
    addTargetInfo(resourceMetrics.resource, times, context);
  }

  private walkMetric(metric: Metric, context: MetricContext, walker: PointBytesWalker, times: TimeRange): void {
    const { data } = metric;
    if (data.type === 'empty') throw new FastPathDeclined('unsupported metric type');
    const points = data.lazy;
    if (points === undefined || points.count === 0) throw new FastPathDeclined('no data points');
    if ((data.type === 'sum' || data.type === 'histogram' || data.type === 'exponentialHistogram') && data.temporality !== Temporality.CUMULATIVE) {
      throw new FastPathDeclined('not cumulative');
    }
    const names = this.metricNamesOf(metric);
    const name = names.name;
    let kind: PointKind;
    switch (data.type) {
      case 'gauge':
        kind = PointKind.GAUGE;
        break;
      case 'sum':
        kind = PointKind.SUM;
        break;
      case 'histogram':
        if (this.options.convertHistogramsToNHCB) throw new FastPathDeclined('convertHistogramsToNHCB');
        kind = PointKind.HISTOGRAM;
        break;
      case 'exponentialHistogram':
        kind = PointKind.EXPONENTIAL_HISTOGRAM;
        break;
      case 'summary':
        kind = PointKind.SUMMARY;
        break;
    }
    context.forMetric(name, metadataType(metric), metric.description, metric.unit);
    // The suffixed names of translateClassicHistogramPoints and translateSummaryPoints.
    walker.walk(
      { kind, points, name, sumName: names.sumName, countName: names.countName, bucketName: names.bucketName, metadata: context.metadata, context: context.contextLabels() },
      times,
    );
  }

  private tryLabels(compute: () => void): InvalidNameError | undefined {
    try {
      compute();
      return undefined;
    } catch (error) {
      if (error instanceof InvalidNameError) return error;
      throw error;
    }
  }

  /**
   * Sanitizes every attribute key of the metric up front, so a bad key drops the whole metric, not part
   * of it. A metric's points mostly list the same keys in the same order: a key equal to the one at its
   * place in the point before passed already (the lookups were ~5% of add()).
   */
  private checkLabelNames(points: ReadonlyArray<{ attributes: readonly KeyValue[] }>): InvalidNameError | undefined {
    const checked = this.checkedKeys;
    checked.length = 0;
    return this.tryLabels(() => {
      for (const point of points) {
        const attributes = point.attributes;
        for (let a = 0; a < attributes.length; a++) {
          const key = attributes[a].key;
          if (key === checked[a]) continue;
          if (key !== '__name__') this.names.dataPoint(key);
          checked[a] = key;
        }
      }
    });
  }

  private translateMetric(metric: Metric, context: MetricContext): void {
    const { data } = metric;
    if (data.type === 'empty') {
      return this.drop(context.sink, 'unsupported_metric_type', metric, 0, `could not get aggregation temporality for ${metric.name} as it has unsupported metric type Empty`);
    }
    if (data.points.length === 0) {
      return this.drop(context.sink, 'no_data_points', metric, 0, `empty data points. ${metric.name} is dropped`);
    }
    if ((data.type === 'sum' || data.type === 'histogram' || data.type === 'exponentialHistogram') && data.temporality !== Temporality.CUMULATIVE) {
      const reason = data.temporality === Temporality.DELTA ? 'delta_temporality' : 'invalid_temporality';
      return this.drop(context.sink, reason, metric, data.points.length, `invalid temporality and type combination for metric ${JSON.stringify(metric.name)}`);
    }
    let name: string;
    try {
      name = this.metricName(metric);
    } catch (error) {
      if (error instanceof InvalidNameError) {
        return this.drop(context.sink, 'invalid_metric_name', metric, data.points.length, error.message);
      }
      throw error;
    }
    const labelError = context.labelError ?? this.checkLabelNames(data.points);
    if (labelError !== undefined) {
      return this.drop(context.sink, 'invalid_label_name', metric, data.points.length, labelError.message);
    }
    if (!exemplarsHaveValues(data.points)) {
      return this.drop(context.sink, 'invalid_exemplar', metric, data.points.length, 'unsupported exemplar value type: Empty');
    }
    if (data.type === 'exponentialHistogram') {
      const scale = unconvertibleScale(data.points);
      if (scale !== undefined) {
        const detail = `cannot convert exponential to native histogram. Scale must be >= -4, was ${scale}`;
        return this.drop(context.sink, 'invalid_scale', metric, data.points.length, detail);
      }
    }
    context.forMetric(name, metadataType(metric), metric.description, metric.unit);
    switch (data.type) {
      case 'gauge':
        return translateNumberPoints(context, data.points, false);
      case 'sum':
        return translateNumberPoints(context, data.points, true);
      case 'histogram':
        if (this.options.convertHistogramsToNHCB) return translateCustomBucketsHistogramPoints(context, data.points);
        return translateClassicHistogramPoints(context, data.points);
      case 'exponentialHistogram':
        return translateExponentialHistogramPoints(context, data.points);
      case 'summary':
        return translateSummaryPoints(context, data.points);
    }
  }

  private metricName(metric: Metric): string {
    return this.metricNamesOf(metric).name;
  }

  /**
   * The metric's built name and its suffixed ones, the same strings every request: the fused path
   * looks them up as string ids, and a string met before hashes at once (building the key and the
   * suffixed names per request was ~1% of a 10k-point add()). Keyed by the OTLP name (the decoder
   * hands out one string per name), then naming type and unit.
   */
  private metricNamesOf(metric: Metric): BuiltMetricNames {
    const type = namingType(metric);
    let built = this.metricNames.get(metric.name);
    const found = built?.find((entry) => entry.type === type && entry.unit === metric.unit);
    if (found !== undefined) return found;
    const name = buildMetricName(metric.name, metric.unit, type, this.options.translationStrategy, this.options.namespace);
    const entry: BuiltMetricNames = { type, unit: metric.unit, name, sumName: `${name}_sum`, countName: `${name}_count`, bucketName: `${name}_bucket` };
    if (built === undefined) {
      built = [];
      this.metricNames.set(metric.name, built);
    }
    // One name with ever-new units cannot grow its list without bound either.
    if (built.length >= METRIC_NAME_VARIANTS) built.length = 0;
    built.push(entry);
    return entry;
  }


  private drop(sink: SeriesSink, reason: DropReason, metric: Metric, points: number, detail: string): void {
    if (this.options.onInvalidMetric === 'reject') throw new TranslationError(reason, metric.name, detail);
    sink.dropped(reason, metric.name, points, detail);
  }
}

/** The RW2 metadata type of a metric's series (a non-monotonic sum is a gauge). */
function metadataType(metric: Metric): MetricType {
  switch (metric.data.type) {
    case 'gauge':
      return MetricType.GAUGE;
    case 'sum':
      return metric.data.monotonic ? MetricType.COUNTER : MetricType.GAUGE;
    case 'histogram':
    case 'exponentialHistogram':
      return MetricType.HISTOGRAM;
    case 'summary':
      return MetricType.SUMMARY;
    default:
      return MetricType.UNSPECIFIED;
  }
}

/** A built metric name with the names of the series a histogram or summary point adds. */
interface BuiltMetricNames {
  type: NamingType;
  unit: string;
  name: string;
  sumName: string;
  countName: string;
  bucketName: string;
}

/** otlptranslator's MetricType for naming. */
function namingType(metric: Metric): NamingType {
  switch (metric.data.type) {
    case 'gauge':
      return 'gauge';
    case 'sum':
      return metric.data.monotonic ? 'monotonicCounter' : 'nonMonotonicCounter';
    case 'histogram':
      return 'histogram';
    case 'exponentialHistogram':
      return 'exponentialHistogram';
    case 'summary':
      return 'summary';
    default:
      return 'unknown';
  }
}
