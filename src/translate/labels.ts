import type { InstrumentationScope, KeyValue, Resource } from '../otlp/model.js';
import { compareUtf8 } from '../rw/label-order.js';
import { attributeValueAsString } from './attribute-value.js';
import { type LabelNameCache, buildLabelName } from './label-name.js';
import type { ResolvedTranslationOptions } from './options.js';
import type { FlatLabels } from './sink.js';

export const SERVICE_NAME = 'service.name';
export const SERVICE_NAMESPACE = 'service.namespace';
export const SERVICE_INSTANCE_ID = 'service.instance.id';
const METRIC_NAME_LABEL = '__name__';

/**
 * Labels that every series of one resource gets: job, instance, promoted resource attributes. Computed
 * once per ResourceMetrics.
 */
export interface ResourceLabels {
  job: string | undefined;
  instance: string | undefined;
  /** Promoted resource attributes, sanitized; applied only where the point has no such label. */
  promoted: Array<[string, string]>;
}

/** Labels from the instrumentation scope (promoteScopeMetadata), computed once per ScopeMetrics. */
export type ScopeLabels = Array<[string, string]>;

export function resourceLabels(resource: Resource, options: ResolvedTranslationOptions, names: LabelNameCache): ResourceLabels {
  const attributes = resource.attributes;
  const serviceName = findAttribute(attributes, SERVICE_NAME);
  const serviceNamespace = findAttribute(attributes, SERVICE_NAMESPACE);
  const instance = findAttribute(attributes, SERVICE_INSTANCE_ID);
  let job: string | undefined;
  if (serviceName !== undefined) {
    const name = attributeValueAsString(serviceName.value);
    job = serviceNamespace !== undefined ? `${attributeValueAsString(serviceNamespace.value)}/${name}` : name;
  }
  const promoted: Array<[string, string]> = [];
  const promote = options.promoteAllResourceAttributes
    ? (key: string) => !options.ignoreResourceAttributes.includes(key)
    : (key: string) => options.promoteResourceAttributes.includes(key);
  for (const attribute of attributes) {
    if (!promote(attribute.key)) continue;
    promoted.push([names.get(attribute.key), attributeValueAsString(attribute.value)]);
  }
  return { job, instance: instance && attributeValueAsString(instance.value), promoted };
}

export function scopeLabels(scope: InstrumentationScope, schemaUrl: string, options: ResolvedTranslationOptions, names: LabelNameCache): ScopeLabels {
  // Prometheus adds scope labels only when promoted and only for named scopes.
  if (!options.promoteScopeMetadata || scope.name === '') return [];
  const labels: ScopeLabels = [];
  for (const attribute of scope.attributes) labels.push([names.get(`otel_scope_${attribute.key}`), attributeValueAsString(attribute.value)]);
  // Name, version and schema URL last, so scope attributes cannot overwrite them.
  labels.push(['otel_scope_name', scope.name], ['otel_scope_version', scope.version], ['otel_scope_schema_url', schemaUrl]);
  return labels;
}

function findAttribute(attributes: readonly KeyValue[], key: string): KeyValue | undefined {
  for (const attribute of attributes) if (attribute.key === key) return attribute;
  return undefined;
}

/**
 * The label set of one series, built the way Prometheus's createAttributes builds it: point attributes
 * sorted by raw key, sanitized, with values of colliding names joined by `;`; then type/unit labels,
 * promoted resource attributes, scope labels, job/instance, external labels, and the extras
 * (`__name__`, `le`, `quantile`), each later step overwriting earlier ones except where noted. An empty
 * value removes the label (RW: label values must not be empty).
 */
export class SeriesLabelBuilder {
  private readonly labels = new Map<string, string>();

  constructor(
    private readonly options: ResolvedTranslationOptions,
    private readonly names: LabelNameCache,
  ) {}

  /** Starts a series from its data point attributes. */
  start(attributes: readonly KeyValue[]): this {
    this.labels.clear();
    const sorted = attributes.length > 1 ? [...attributes].sort((a, b) => compareUtf8(a.key, b.key)) : attributes;
    for (const attribute of sorted) {
      // Prometheus >= 3.10 ignores a `__name__` attribute: the metric name comes from the metric.
      if (attribute.key === METRIC_NAME_LABEL) continue;
      const name = this.names.get(attribute.key);
      const value = attributeValueAsString(attribute.value);
      const existing = this.labels.get(name);
      this.set(name, existing !== undefined ? `${existing};${value}` : value);
    }
    return this;
  }

  set(name: string, value: string): this {
    if (value === '') this.labels.delete(name);
    else this.labels.set(name, value);
    return this;
  }

  /** Sets `name` only when the series does not have it yet. */
  setIfAbsent(name: string, value: string): this {
    if (!this.labels.has(name)) this.set(name, value);
    return this;
  }

  addResourceAndScope(resource: ResourceLabels, scope: ScopeLabels): this {
    for (const [name, value] of resource.promoted) this.setIfAbsent(name, value);
    for (const [name, value] of scope) this.set(name, value);
    if (resource.job !== undefined) this.set('job', resource.job);
    if (resource.instance !== undefined) this.set('instance', resource.instance);
    for (const name in this.options.externalLabels) this.setIfAbsent(name, this.options.externalLabels[name]);
    return this;
  }

  /** An extra label such as `le` or `quantile`, sanitized like attribute keys. */
  setExtra(name: string, value: string): this {
    return this.set(this.names.get(name), value);
  }

  /** The flat label list with `__name__`, sorted in UTF-8 byte order. */
  finish(metricName: string): FlatLabels {
    this.labels.set(METRIC_NAME_LABEL, metricName);
    const names = [...this.labels.keys()].sort(compareUtf8);
    const flat: FlatLabels = new Array(names.length * 2);
    for (let i = 0; i < names.length; i++) {
      flat[2 * i] = names[i];
      flat[2 * i + 1] = this.labels.get(names[i]) as string;
    }
    return flat;
  }
}

export { buildLabelName };
