// fast-check arbitraries for the fuzz suite: valid OTLP requests of every metric type (as OTLP/JSON
// objects, encoded to protobuf with protobufjs, independent of src/), and mutations of their bytes.
import fc from 'fast-check';

/** Keys that would pollute or shadow an object's prototype if used as a property name. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', '__defineGetter__'];

const attributeKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('service.name', 'service.namespace', 'service.instance.id', 'host.name', 'http.route', 'le', 'quantile', '__name__', '_x', 'a..b', 'ключ', '🙂', '', ...PROTOTYPE_KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
);

const scalarValue = fc.oneof(
  fc.string({ maxLength: 12 }).map((stringValue) => ({ stringValue })),
  fc.constantFrom('', 'x', '200', '/cart', '\u00e9', '🙂').map((stringValue) => ({ stringValue })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) => ({ intValue: v.toString() })),
  fc.double().map((doubleValue) => ({ doubleValue })),
  fc.boolean().map((boolValue) => ({ boolValue })),
  fc.uint8Array({ maxLength: 4 }).map((bytes) => ({ bytesValue: Buffer.from(bytes).toString('base64') })),
);

const anyValue = fc.oneof(
  { weight: 6, arbitrary: scalarValue },
  { weight: 1, arbitrary: fc.array(scalarValue, { maxLength: 3 }).map((values) => ({ arrayValue: { values } })) },
  { weight: 1, arbitrary: fc.array(fc.record({ key: attributeKey, value: scalarValue }), { maxLength: 3 }).map((values) => ({ kvlistValue: { values } })) },
);

const attributes = fc.array(fc.record({ key: attributeKey, value: anyValue }), { maxLength: 4 });

/**
 * Nanosecond timestamps: mostly within one hour, sometimes 0, the uint64 extremes, or anything (those
 * give a resource up to maxTargetInfoSamples target_info samples, so they are kept rare for speed).
 */
const nanos = fc.oneof(
  { weight: 150, arbitrary: fc.bigInt({ min: 1_700_000_000_000_000_000n, max: 1_700_003_600_000_000_000n }) },
  { weight: 1, arbitrary: fc.constantFrom(0n, 1n, 999_999n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) },
).map(String);

const double = fc.oneof({ weight: 4, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) }, { weight: 1, arbitrary: fc.double() });
const count = fc.bigInt({ min: 0n, max: 1000n }).map(String);

const exemplar = fc.record(
  {
    filteredAttributes: fc.array(fc.record({ key: attributeKey, value: scalarValue }), { maxLength: 2 }),
    timeUnixNano: nanos,
    asDouble: double,
    traceId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    spanId: fc.uint8Array({ minLength: 8, maxLength: 8 }),
  },
  { requiredKeys: ['timeUnixNano'] },
);

const pointBase = {
  attributes,
  startTimeUnixNano: nanos,
  timeUnixNano: nanos,
  flags: fc.constantFrom(0, 0, 0, 1),
  exemplars: fc.array(exemplar, { maxLength: 2 }),
};

const numberPoint = fc.oneof(
  fc.record({ ...pointBase, asDouble: double }),
  fc.record({ ...pointBase, asInt: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String) }),
);

const histogramPoint = fc
  .tuple(fc.record(pointBase), fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { maxLength: 5 }), fc.array(count, { maxLength: 6 }), fc.option(double, { nil: undefined }))
  .map(([base, bounds, counts, sum]) => ({
    ...base,
    explicitBounds: [...new Set(bounds)].sort((a, b) => a - b),
    bucketCounts: counts,
    count: String(counts.reduce((total, c) => total + BigInt(c), 0n)),
    ...(sum === undefined ? {} : { sum }),
  }));

const buckets = fc.record({ offset: fc.integer({ min: -20, max: 20 }), bucketCounts: fc.array(count, { maxLength: 6 }) });

const exponentialPoint = fc
  .tuple(fc.record(pointBase), fc.integer({ min: -6, max: 12 }), buckets, buckets, count, fc.option(double, { nil: undefined }))
  .map(([base, scale, positive, negative, zeroCount, sum]) => ({
    ...base,
    scale,
    positive,
    negative,
    zeroCount,
    count: String([...positive.bucketCounts, ...negative.bucketCounts, zeroCount].reduce((total, c) => total + BigInt(c), 0n)),
    ...(sum === undefined ? {} : { sum }),
  }));

