import type { AnyValue } from '../otlp/model.js';
import { compareUtf8 } from '../rw/label-order.js';

/**
 * An attribute value as a label value, the way OTel's pdata `Value.AsString` renders it (Prometheus
 * calls it): strings as is, ints in decimal, bools as true/false, doubles in Go's shortest 'g'-like
 * JSON form, bytes as standard base64, arrays and maps as JSON, empty as "".
 */
export function attributeValueAsString(value: AnyValue): string {
  switch (value.kind) {
    case 'string':
      return value.value;
    case 'bool':
      return value.value ? 'true' : 'false';
    case 'int':
      return value.value.toString();
    case 'double':
      return formatDouble(value.value);
    case 'bytes':
      return base64(value.value);
    case 'array':
    case 'kvlist':
      return goJson(value) ?? '';
    case 'empty':
      return '';
  }
}

/**
 * pdata's double rendering (v1.63, R6): ES6 number-to-string (shortest round trip; exponent form below
 * 1e-6 and from 1e21, exponent not zero padded), which is JS's Number#toString, except that Go keeps
 * the sign of -0. NaN and infinities render as `NaN`, `Infinity`, `-Infinity`, as in JS.
 */
export function formatDouble(value: number): string {
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

/**
 * Arrays and maps render as Go's encoding/json writes their raw values with HTML escaping off: map keys
 * sorted byte-wise (a later duplicate key wins), ints exact, bytes as base64 strings, empty as null. A
 * NaN or infinity anywhere makes Go's encoder fail, and pdata then renders the whole value as "".
 */
function goJson(value: AnyValue): string | undefined {
  switch (value.kind) {
    case 'string':
      return goJsonString(value.value);
    case 'bool':
      return value.value ? 'true' : 'false';
    case 'int':
      return value.value.toString();
    case 'double':
      return Number.isFinite(value.value) ? formatDouble(value.value) : undefined;
    case 'bytes':
      return goJsonString(base64(value.value));
    case 'empty':
      return 'null';
    case 'array': {
      const items: string[] = [];
      for (const item of value.value) {
        const json = goJson(item);
        if (json === undefined) return undefined;
        items.push(json);
      }
      return `[${items.join(',')}]`;
    }
    case 'kvlist': {
      const entries = new Map<string, AnyValue>();
      for (const kv of value.value) entries.set(kv.key, kv.value);
      const keys = [...entries.keys()].sort(compareUtf8);
      const members: string[] = [];
      for (const key of keys) {
        const json = goJson(entries.get(key) as AnyValue);
        if (json === undefined) return undefined;
        members.push(`${goJsonString(key)}:${json}`);
      }
      return `{${members.join(',')}}`;
    }
  }
}

/** Go JSON string escaping (Go >= 1.22, HTML escaping off). */
function goJsonString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += value[i];
  }
  return `${out}"`;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
}
