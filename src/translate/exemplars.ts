import type { Exemplar } from '../otlp/model.js';
import { compareUtf8 } from '../rw/label-order.js';
import { attributeValueAsString } from './attribute-value.js';
import type { ExemplarOutput, FlatLabels } from './sink.js';

/** Prometheus keeps an exemplar's filtered attributes only while all its labels fit in 128 runes (R46). */
const MAX_EXEMPLAR_RUNES = 128;
const ALL_ZERO = /^0*$/;

/**
 * OTLP exemplars as Prometheus exemplars (getPromExemplars, R46): `trace_id` and `span_id` (lowercase
 * hex, unless absent or all zero) plus the filtered attributes with raw keys, dropped all together if
 * the labels would exceed 128 runes; labels sorted by name. Unlike Prometheus's TSDB we drop labels with
 * an empty name or value and repeated names, which the RW2 spec forbids.
 */
export function exemplarsOf(exemplars: readonly Exemplar[]): ExemplarOutput[] {
  return exemplars.map((exemplar) => {
    const pairs: Array<[string, string]> = [];
    let runes = 0;
    if (exemplar.traceId !== '' && !ALL_ZERO.test(exemplar.traceId)) {
      pairs.push(['trace_id', exemplar.traceId]);
      runes += 'trace_id'.length + exemplar.traceId.length;
    }
    if (exemplar.spanId !== '' && !ALL_ZERO.test(exemplar.spanId)) {
      pairs.push(['span_id', exemplar.spanId]);
      runes += 'span_id'.length + exemplar.spanId.length;
    }
    const filtered: Array<[string, string]> = [];
    for (const attribute of exemplar.filteredAttributes) {
      const value = attributeValueAsString(attribute.value);
      runes += runeCount(attribute.key) + runeCount(value);
      filtered.push([attribute.key, value]);
    }
    if (runes <= MAX_EXEMPLAR_RUNES) pairs.push(...filtered);
    pairs.sort((a, b) => compareUtf8(a[0], b[0]));
    const labels: FlatLabels = [];
    for (const [name, value] of pairs) {
      if (name === '' || value === '' || (labels.length > 0 && labels[labels.length - 2] === name)) continue;
      labels.push(name, value);
    }
    return { labels, value: exemplar.value, timestamp: exemplar.timeMs };
  });
}

/** Whether every exemplar has a value; Prometheus fails the metric otherwise. */
export function exemplarsHaveValues(points: ReadonlyArray<{ exemplars: readonly Exemplar[] }>): boolean {
  for (const point of points) for (const exemplar of point.exemplars) if (!exemplar.hasValue) return false;
  return true;
}

function runeCount(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // A surrogate pair is one rune.
    if (c < 0xd800 || c > 0xdbff) count++;
  }
  return count;
}
