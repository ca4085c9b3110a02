import { OtlpDecodeError, OtlpErrorCode } from './errors.js';
import { MAX_ANY_VALUE_DEPTH } from './decode-protobuf-common.js';
import type {
  AnyValue,
  ExponentialBuckets,
  Exemplar,
  ExponentialHistogramDataPoint,
  ExportMetricsRequest,
  HistogramDataPoint,
  KeyValue,
  Metric,
  MetricData,
  NumberDataPoint,
  PointBase,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from './model.js';

/**
 * Decodes an OTLP/HTTP JSON ExportMetricsServiceRequest (the OTLP spec's JSON mapping: lowerCamelCase
 * keys, 64-bit integers as decimal strings or numbers, enums as integers, trace/span ids as hex,
 * bytes as base64). snake_case keys are accepted too, as protobuf JSON parsers do.
 */
export function decodeExportMetricsRequestJson(input: string | Uint8Array): ExportMetricsRequest {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = utf8.decode(input);
    } catch {
      // JSON text is UTF-8 (RFC 8259); Go's protojson rejects invalid bytes rather than replacing them.
      throw new OtlpDecodeError(OtlpErrorCode.INVALID_UTF8, 'JSON text is not valid UTF-8', '');
    }
  }
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError(OtlpErrorCode.INVALID_JSON, `not JSON: ${(error as Error).message}`, '');
  }
  return fromJsonObject(root);
}

/** The same mapping from an already parsed JSON value. */
export function fromJsonObject(root: unknown): ExportMetricsRequest {
  const json = new JsonWalker();
  const request = json.object(root, '');
  return { resourceMetrics: json.list(request, 'resourceMetrics', '', (rm, path) => json.resourceMetrics(rm, path)) };
}

type JsonObject = Record<string, unknown>;

/**
 * Where a value is, for error messages (`resourceMetrics[0].scopeMetrics[1]...`): a string, or a
 * member or list element of another path, made into a string only when an error names it. A path
 * string per point was a large part of decoding.
 */
type JsonPath = string | LazyPath;

class LazyPath {
  constructor(
    private readonly parent: JsonPath,
    private readonly key: string,
    /** The list index, or -1 for the member `key` itself. */
    private readonly index = -1,
  ) {}

