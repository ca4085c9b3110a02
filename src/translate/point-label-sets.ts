import type { KeyValue } from '../otlp/model.js';
import { compareUtf8 } from '../rw/label-order.js';
import { attributeValueAsString } from './attribute-value.js';
import type { LabelNameCache } from './label-name.js';
import type { ResourceLabels, ScopeLabels } from './labels.js';
import type { ResolvedTranslationOptions } from './options.js';
import type { SeriesSink } from './sink.js';

const METRIC_NAME_LABEL = '__name__';

/** A point attribute as a label: its name, and its value's sink id (-1: empty value, no label). */
interface AttributeLabel {
  name: LabelName;
  value: number;
}

/** A label name: its sink id, its text, and its place among all names seen (UTF-8 byte order). */
interface LabelName {
  id: number;
  text: string;
  rank: number;
}

/**
 * The labels every point of a metric gets on top of its attributes (promoted resource attributes,
 * job/instance, external labels, scope labels, `__type__`/`__unit__`), folded into what each does to a
 * point label of the same name: `forced` labels replace it (value -1: delete it), the others fill it in
 * only when the point has none. Sorted by name.
 */
export class ContextLabels {
  /** Changes whenever the labels do (setContext), so users of them can keep what they derive. */
  version = 0;
  length = 0;
  names: Int32Array = new Int32Array(16);
  labelNames: LabelName[] = [];
  values: Int32Array = new Int32Array(16);
  forced: Uint8Array = new Uint8Array(16);
}

/** A point attribute's label value text: "" means no label. */
export function pointAttributeValue(attribute: KeyValue): string {
  return attribute.value.kind === 'string' ? attribute.value.value : attributeValueAsString(attribute.value);
}

/** The fold of one name's context operations: no operation yet, fill in `value`, or force `value` (-1 = delete). */
const FROM_POINT = 0;
const DEFAULT = 1;
const FORCED = 2;

/**
 * Builds a data point's label set (MetricContext.pointSet) straight as sink string ids: the point's
 * attributes sorted by sanitized name, merged with the context labels computed once per resource, scope
 * and metric type. Equivalent to SeriesLabelBuilder's start/addResource/addScope/set/finish sequence
 * (Prometheus's labels.Builder semantics, R21) whenever no two attributes sanitize to one name; points
 * where two do take that general path. Measured on the 10k-point bench workload: the Map, the two sorts
 * and the string array per point were ~15% of add().
 *
 * Ids are the sink's: one instance serves one translate() call.
 */
export class PointLabelSets {
  /** Raw attribute key -> sanitized name. */
  private readonly keyNames = new Map<string, LabelName>();
  /**
   * Shared (frozen) attribute objects -> their label. The decoder hands out one object per distinct
   * attribute bytes (decode-protobuf-common.ts), so one lookup by identity replaces a lookup of the
   * key's name and one of the value's id (10k-point bench workload: ~-4% add()).
   */
  private readonly attributeLabels = new Map<KeyValue, AttributeLabel>();
  /**
   * Every label name seen, by text and in order: ranks compare like the texts, so sorting and merging
   * compare integers (compareUtf8 was ~3% of add()). A new name renumbers them all; names are few.
   */
  private readonly byText = new Map<string, LabelName>();
  private readonly ordered: LabelName[] = [];
  /**
   * The point's labels sorted by name: names and value ids (-1: empty value, no label). Ranks are read
   * from the names, not copied: a name first seen in this point renumbers the others.
   */
  private readonly names: LabelName[] = [];
  private values: Int32Array = new Int32Array(16);
  /** The merged set, flat (name id, value id) pairs. */
  private out: Int32Array = new Int32Array(64);
  private readonly context = new ContextLabels();

  constructor(
    private readonly sink: SeriesSink,
    private readonly options: ResolvedTranslationOptions,
    private readonly labelNames: LabelNameCache,
  ) {}

