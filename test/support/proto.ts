// Independent protobuf encoder/decoder for tests: protobufjs reflection over the schemas in proto/.
// Nothing here shares code with src/, so a test that decodes the product's output with these
// helpers checks the wire format against the .proto files, not against itself.
//
// Conventions of the plain objects produced by the decode helpers:
// - field names are lowerCamelCase (protobufjs default: `labelsRefs`, `startTimestamp`,
//   `timeUnixNano`), matching OTLP/JSON naming;
// - 64-bit integers (int64/uint64/sint64/fixed64) come back as JS **numbers** (exact up to 2^53,
//   which covers ms timestamps and counts; OTLP ns times lose precision, use `decodeOtlp(b, {longs: String})`);
// - enums as numbers, bytes as Uint8Array, defaults filled in (a Sample with value 0 has `value: 0`),
//   repeated fields always present (possibly []); for oneofs the virtual field names the member
//   that is set (e.g. `count: 'countInt'`);
// - RW2/RW1 samples get an extra `valueBits` field: the 16 hex digits of the IEEE-754 bits as they
//   were on the wire (protobufjs goes through a Float64Array, which may not keep NaN payloads), so a
//   staleness marker shows as `valueBits === STALE_NAN_BITS`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

export const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));

export const PROTO_FILES = [
  'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
  'io/prometheus/write/v2/types.proto',
  'prometheus/remote.proto',
] as const;

/** IEEE-754 bits of Prometheus's staleness marker (a NaN), as 16 lowercase hex digits. */
export const STALE_NAN_BITS = '7ff0000000000002';

let cachedRoot: protobuf.Root | undefined;

/** The protobufjs Root with all schemas of proto/ loaded (imports resolved relative to proto/). */
export function protoRoot(): protobuf.Root {
  if (cachedRoot) return cachedRoot;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.resolve(PROTO_DIR, target);
  root.loadSync([...PROTO_FILES], { keepCase: false });
  root.resolveAll();
  cachedRoot = root;
  return root;
}

function type(name: string): protobuf.Type {
  return protoRoot().lookupType(name);
}

export function otlpTypes() {
  return {
    ExportMetricsServiceRequest: type('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest'),
    ExportMetricsServiceResponse: type('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse'),
    MetricsData: type('opentelemetry.proto.metrics.v1.MetricsData'),
  };
}

export function rw2Types() {
  return {
    Request: type('io.prometheus.write.v2.Request'),
    TimeSeries: type('io.prometheus.write.v2.TimeSeries'),
    Sample: type('io.prometheus.write.v2.Sample'),
    Histogram: type('io.prometheus.write.v2.Histogram'),
    Exemplar: type('io.prometheus.write.v2.Exemplar'),
    Metadata: type('io.prometheus.write.v2.Metadata'),
  };
}

export function rw1Types() {
  return {
    WriteRequest: type('prometheus.WriteRequest'),
    TimeSeries: type('prometheus.TimeSeries'),
    ReadRequest: type('prometheus.ReadRequest'),
    ReadResponse: type('prometheus.ReadResponse'),
    ChunkedReadResponse: type('prometheus.ChunkedReadResponse'),
  };
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Replace bigints (anywhere in a plain object) by decimal strings, which protobufjs accepts for 64-bit fields. */
function bigintsToStrings(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(bigintsToStrings);
  if (v && typeof v === 'object' && !(v instanceof Uint8Array) && !ArrayBuffer.isView(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = bigintsToStrings(x);
    return out;
  }
  return v;
}

function encodeWith(t: protobuf.Type, obj: object): Uint8Array {
  const plain = bigintsToStrings(obj) as Record<string, unknown>;
  const err = t.verify(t.fromObject(plain));
  if (err) throw new Error(`${t.fullName}: ${err}`);
  return t.encode(t.fromObject(plain)).finish();
}

/**
 * A protobuf varint of a non-negative integer (exact up to 2^53), written here rather than with
 * src/protobuf so that tests building wire bytes by hand do not depend on the code they test.
 */
export function varintBytes(value: number): number[] {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return bytes;
}

/**
 * Encode an `ExportMetricsServiceRequest` from a plain object in camelCase (`resourceMetrics`,
 * `timeUnixNano`...). 64-bit fields accept number, bigint, decimal string or Long; bytes accept
 * Uint8Array (or base64 strings); enums accept numbers or names.
 */
export function encodeOtlp(obj: object): Uint8Array {
  return encodeWith(otlpTypes().ExportMetricsServiceRequest, obj);
}

/** Encode an `io.prometheus.write.v2.Request` (uncompressed). NaN payloads are not guaranteed to survive. */
export function encodeRw2(obj: object): Uint8Array {
  return encodeWith(rw2Types().Request, obj);
}

/** Encode a `prometheus.WriteRequest` (uncompressed). */
export function encodeRw1(obj: object): Uint8Array {
  return encodeWith(rw1Types().WriteRequest, obj);
}

/** Encode a remote-read `prometheus.ReadRequest` (uncompressed). */
export function encodeReadRequest(obj: object): Uint8Array {
  return encodeWith(rw1Types().ReadRequest, obj);
}

// ---------------------------------------------------------------------------------------------
// Decoding

export interface DecodeOptions {
  /** How 64-bit integers come back: Number (default) or String (exact). */
  longs?: typeof Number | typeof String;
}

function toPlain(t: protobuf.Type, bytes: Uint8Array, opts: DecodeOptions = {}): any {
  const msg = t.decode(bytes);
  return t.toObject(msg, {
    longs: opts.longs ?? Number,
    enums: Number,
    defaults: true,
    arrays: true,
    objects: true,
    oneofs: true,
  });
}

/**
 * Walk length-delimited sub-messages along `path` (field numbers) and return, in wire order, the
 * raw 8 bytes of the last occurrence of fixed64/double field `leaf` in each message reached
 * (all zero when the field is absent, i.e. value 0). Order matches protobufjs's decode order of the
 * repeated fields on the path.
 */
function rawDoubleBits(bytes: Uint8Array, path: number[], leaf: number): string[] {
  const out: string[] = [];
  const visit = (buf: Uint8Array, depth: number): void => {
    const r = protobuf.Reader.create(buf);
    let bits = '0000000000000000';
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (depth < path.length && wire === 2 && field === path[depth]) {
        const len = r.uint32();
        visit(buf.subarray(r.pos, r.pos + len), depth + 1);
        r.pos += len;
      } else if (depth === path.length && wire === 1 && field === leaf) {
        bits = hex64(buf.subarray(r.pos, r.pos + 8));
        r.pos += 8;
      } else {
        r.skipType(wire);
      }
    }
    if (depth === path.length) out.push(bits);
  };
  visit(bytes, 0);
  return out;
}

function hex64(le: Uint8Array): string {
  let s = '';
  for (let i = 7; i >= 0; i--) s += le[i].toString(16).padStart(2, '0');
  return s;
}

/** IEEE-754 bits of a JS number as 16 hex digits (NaN payload as the engine holds it). */
export function doubleBits(x: number): string {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x, true);
  return hex64(new Uint8Array(dv.buffer));
}

