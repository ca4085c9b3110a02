import { decodeKeyValue } from '../otlp/decode-protobuf-common.js';
import { ProtoReader } from '../protobuf/reader.js';
import { formatFloatPositional } from './format-float.js';
import type { LabelNameCache } from './label-name.js';
import { pointAttributeValue } from './point-label-sets.js';

const METRIC_NAME_LABEL = '__name__';

/**
 * The per-distinct-value rules of a data point, for the wasm engine's fused path, which meets the
 * attribute bytes and `le`/`quantile` values itself and asks once per distinct one: the same functions
 * PointLabelSets and the histogram and summary translators apply.
 */
export class PointRules {
  constructor(private readonly names: LabelNameCache) {}

  /**
   * A point attribute's [label name, value text ("" = no label)] from its KeyValue bytes; undefined
   * for a `__name__` key (pointSet skips it). Throws what decoding or sanitizing the key throws.
   */
  attributeLabel(keyValue: Uint8Array): [name: string, value: string] | undefined {
    const attribute = decodeKeyValue(new ProtoReader(keyValue), keyValue.length, 0);
    if (attribute.key === METRIC_NAME_LABEL) return undefined;
    return [this.names.dataPoint(attribute.key), pointAttributeValue(attribute)];
  }

  floatText(value: number): string {
    return formatFloatPositional(value);
  }
}