  toString(): string {
    const parent = String(this.parent);
    const member = parent === '' ? this.key : `${parent}.${this.key}`;
    return this.index < 0 ? member : `${member}[${this.index}]`;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A UTF-16 surrogate without its partner (the `u` flag makes a valid pair one code point). */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Decimal 64-bit integers: at most 20 digits, so a huge digit string is refused before BigInt parses it. */
const INT64_TEXT = /^-?\d{1,20}$/;
const INT64_MIN = -(2n ** 63n);
/**
 * Nanosecond timestamps the fast path of millis() takes: 7 to 19 digits, 19 only up to int64's max
 * (INT64_MAX_TEXT; digit strings of one length compare like their numbers). Every time since 2001 is
 * 19 digits in nanoseconds: a fast path of 18 at most took BigInt for every real timestamp.
 */
const NANOS_TEXT = /^\d{7,19}$/;
const INT64_MAX_TEXT = '9223372036854775807';
/** Integers exact as JS numbers (up to 15 digits), the fast path of as_int values. */
const SMALL_INT_TEXT = /^-?\d{1,15}$/;
/** Unsigned integers exact as JS numbers (up to 15 digits), the fast path of counts. */
const SMALL_UNSIGNED_TEXT = /^\d{1,15}$/;

function isSmallUnsigned(value: unknown): value is number | string {
  return typeof value === 'number' ? Number.isSafeInteger(value) && value >= 0 : typeof value === 'string' && SMALL_UNSIGNED_TEXT.test(value);
}

const SNAKE_CASE = new Map<string, string>();

/** `startTimeUnixNano` -> `start_time_unix_nano`, memoized: absent optional fields ask on every point. */
function snakeCase(key: string): string {
  let snake = SNAKE_CASE.get(key);
  if (snake === undefined) {
    snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    SNAKE_CASE.set(key, snake);
  }
  return snake;
}
const UINT64_MAX = 2n ** 64n - 1n;

class JsonWalker {
  /**
   * One frozen attribute per distinct string key and value in the request, as the protobuf decoder
   * shares one per distinct bytes: the translator then finds an attribute's label by identity (see
   * PointLabelSets), and each string is checked for lone surrogates once.
   */
  private readonly stringAttributes = new Map<string, Map<string, KeyValue>>();
  /** millis()' last string that converted, and its result (none yet: no text matches). */
  private lastNanosText: string | undefined = undefined;
  private lastMillis = 0;

  /**
   * The usual attribute, a string key with only a string value, decoded without building a path;
   * undefined for any other shape, which keyValue decodes and checks.
   */
  stringAttribute(kv: unknown): KeyValue | undefined {
    if (kv === null || typeof kv !== 'object' || Array.isArray(kv)) return undefined;
    const key = Object.hasOwn(kv, 'key') ? (kv as JsonObject).key : undefined;
    const value = Object.hasOwn(kv, 'value') ? (kv as JsonObject).value : undefined;
    if (typeof key !== 'string' || value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    // Exactly one member, `stringValue` or `string_value`: counted without Object.keys' array per attribute.
    let members = 0;
    for (const _ in value) if (++members > 1) return undefined;
    const text = Object.hasOwn(value, 'stringValue') ? (value as JsonObject).stringValue : Object.hasOwn(value, 'string_value') ? (value as JsonObject).string_value : undefined;
    if (typeof text !== 'string') return undefined;
    let byValue = this.stringAttributes.get(key);
    if (byValue === undefined) {
      if (LONE_SURROGATE.test(key)) return undefined;
      byValue = new Map();
      this.stringAttributes.set(key, byValue);
    }
    let attribute = byValue.get(text);
    if (attribute === undefined) {
      if (LONE_SURROGATE.test(text)) return undefined;
      attribute = Object.freeze({ key, value: Object.freeze({ kind: 'string' as const, value: text }) });
      byValue.set(text, attribute);
    }
    return attribute;
  }

  fail(path: JsonPath, detail: string, code: string = OtlpErrorCode.WRONG_TYPE): never {
    throw new OtlpDecodeError(code, detail, String(path));
  }

  object(value: unknown, path: JsonPath): JsonObject {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(path, `expected an object, got ${describe(value)}`);
    }
    return value as JsonObject;
  }

  /** Reads `camelKey` or its snake_case spelling. */
  field(object: JsonObject, key: string): unknown {
    if (Object.hasOwn(object, key)) return object[key];
    const snake = snakeCase(key);
    // An absent one-word key (`count`, `min`) is spelled the same in snake_case: no second lookup.
    return snake !== key && Object.hasOwn(object, snake) ? object[snake] : undefined;
  }

  list<T>(object: JsonObject, key: string, path: JsonPath, item: (value: unknown, path: JsonPath) => T): T[] {
    const value = this.field(object, key);
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(new LazyPath(path, key), `expected an array, got ${describe(value)}`);
    const items: T[] = new Array(value.length);
    for (let index = 0; index < value.length; index++) items[index] = item(value[index], new LazyPath(path, key, index));
    return items;
  }

  /**
   * A list of numbers, converted by `fast` (undefined: not the common form) or else `slow`. An
   * element's path is built only for one that takes the slow way: histograms have tens of numbers per
   * point, and a path string per number was a large part of decoding them.
   */
  numberList(object: JsonObject, key: string, path: JsonPath, fast: (value: unknown) => number | undefined, slow: (value: unknown, path: JsonPath) => number): number[] {
    const value = this.field(object, key);
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(new LazyPath(path, key), `expected an array, got ${describe(value)}`);
    const numbers: number[] = [];
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      const number = fast(element);
      numbers.push(number !== undefined ? number : slow(element, new LazyPath(path, key, i)));
    }
    return numbers;
  }

  string(object: JsonObject, key: string, path: JsonPath): string {
    const value = this.field(object, key);
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string') this.fail(new LazyPath(path, key), `expected a string, got ${describe(value)}`);
    return this.wellFormed(value, new LazyPath(path, key));
  }

  /**
   * OTLP strings are protobuf strings, valid UTF-8; a lone surrogate (a `\ud800` escape) has no UTF-8
   * form. Go's protojson refuses it ("invalid escape code"); so do we, rather than let two different JS
   * strings become the same U+FFFD bytes in two series.
   */
  wellFormed(value: string, path: JsonPath): string {
    if (LONE_SURROGATE.test(value)) this.fail(path, 'string has a lone UTF-16 surrogate, not valid UTF-8', OtlpErrorCode.INVALID_UTF8);
    return value;
  }

  bool(object: JsonObject, key: string, path: JsonPath): boolean {
    const value = this.field(object, key);
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') this.fail(new LazyPath(path, key), `expected a boolean, got ${describe(value)}`);
    return value;
  }

  /** int32/uint32/enum: a JSON number or decimal string, within [-2^31, 2^32) as protojson requires. */
  int(object: JsonObject, key: string, path: JsonPath): number {
    const value = this.field(object, key);
    if (value === undefined || value === null) return 0;
    const n = typeof value === 'string' && /^-?\d{1,10}$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      this.fail(new LazyPath(path, key), `expected an integer, got ${describe(value)}`);
    }
    if (n < -(2 ** 31) || n >= 2 ** 32) this.fail(new LazyPath(path, key), `integer ${n} is out of the 32-bit range`, OtlpErrorCode.BAD_VALUE);
    return n;
  }

