/**
 * The floor of issue C: the least any OTLP -> RW converter in JS can do per request. One pass over
 * the OTLP protobuf bytes that visits every field (reads its tag, skips its contents) and descends only
 * along ResourceMetrics -> ScopeMetrics -> Metric -> data field -> data points, counting the points; no
 * allocation, no strings. run.ts adds snappy of otlp2prw's RW2 output to it: a converter must at least
 * read its input and compress its output.
 *
 *   countDataPoints(otlpBytes)   // 10000 for the otlp-10k workload
 *
 * Field numbers: opentelemetry/proto/collector/metrics/v1 and metrics/v1 (see proto/).
 */

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

// Module-level cursor and input: no object per call, nothing for the GC.
let bytes: Uint8Array = new Uint8Array(0);
let pos = 0;

/** Data points in an ExportMetricsServiceRequest (a histogram or summary point counts as one). */
export function countDataPoints(otlpBytes: Uint8Array): number {
  bytes = otlpBytes;
  pos = 0;
  let points = 0;
  const end = otlpBytes.length;
  while (pos < end) {
    const tag = readVarint();
    // ExportMetricsServiceRequest.resource_metrics = 1
    if (tag === ((1 << 3) | LEN)) points += walkResourceMetrics(lengthEnd());
    else skip(tag & 7);
  }
  bytes = new Uint8Array(0);
  return points;
}

function walkResourceMetrics(end: number): number {
  let points = 0;
  while (pos < end) {
    const tag = readVarint();
    // ResourceMetrics.scope_metrics = 2
    if (tag === ((2 << 3) | LEN)) points += walkScopeMetrics(lengthEnd());
    else skip(tag & 7);
  }
  return points;
}

function walkScopeMetrics(end: number): number {
  let points = 0;
  while (pos < end) {
    const tag = readVarint();
    // ScopeMetrics.metrics = 2
    if (tag === ((2 << 3) | LEN)) points += walkMetric(lengthEnd());
    else skip(tag & 7);
  }
  return points;
}

function walkMetric(end: number): number {
  let points = 0;
  while (pos < end) {
    const tag = readVarint();
    const field = tag >>> 3;
    // Metric: gauge = 5, sum = 7, histogram = 9, exponential_histogram = 10, summary = 11
    if ((tag & 7) === LEN && (field === 5 || field === 7 || field === 9 || field === 10 || field === 11)) points += walkMetricData(lengthEnd());
    else skip(tag & 7);
  }
  return points;
}

function walkMetricData(end: number): number {
  let points = 0;
  while (pos < end) {
    const tag = readVarint();
    // Gauge/Sum/Histogram/ExponentialHistogram/Summary.data_points = 1
    if (tag === ((1 << 3) | LEN)) {
      walkFields(lengthEnd());
      points++;
    } else skip(tag & 7);
  }
  return points;
}

/** Visits every field of one message without looking inside any. */
function walkFields(end: number): void {
  while (pos < end) skip(readVarint() & 7);
}

function skip(wireType: number): void {
  if (wireType === VARINT) readVarint();
  else if (wireType === I64) pos += 8;
  else if (wireType === LEN) pos = lengthEnd();
  else if (wireType === I32) pos += 4;
  else throw new Error(`unsupported wire type ${wireType} at byte ${pos}`);
}

function lengthEnd(): number {
  const length = readVarint();
  return pos + length;
}

/** Varints up to 32 bits (tags and lengths) exactly; longer ones are skipped, their value not used. */
function readVarint(): number {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = bytes[pos++];
    if (shift < 28) value |= (byte & 0x7f) << shift;
    else if (shift === 28) value += (byte & 0x0f) * 2 ** 28;
    shift += 7;
  } while (byte & 0x80);
  return value;
}
