import type { InstrumentationScope, KeyValue, Resource } from '../otlp/model.js';
import { compareUtf8 } from '../rw/label-order.js';
import { attributeValueAsString } from './attribute-value.js';
import type { LabelNameCache } from './label-name.js';
import type { ResolvedTranslationOptions } from './options.js';
import type { FlatLabels } from './sink.js';

export const SERVICE_NAME = 'service.name';
export const SERVICE_NAMESPACE = 'service.namespace';
export const SERVICE_INSTANCE_ID = 'service.instance.id';
const METRIC_NAME_LABEL = '__name__';

/** Labels every series of one resource gets (R23, R24). Computed once per ResourceMetrics. */
export interface ResourceLabels {
  /** "" when there is none: an empty job never overwrites. */
  job: string;
  instance: string;
  /** Promoted resource attributes, sanitized, last one winning; set only where a series lacks them. */
  promoted: Map<string, string>;
}

/** Labels from the instrumentation scope (promoteScopeMetadata, R31), in the order they are set. */
export type ScopeLabels = Array<[string, string]>;

export function resourceLabels(resource: Resource, options: ResolvedTranslationOptions, names: LabelNameCache): ResourceLabels {
  const attributes = resource.attributes;
  const serviceName = findAttribute(attributes, SERVICE_NAME);
  const serviceNamespace = findAttribute(attributes, SERVICE_NAMESPACE);
  const instance = findAttribute(attributes, SERVICE_INSTANCE_ID);
  let job = '';
  if (serviceName !== undefined) {
    const name = attributeValueAsString(serviceName.value);
    job = serviceNamespace !== undefined ? `${attributeValueAsString(serviceNamespace.value)}/${name}` : name;
  }
  const promoted = new Map<string, string>();
  const promote = options.promoteAllResourceAttributes
    ? (key: string) => !options.ignoreResourceAttributes.includes(key)
    : (key: string) => options.promoteResourceAttributes.includes(key);
  for (const attribute of attributes) {
    if (!promote(attribute.key)) continue;
    // Set semantics in OTLP order: a later attribute with the same sanitized name wins, an empty one deletes.
    const name = names.named(attribute.key);
    const value = attributeValueAsString(attribute.value);
    if (value === '') promoted.delete(name);
    else promoted.set(name, value);
  }
  return { job, instance: instance === undefined ? '' : attributeValueAsString(instance.value), promoted };
}

export function scopeLabels(scope: InstrumentationScope, schemaUrl: string, options: ResolvedTranslationOptions, names: LabelNameCache): ScopeLabels {
  // Prometheus adds scope labels only when promoted and only for named scopes.
  if (!options.promoteScopeMetadata || scope.name === '') return [];
  const labels: ScopeLabels = [];
  for (const attribute of scope.attributes) labels.push([names.named(`otel_scope_${attribute.key}`), attributeValueAsString(attribute.value)]);
  // Name, version and schema URL last, so scope attributes cannot overwrite them; empty ones delete.
  labels.push(['otel_scope_name', scope.name], ['otel_scope_version', scope.version], ['otel_scope_schema_url', schemaUrl]);
  return labels;
}

export function findAttribute(attributes: readonly KeyValue[], key: string): KeyValue | undefined {
  for (const attribute of attributes) if (attribute.key === key) return attribute;
  return undefined;
}

/**
 * The label set of one series with the semantics of Prometheus's labels.Builder: setting an empty
 * value deletes the label (RW: label values must not be empty). The steps are called in the order of
 * createAttributes (R21); see MetricContext.seriesLabels.
 */
export class SeriesLabelBuilder {
  private readonly labels = new Map<string, string>();

  constructor(
    private readonly options: ResolvedTranslationOptions,
    private readonly names: LabelNameCache,
  ) {}

  /**
   * Step 1 (R19): data point attributes sorted by raw key (UTF-8 byte order), values rendered with
   * AsString. Escaping strategies join the values of keys that sanitize to one name with `;`.
   * A `__name__` attribute is ignored (Prometheus >= 3.10) unless `keepNameAttribute` (target_info,
   * where __name__ is overwritten anyway).
   */
  start(attributes: readonly KeyValue[]): this {
    this.labels.clear();
    const sorted = attributes.length > 1 ? [...attributes].sort((a, b) => compareUtf8(a.key, b.key)) : attributes;
    const join = !this.names.rules.utf8Allowed;
    for (const attribute of sorted) {
      if (attribute.key === METRIC_NAME_LABEL) continue;
      const name = this.names.dataPoint(attribute.key);
      const value = attributeValueAsString(attribute.value);
      const existing = join ? this.labels.get(name) : undefined;
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

  /** Steps 2-4: promoted resource attributes (if absent), job and instance (overwrite if non-empty), external labels (if absent). */
  addResource(resource: ResourceLabels, promote: boolean): this {
    if (promote) for (const [name, value] of resource.promoted) this.setIfAbsent(name, value);
    if (resource.job !== '') this.set('job', resource.job);
    if (resource.instance !== '') this.set('instance', resource.instance);
    const external = this.options.externalLabels;
    for (const name in external) this.setIfAbsent(name, external[name]);
    return this;
  }

  /** Step 5: scope labels, overwriting. */
  addScope(scope: ScopeLabels): this {
    for (const [name, value] of scope) this.set(name, value);
    return this;
  }

  /** The flat label list, sorted in UTF-8 byte order, with `__name__` = `metricName` unless undefined. */
  finish(metricName: string | undefined): FlatLabels {
    if (metricName !== undefined) this.labels.set(METRIC_NAME_LABEL, metricName);
    const names = [...this.labels.keys()].sort(compareUtf8);
    const flat: FlatLabels = new Array(names.length * 2);
    for (let i = 0; i < names.length; i++) {
      flat[2 * i] = names[i];
      flat[2 * i + 1] = this.labels.get(names[i]) as string;
    }
    return flat;
  }
}