const summaryPoint = fc.record({
  ...pointBase,
  count,
  sum: double,
  quantileValues: fc.array(fc.record({ quantile: fc.double({ min: 0, max: 1, noNaN: true }), value: double }), { maxLength: 3 }),
});

const temporality = fc.constantFrom(2, 2, 2, 1, 0);
const points = <T>(point: fc.Arbitrary<T>) => fc.array(point, { minLength: 0, maxLength: 3 });

const metricName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('http.server.requests', 'temperature', 'queue.size', 'rpc.duration', 'a', '9x', '__name__', 'ü.metric', ...PROTOTYPE_KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
);

const metric = fc
  .tuple(
    metricName,
    fc.constantFrom('', 's', 'ms', 'By', '1', '{request}', 'By/s', '%'),
    fc.constantFrom('', 'help text', 'ünïcode help'),
    fc.oneof(
      points(numberPoint).map((dataPoints) => ({ gauge: { dataPoints } })),
      fc.tuple(points(numberPoint), temporality, fc.boolean()).map(([dataPoints, aggregationTemporality, isMonotonic]) => ({ sum: { dataPoints, aggregationTemporality, isMonotonic } })),
      fc.tuple(points(histogramPoint), temporality).map(([dataPoints, aggregationTemporality]) => ({ histogram: { dataPoints, aggregationTemporality } })),
      fc.tuple(points(exponentialPoint), temporality).map(([dataPoints, aggregationTemporality]) => ({ exponentialHistogram: { dataPoints, aggregationTemporality } })),
      points(summaryPoint).map((dataPoints) => ({ summary: { dataPoints } })),
    ),
  )
  .map(([name, unit, description, data]) => ({ name, unit, description, ...data }));

const scopeMetrics = fc.record({
  scope: fc.record({ name: fc.constantFrom('', 'lib', 'io.opentelemetry.http'), version: fc.constantFrom('', '1.0.0'), attributes }),
  schemaUrl: fc.constantFrom('', 'https://opentelemetry.io/schemas/1.26.0'),
  metrics: fc.array(metric, { minLength: 1, maxLength: 3 }),
});

const resourceAttributes = fc
  .tuple(fc.constantFrom('checkout', 'api', ''), fc.constantFrom('', 'shop'), fc.constantFrom('', 'i-1'), attributes)
  .map(([service, namespace, instance, rest]) => [
    ...(service ? [{ key: 'service.name', value: { stringValue: service } }] : []),
    ...(namespace ? [{ key: 'service.namespace', value: { stringValue: namespace } }] : []),
    ...(instance ? [{ key: 'service.instance.id', value: { stringValue: instance } }] : []),
    ...rest,
  ]);

/** A valid ExportMetricsServiceRequest as an OTLP/JSON-shaped object (bytes as Uint8Array or base64). */
export const otlpRequest = fc.record({
  resourceMetrics: fc.array(
    fc.record({
      resource: fc.record({ attributes: resourceAttributes }),
      scopeMetrics: fc.array(scopeMetrics, { minLength: 1, maxLength: 2 }),
    }),
    { minLength: 1, maxLength: 2 },
  ),
});

/** Translation options worth varying: they change which code paths and label sets run. */
export const builderOptions = fc.record({
  translationStrategy: fc.constantFrom('UnderscoreEscapingWithSuffixes', 'UnderscoreEscapingWithoutSuffixes', 'NoUTF8EscapingWithSuffixes', 'NoTranslation') as fc.Arbitrary<
    'UnderscoreEscapingWithSuffixes' | 'UnderscoreEscapingWithoutSuffixes' | 'NoUTF8EscapingWithSuffixes' | 'NoTranslation'
  >,
  promoteAllResourceAttributes: fc.boolean(),
  promoteScopeMetadata: fc.boolean(),
  convertHistogramsToNHCB: fc.boolean(),
  typeAndUnitLabels: fc.boolean(),
});