  /**
   * Recomputes the context labels: the operations SeriesLabelBuilder.addResource(resource, true),
   * addScope(scope) and the `__type__`/`__unit__` sets apply, in that order, folded per name.
   */
  setContext(resource: ResourceLabels, scope: ScopeLabels, typeValue: string | undefined, unit: string): void {
    const folded = new Map<string, [state: number, value: string]>();
    const setIfAbsent = (name: string, value: string): void => {
      const entry = folded.get(name);
      if (entry === undefined) {
        if (value !== '') folded.set(name, [DEFAULT, value]);
      } else if (entry[0] === FORCED && entry[1] === '') entry[1] = value;
    };
    const set = (name: string, value: string): void => {
      folded.set(name, [FORCED, value]);
    };
    for (const [name, value] of resource.promoted) setIfAbsent(name, value);
    if (resource.job !== '') set('job', resource.job);
    if (resource.instance !== '') set('instance', resource.instance);
    const external = this.options.externalLabels;
    for (const name in external) setIfAbsent(name, external[name]);
    for (const [name, value] of scope) set(name, value);
    if (typeValue !== undefined) set('__type__', typeValue);
    if (unit !== '') set('__unit__', unit);

    const names = [...folded.keys()].sort(compareUtf8);
    const context = this.context;
    if (context.names.length < names.length) {
      context.names = new Int32Array(2 * names.length);
      context.values = new Int32Array(2 * names.length);
      context.forced = new Uint8Array(2 * names.length);
    }
    context.version++;
    context.length = names.length;
    context.labelNames.length = names.length;
    for (let i = 0; i < names.length; i++) {
      const [state, value] = folded.get(names[i]) as [number, string];
      const name = this.labelName(names[i]);
      context.names[i] = name.id;
      context.labelNames[i] = name;
      context.values[i] = value === '' ? -1 : this.sink.stringId(value);
      context.forced[i] = state === FORCED ? 1 : 0;
    }
  }

  /**
   * The set id of a point with these attributes under the current context, or -1 when two attributes
   * sanitize to one label name (the caller then takes the general path).
   */
  pointSet(attributes: readonly KeyValue[]): number {
    if (this.values.length < attributes.length) this.values = new Int32Array(2 * attributes.length);
    const names = this.names;
    const values = this.values;
    let count = 0;
    for (let a = 0; a < attributes.length; a++) {
      const attribute = attributes[a];
      let label = this.attributeLabels.get(attribute);
      if (label === undefined) {
        if (attribute.key === METRIC_NAME_LABEL) continue;
        label = this.attributeLabel(attribute);
        if (Object.isFrozen(attribute)) this.attributeLabels.set(attribute, label);
      }
      const { name, value } = label;
      // Insertion sort by name: a point has a handful of attributes.
      const rank = name.rank;
      let at = count;
      while (at > 0) {
        const before = names[at - 1].rank;
        if (before < rank) break;
        if (before === rank) return -1;
        names[at] = names[at - 1];
        values[at] = values[at - 1];
        at--;
      }
      names[at] = name;
      values[at] = value;
      count++;
    }
    const length = this.merge(count);
    return this.sink.labelSetOfIds(this.out, length);
  }

  private attributeLabel(attribute: KeyValue): AttributeLabel {
    const key = attribute.key;
    let name = this.keyNames.get(key);
    if (name === undefined) {
      name = this.labelName(this.labelNames.dataPoint(key));
      this.keyNames.set(key, name);
    }
    const valueText = pointAttributeValue(attribute);
    return { name, value: valueText === '' ? -1 : this.sink.stringId(valueText) };
  }

  /** The context labels of the last setContext. */
  get contextLabels(): ContextLabels {
    return this.context;
  }

  /** Merges the point's sorted labels with the context's into `out`; returns the length written. */
  private merge(count: number): number {
    const context = this.context;
    const contextCount = context.length;
    if (this.out.length < 2 * (count + contextCount)) this.out = new Int32Array(4 * (count + contextCount));
    const out = this.out;
    const names = this.names;
    const values = this.values;
    let n = 0;
    let i = 0;
    let j = 0;
    while (i < count || j < contextCount) {
      let order: number;
      if (i === count) order = 1;
      else if (j === contextCount) order = -1;
      else order = names[i].rank - context.labelNames[j].rank;
      let name: number;
      let value: number;
      if (order < 0) {
        name = names[i].id;
        value = values[i++];
      } else if (order > 0) {
        name = context.names[j];
        value = context.values[j++];
      } else {
        name = names[i].id;
        value = context.forced[j] === 1 || values[i] < 0 ? context.values[j] : values[i];
        i++;
        j++;
      }
      if (value < 0) continue;
      out[n++] = name;
      out[n++] = value;
    }
    return n;
  }

  private labelName(text: string): LabelName {
    let name = this.byText.get(text);
    if (name !== undefined) return name;
    const ordered = this.ordered;
    let low = 0;
    let high = ordered.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareUtf8(ordered[middle].text, text) < 0) low = middle + 1;
      else high = middle;
    }
    name = { id: this.sink.stringId(text), text, rank: 0 };
    ordered.splice(low, 0, name);
    for (let i = low; i < ordered.length; i++) ordered[i].rank = i;
    this.byText.set(text, name);
    return name;
  }
}