function attachBits(series: any[], bits: string[]): void {
  let i = 0;
  for (const ts of series) for (const s of ts.samples) s.valueBits = bits[i++];
  if (i !== bits.length) throw new Error(`sample count mismatch: decoded ${i}, raw walk ${bits.length}`);
}

/** Decode an uncompressed `io.prometheus.write.v2.Request` (see conventions at the top). */
export function decodeRw2(bytes: Uint8Array, opts?: DecodeOptions): any {
  const obj = toPlain(rw2Types().Request, bytes, opts);
  attachBits(obj.timeseries, rawDoubleBits(bytes, [5, 2], 1));
  return obj;
}

/** Decode an uncompressed `prometheus.WriteRequest` (see conventions at the top). */
export function decodeRw1(bytes: Uint8Array, opts?: DecodeOptions): any {
  const obj = toPlain(rw1Types().WriteRequest, bytes, opts);
  attachBits(obj.timeseries, rawDoubleBits(bytes, [1, 2], 1));
  return obj;
}

/** Decode an uncompressed `ExportMetricsServiceRequest` (use `{ longs: String }` for exact ns times). */
export function decodeOtlp(bytes: Uint8Array, opts?: DecodeOptions): any {
  return toPlain(otlpTypes().ExportMetricsServiceRequest, bytes, opts);
}

/** Decode an uncompressed remote-read `prometheus.ReadResponse`; samples get `valueBits`. */
export function decodeReadResponse(bytes: Uint8Array, opts?: DecodeOptions): any {
  const obj = toPlain(rw1Types().ReadResponse, bytes, opts);
  const series = obj.results.flatMap((r: any) => r.timeseries);
  attachBits(series, rawDoubleBits(bytes, [1, 1, 2], 1));
  return obj;
}

/**
 * Resolve an RW2 request's symbol refs: one entry per series with `labels` as a name->value record
 * (in wire order), plus the series' samples/histograms/exemplars (exemplar labels resolved too) and
 * metadata with `help`/`unit` strings.
 */
export function resolveRw2(req: any): Array<{
  labels: Record<string, string>;
  samples: any[];
  histograms: any[];
  exemplars: Array<{ labels: Record<string, string>; value: number; timestamp: number }>;
  metadata: { type: number; help: string; unit: string };
}> {
  const sym: string[] = req.symbols;
  const pairs = (refs: number[]): Record<string, string> => {
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < refs.length; i += 2) out[sym[refs[i]]] = sym[refs[i + 1]];
    return out;
  };
  return req.timeseries.map((ts: any) => ({
    labels: pairs(ts.labelsRefs),
    samples: ts.samples,
    histograms: ts.histograms,
    exemplars: ts.exemplars.map((e: any) => ({ labels: pairs(e.labelsRefs), value: e.value, timestamp: e.timestamp })),
    metadata: {
      type: ts.metadata?.type ?? 0,
      help: sym[ts.metadata?.helpRef ?? 0] ?? '',
      unit: sym[ts.metadata?.unitRef ?? 0] ?? '',
    },
  }));
}