/** One edit of a byte string, applied in order by `mutate`. */
export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number };

/** Positions are fractions of the input length, so one mutation fits inputs of any size. */
const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const interesting = fc.constantFrom(0x00, 0x01, 0x07, 0x08, 0x0a, 0x12, 0x7f, 0x80, 0xff, 0xfe, 0xc0, 0xed, 0x22, 0x5b, 0x7b);

export const mutation: fc.Arbitrary<{ kind: Mutation['kind']; at: number; bit: number; byte: number; bytes: Uint8Array; length: number }> = fc.record({
  kind: fc.constantFrom('truncate', 'flip', 'flip', 'flip', 'set', 'set', 'insert', 'delete', 'duplicate') as fc.Arbitrary<Mutation['kind']>,
  at: position,
  bit: fc.integer({ min: 0, max: 7 }),
  byte: fc.oneof(interesting, fc.integer({ min: 0, max: 255 })),
  bytes: fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 12 }),
    // An 11-byte varint, a huge length, a group tag: the classic parser traps.
    fc.constantFrom(
      Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
      Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f),
      Uint8Array.of(0x0b),
      Uint8Array.of(0x12, 0x7f),
    ),
  ),
  length: fc.integer({ min: 1, max: 16 }),
});

export const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

/** Applies `edits` to a copy of `input`. */
export function mutate(input: Uint8Array, edits: ReadonlyArray<{ kind: Mutation['kind']; at: number; bit: number; byte: number; bytes: Uint8Array; length: number }>): Uint8Array {
  let bytes: Uint8Array = input.slice();
  for (const edit of edits) {
    const at = Math.floor(edit.at * bytes.length);
    switch (edit.kind) {
      case 'truncate':
        bytes = bytes.slice(0, at);
        break;
      case 'flip':
        if (bytes.length > 0) bytes[at] ^= 1 << edit.bit;
        break;
      case 'set':
        if (bytes.length > 0) bytes[at] = edit.byte;
        break;
      case 'insert':
        bytes = concat(bytes.subarray(0, at), edit.bytes, bytes.subarray(at));
        break;
      case 'delete':
        bytes = concat(bytes.subarray(0, at), bytes.subarray(at + edit.length));
        break;
      case 'duplicate':
        bytes = concat(bytes.subarray(0, at + edit.length), bytes.subarray(at));
        break;
    }
  }
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A JSON-shaped edit: replace (or remove) one member, chosen uniformly among all members of the object. */
export const jsonEdit = fc.record({
  target: fc.nat(),
  value: fc.oneof(
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    // Values that are almost right: bad base64, a lone surrogate, out-of-range and huge integers,
    // non-finite doubles as strings, hex and exponent forms, a deep kvlist.
    {
      weight: 2,
      arbitrary: fc.constantFrom(
      'A',
      '@@',
      '\ud800',
      'a\udc00b',
      '99999999999999999999',
      '-9223372036854775809',
      '18446744073709551616',
      '9'.repeat(5000),
      'NaN',
      'Infinity',
      '0x10',
      '1e3',
      ' 1',
      1e300,
      -1,
      4294967296,
      2 ** 53 + 1,
      'zz',
      { kvlistValue: { values: [{ key: 'k', value: { kvlistValue: { values: [] } } }] } },
      ),
    },
  ),
  keepKey: fc.constantFrom(true, true, true, false),
});

/** Applies a jsonEdit to a deep copy of `root`. */
export function editJson(root: unknown, edit: { target: number; value: unknown; keepKey: boolean }): unknown {
  const copy = JSON.parse(JSON.stringify(root)) as unknown;
  const members: Array<[Record<string | number, unknown>, string | number]> = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const container = node as Record<string | number, unknown>;
    for (const key of Array.isArray(node) ? node.keys() : Object.keys(node)) {
      members.push([container, key]);
      visit(container[key]);
    }
  };
  visit(copy);
  if (members.length === 0) return edit.value;
  const [container, key] = members[edit.target % members.length];
  if (edit.keepKey || Array.isArray(container)) container[key] = edit.value;
  else delete container[key];
  return copy;
}
