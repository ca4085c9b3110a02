import { WireErrorCode } from '../protobuf/errors.js';
import { type ProtoReader, WireType } from '../protobuf/reader.js';
import type { AnyValue, KeyValue } from './model.js';

/**
 * How deep arrays and kvlists may nest inside one attribute value. Untrusted input could otherwise nest
 * until the stack overflows; real attributes nest one or two levels.
 */
export const MAX_ANY_VALUE_DEPTH = 32;

const EMPTY: AnyValue = { kind: 'empty' };

/** KeyValue (opentelemetry/proto/common/v1): key 1, value 2 (AnyValue). */
export function decodeKeyValue(reader: ProtoReader, end: number, depth: number): KeyValue {
  let key = '';
  let value: AnyValue = EMPTY;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.LEN)) key = reader.string();
    else if (tag === ((2 << 3) | WireType.LEN)) value = decodeAnyValue(reader, reader.lengthDelimitedEnd(), depth);
    else reader.skip(tag & 7);
  }
  reader.endOf(end, 'keyValue');
  return { key, value };
}

/**
 * AnyValue, a oneof: string_value 1, bool_value 2, int_value 3 (int64), double_value 4,
 * array_value 5 (ArrayValue.values 1), kvlist_value 6 (KeyValueList.values 1), bytes_value 7.
 * As in protobuf, the last oneof member on the wire wins.
 */
function decodeAnyValue(reader: ProtoReader, end: number, depth: number): AnyValue {
  if (depth >= MAX_ANY_VALUE_DEPTH) {
    reader.fail(WireErrorCode.TOO_DEEP, `attribute value nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  }
  let value: AnyValue = EMPTY;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (1 << 3) | WireType.LEN:
        value = { kind: 'string', value: reader.string() };
        break;
      case (2 << 3) | WireType.VARINT:
        value = { kind: 'bool', value: reader.bool() };
        break;
      case (3 << 3) | WireType.VARINT:
        value = { kind: 'int', value: reader.int64() };
        break;
      case (4 << 3) | WireType.I64:
        value = { kind: 'double', value: reader.double() };
        break;
      case (5 << 3) | WireType.LEN: {
        const listEnd = reader.lengthDelimitedEnd();
        const values: AnyValue[] = [];
        while (reader.pos < listEnd) {
          const itemTag = reader.tag();
          if (itemTag === ((1 << 3) | WireType.LEN)) {
            values.push(decodeAnyValue(reader, reader.lengthDelimitedEnd(), depth + 1));
          } else reader.skip(itemTag & 7);
        }
        reader.endOf(listEnd, 'arrayValue');
        value = { kind: 'array', value: values };
        break;
      }
      case (6 << 3) | WireType.LEN: {
        const listEnd = reader.lengthDelimitedEnd();
        const values: KeyValue[] = [];
        while (reader.pos < listEnd) {
          const itemTag = reader.tag();
          if (itemTag === ((1 << 3) | WireType.LEN)) {
            values.push(decodeKeyValue(reader, reader.lengthDelimitedEnd(), depth + 1));
          } else reader.skip(itemTag & 7);
        }
        reader.endOf(listEnd, 'kvlistValue');
        value = { kind: 'kvlist', value: values };
        break;
      }
      case (7 << 3) | WireType.LEN:
        value = { kind: 'bytes', value: reader.bytes().slice() };
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  reader.endOf(end, 'anyValue');
  return value;
}
