import type { Exemplar } from '../otlp/model.js';
import { compareUtf8 } from '../rw/label-order.js';
import { attributeValueAsString } from './attribute-value.js';
import type { ExemplarOutput, FlatLabels } from './sink.js';

/**
 * OTLP exemplars as Prometheus exemplars: `trace_id` and `span_id` (lowercase hex, only when set) plus
 * the filtered attributes, labels sorted; value and timestamp (ms) as sent.
 */
export function exemplarsOf(exemplars: readonly Exemplar[]): ExemplarOutput[] {
  return exemplars.map((exemplar) => {
    const pairs: Array<[string, string]> = [];
    for (const attribute of exemplar.filteredAttributes) {
      const value = attributeValueAsString(attribute.value);
      if (attribute.key !== '' && value !== '') pairs.push([attribute.key, value]);
    }
    if (exemplar.traceId !== '') pairs.push(['trace_id', exemplar.traceId]);
    if (exemplar.spanId !== '') pairs.push(['span_id', exemplar.spanId]);
    pairs.sort((a, b) => compareUtf8(a[0], b[0]));
    const labels: FlatLabels = [];
    for (const [name, value] of pairs) labels.push(name, value);
    return { labels, value: exemplar.value, timestamp: exemplar.timeMs };
  });
}