  /** 64-bit integer as an exact bigint: JSON number or decimal string, within [-2^63, 2^64). */
  int64(value: unknown, path: JsonPath): bigint {
    let n: bigint;
    if (typeof value === 'number' && Number.isInteger(value)) n = BigInt(value);
    else if (typeof value === 'string' && INT64_TEXT.test(value)) n = BigInt(value);
    else if (typeof value === 'string' && /^-?\d+$/.test(value)) return this.fail(path, `${describe(value)} is out of the 64-bit integer range`, OtlpErrorCode.BAD_VALUE);
    else return this.fail(path, `expected a 64-bit integer, got ${describe(value)}`);
    if (n < INT64_MIN || n > UINT64_MAX) this.fail(path, `${describe(value)} is out of the 64-bit integer range`, OtlpErrorCode.BAD_VALUE);
    return n;
  }

  /** uint64/fixed64 counts as numbers. */
  count(object: JsonObject, key: string, path: JsonPath): number {
    const value = this.field(object, key);
    if (value === undefined || value === null) return 0;
    if (isSmallUnsigned(value)) return Number(value) || 0;
    const n = this.int64(value, new LazyPath(path, key));
    if (n < 0n) this.fail(new LazyPath(path, key), `expected an unsigned integer, got ${describe(value)}`);
    return Number(n);
  }

  /** One bucket count: a 64-bit integer as a number (no sign check, as before the fast path). */
  bucketCount(value: unknown, path: JsonPath): number {
    return isSmallUnsigned(value) ? Number(value) || 0 : Number(this.int64(value, path));
  }

  /** A nanosecond timestamp (string or number) as milliseconds, truncated like Go's int64(ns)/1e6. */
  millis(object: JsonObject, key: string, path: JsonPath): number {
    const value = this.field(object, key);
    if (value === undefined || value === null) return 0;
    // Points of one collection share their timestamps: the last text converted is asked for again.
    if (value === this.lastNanosText) return this.lastMillis;
    let millis: number;
    // Decimal nanoseconds below 2^63 (no sign, no int64 wrap): dropping 6 digits is the exact truncation.
    if (typeof value === 'string' && NANOS_TEXT.test(value) && (value.length < 19 || value <= INT64_MAX_TEXT)) millis = Number(value.slice(0, -6));
    else millis = Number(BigInt.asIntN(64, this.int64(value, new LazyPath(path, key))) / 1000000n);
    if (typeof value === 'string') {
      this.lastNanosText = value;
      this.lastMillis = millis;
    }
    return millis;
  }

  /** double: a JSON number, or "NaN" / "Infinity" / "-Infinity" as protobuf JSON writes them. */
  double(value: unknown, path: JsonPath): number {
    if (typeof value === 'number') return value;
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
    return this.fail(path, `expected a number, got ${describe(value)}`);
  }

  optionalDouble(object: JsonObject, key: string, path: JsonPath): number | undefined {
    const value = this.field(object, key);
    if (typeof value === 'number') return value;
    return value === undefined || value === null ? undefined : this.double(value, new LazyPath(path, key));
  }

  /** Hex trace/span id (the OTLP JSON mapping), lowercased. */
  hexId(object: JsonObject, key: string, path: JsonPath): string {
    const value = this.string(object, key, path);
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(value)) {
      this.fail(new LazyPath(path, key), `expected a hex id, got ${JSON.stringify(value)}`, OtlpErrorCode.BAD_VALUE);
    }
    return value.toLowerCase();
  }

  attributes(object: JsonObject, key: string, path: JsonPath): KeyValue[] {
    const list = this.field(object, key);
    if (!Array.isArray(list)) return this.list(object, key, path, (kv, kvPath) => this.keyValue(kv, kvPath, 0));
    const attributes: KeyValue[] = [];
    for (let i = 0; i < list.length; i++) {
      const kv: unknown = list[i];
      attributes.push(this.stringAttribute(kv) ?? this.keyValue(kv, new LazyPath(path, key, i), 0));
    }
    return attributes;
  }

  keyValue(value: unknown, path: JsonPath, depth: number): KeyValue {
    const kv = this.object(value, path);
    const attributeValue = this.field(kv, 'value');
    return {
      key: this.string(kv, 'key', path),
      value: attributeValue === undefined || attributeValue === null ? { kind: 'empty' } : this.anyValue(attributeValue, new LazyPath(path, 'value'), depth),
    };
  }

  anyValue(value: unknown, path: JsonPath, depth: number): AnyValue {
    if (depth >= MAX_ANY_VALUE_DEPTH) {
      this.fail(path, `attribute value nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`, OtlpErrorCode.TOO_DEEP);
    }
    const any = this.object(value, path);
    let result: AnyValue = { kind: 'empty' };
    for (const key of Object.keys(any)) {
      const v = any[key];
      switch (key) {
        case 'stringValue':
        case 'string_value':
          if (typeof v !== 'string') this.fail(new LazyPath(path, key), `expected a string, got ${describe(v)}`);
          result = { kind: 'string', value: this.wellFormed(v, new LazyPath(path, key)) };
          break;
        case 'boolValue':
        case 'bool_value':
          if (typeof v !== 'boolean') this.fail(new LazyPath(path, key), `expected a boolean, got ${describe(v)}`);
          result = { kind: 'bool', value: v };
          break;
        case 'intValue':
        case 'int_value':
          result = { kind: 'int', value: BigInt.asIntN(64, this.int64(v, new LazyPath(path, key))) };
          break;
        case 'doubleValue':
        case 'double_value':
          result = { kind: 'double', value: this.double(v, new LazyPath(path, key)) };
          break;
        case 'bytesValue':
        case 'bytes_value':
          result = { kind: 'bytes', value: this.base64(v, new LazyPath(path, key)) };
          break;
        case 'arrayValue':
        case 'array_value': {
          const list = this.object(v, new LazyPath(path, key));
          result = { kind: 'array', value: this.list(list, 'values', new LazyPath(path, key), (item, p) => this.anyValue(item, p, depth + 1)) };
          break;
        }
        case 'kvlistValue':
        case 'kvlist_value': {
          const list = this.object(v, new LazyPath(path, key));
          result = { kind: 'kvlist', value: this.list(list, 'values', new LazyPath(path, key), (item, p) => this.keyValue(item, p, depth + 1)) };
          break;
        }
        default:
        // Unknown members are ignored, as protobuf JSON parsers may ignore unknown fields.
      }
    }
    return result;
  }

  base64(value: unknown, path: JsonPath): Uint8Array {
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) {
      this.fail(path, `expected base64 bytes, got ${describe(value)}`, OtlpErrorCode.BAD_VALUE);
    }
    let binary: string;
    try {
      binary = atob(value.replace(/-/g, '+').replace(/_/g, '/'));
    } catch {
      // atob refuses a length that is 1 mod 4: no base64 encodes that.
      return this.fail(path, `expected base64 bytes, got ${describe(value)}`, OtlpErrorCode.BAD_VALUE);
    }
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  resourceMetrics(value: unknown, path: JsonPath): ResourceMetrics {
    const rm = this.object(value, path);
    const resource = this.field(rm, 'resource');
    const resourcePath = new LazyPath(path, 'resource');
    return {
      resource: {
        attributes: resource === undefined || resource === null ? [] : this.attributes(this.object(resource, resourcePath), 'attributes', resourcePath),
      },
      schemaUrl: this.string(rm, 'schemaUrl', path),
      scopeMetrics: this.list(rm, 'scopeMetrics', path, (sm, p) => this.scopeMetrics(sm, p)),
    };
  }

  scopeMetrics(value: unknown, path: JsonPath): ScopeMetrics {
    const sm = this.object(value, path);
    const scopeValue = this.field(sm, 'scope');
    const scopePath = new LazyPath(path, 'scope');
    const scope = scopeValue === undefined || scopeValue === null ? {} : this.object(scopeValue, scopePath);
    return {
      scope: {
        name: this.string(scope, 'name', scopePath),
        version: this.string(scope, 'version', scopePath),
        attributes: this.attributes(scope, 'attributes', scopePath),
      },
      schemaUrl: this.string(sm, 'schemaUrl', path),
      metrics: this.list(sm, 'metrics', path, (m, p) => this.metric(m, p)),
    };
  }

  metric(value: unknown, path: JsonPath): Metric {
    const m = this.object(value, path);
    let data: MetricData = { type: 'empty' };
    for (const type of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const) {
      const body = this.field(m, type);
      if (body === undefined || body === null) continue;
      data = this.metricData(type, this.object(body, new LazyPath(path, type)), new LazyPath(path, type));
    }
    return {
      name: this.string(m, 'name', path),
      description: this.string(m, 'description', path),
      unit: this.string(m, 'unit', path),
      data,
    };
  }

  metricData(type: Exclude<MetricData['type'], 'empty'>, body: JsonObject, path: JsonPath): MetricData {
    const temporality = this.int(body, 'aggregationTemporality', path);
    switch (type) {
      case 'gauge':
        return { type, points: this.list(body, 'dataPoints', path, (p, pp) => this.numberPoint(p, pp)) };
      case 'sum':
        return {
          type,
          points: this.list(body, 'dataPoints', path, (p, pp) => this.numberPoint(p, pp)),
          temporality,
          monotonic: this.bool(body, 'isMonotonic', path),
        };
      case 'histogram':
        return { type, temporality, points: this.list(body, 'dataPoints', path, (p, pp) => this.histogramPoint(p, pp)) };
      case 'exponentialHistogram':
        return { type, temporality, points: this.list(body, 'dataPoints', path, (p, pp) => this.exponentialPoint(p, pp)) };
      case 'summary':
        return { type, points: this.list(body, 'dataPoints', path, (p, pp) => this.summaryPoint(p, pp)) };
    }
  }

  /** as_double / as_int: the last one present wins, as with the protobuf oneof. */
  numberValue(p: JsonObject, path: JsonPath): number {
    const asInt = this.field(p, 'asInt');
    if (asInt !== undefined && asInt !== null) {
      // Up to 15 digits is exact as a double: no BigInt for the usual counter (+ 0: BigInt has no -0).
      if (typeof asInt === 'string' ? SMALL_INT_TEXT.test(asInt) : Number.isSafeInteger(asInt)) return Number(asInt) + 0;
      return Number(this.int64(asInt, new LazyPath(path, 'asInt')));
    }
    const asDouble = this.field(p, 'asDouble');
    if (asDouble !== undefined && asDouble !== null) return this.double(asDouble, new LazyPath(path, 'asDouble'));
    return 0;
  }

  /**
   * The fields every point has, in the protobuf decoder's order. Each kind adds its own to this
   * object: spreading it into a new one was ~a third of decoding a point.
   */
  pointBase(p: JsonObject, path: JsonPath): PointBase {
    return {
      attributes: this.attributes(p, 'attributes', path),
      startTimeMs: this.millis(p, 'startTimeUnixNano', path),
      timeMs: this.millis(p, 'timeUnixNano', path),
      flags: this.int(p, 'flags', path),
      exemplars: this.list(p, 'exemplars', path, (e, ep) => this.exemplar(e, ep)),
    };
  }

  numberPoint(value: unknown, path: JsonPath): NumberDataPoint {
    const p = this.object(value, path);
    const point = this.pointBase(p, path) as NumberDataPoint;
    point.value = this.numberValue(p, path);
    return point;
  }

  exemplar(value: unknown, path: JsonPath): Exemplar {
    const e = this.object(value, path);
    return {
      filteredAttributes: this.attributes(e, 'filteredAttributes', path),
      timeMs: this.millis(e, 'timeUnixNano', path),
      value: this.numberValue(e, path),
      hasValue: this.field(e, 'asInt') != null || this.field(e, 'asDouble') != null,
      traceId: this.hexId(e, 'traceId', path),
      spanId: this.hexId(e, 'spanId', path),
    };
  }

  histogramPoint(value: unknown, path: JsonPath): HistogramDataPoint {
    const p = this.object(value, path);
    const point = this.pointBase(p, path) as HistogramDataPoint;
    point.count = this.count(p, 'count', path);
    point.sum = this.optionalDouble(p, 'sum', path);
    point.bucketCounts = this.numberList(p, 'bucketCounts', path, fastBucketCount, (c, cp) => this.bucketCount(c, cp));
    point.explicitBounds = this.numberList(p, 'explicitBounds', path, fastDouble, (b, bp) => this.double(b, bp));
    point.min = this.optionalDouble(p, 'min', path);
    point.max = this.optionalDouble(p, 'max', path);
    return point;
  }


  buckets(p: JsonObject, key: string, path: JsonPath): ExponentialBuckets {
    const value = this.field(p, key);
    if (value === undefined || value === null) return { offset: 0, bucketCounts: [] };
    const b = this.object(value, new LazyPath(path, key));
    return {
      offset: this.int(b, 'offset', new LazyPath(path, key)),
      bucketCounts: this.numberList(b, 'bucketCounts', new LazyPath(path, key), fastBucketCount, (c, cp) => this.bucketCount(c, cp)),
    };
  }

  exponentialPoint(value: unknown, path: JsonPath): ExponentialHistogramDataPoint {
    const p = this.object(value, path);
    const point = this.pointBase(p, path) as ExponentialHistogramDataPoint;
    point.count = this.count(p, 'count', path);
    point.sum = this.optionalDouble(p, 'sum', path);
    point.scale = this.int(p, 'scale', path);
    point.zeroCount = this.count(p, 'zeroCount', path);
    point.zeroThreshold = this.optionalDouble(p, 'zeroThreshold', path) ?? 0;
    point.positive = this.buckets(p, 'positive', path);
    point.negative = this.buckets(p, 'negative', path);
    point.min = this.optionalDouble(p, 'min', path);
    point.max = this.optionalDouble(p, 'max', path);
    return point;
  }


  summaryPoint(value: unknown, path: JsonPath): SummaryDataPoint {
    const p = this.object(value, path);
    const point = this.pointBase(p, path) as SummaryDataPoint;
    // SummaryDataPoint has no exemplars field: ignored like any unknown member, as the protobuf decoder does.
    point.exemplars = [];
    point.count = this.count(p, 'count', path);
    point.sum = this.optionalDouble(p, 'sum', path) ?? 0;
    point.quantileValues = this.list(p, 'quantileValues', path, (q, qp) => {
      const quantile = this.object(q, qp);
      return {
        quantile: this.optionalDouble(quantile, 'quantile', qp) ?? 0,
        value: this.optionalDouble(quantile, 'value', qp) ?? 0,
      };
    });
    return point;
  }

}


/** A bucket count in its usual forms (a small JSON number, or a short digit string), else undefined. */
function fastBucketCount(value: unknown): number | undefined {
  return isSmallUnsigned(value) ? Number(value) || 0 : undefined;
}

function fastDouble(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
