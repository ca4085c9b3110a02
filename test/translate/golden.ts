// Runs one OTLP request through V2WriteRequestBuilder with both engines and both inputs (OTLP JSON text
// and protobuf from protobufjs), checks that all four runs agree byte for byte, that the encoded RW2
// bytes say what build() says (staleness bits included), and returns the result written the way
// docs/translation-rules.md writes it:
//
//   {__name__="g", job="svc"} @1700000000000 3 st=0
//   {__name__="h", job="svc"} @500 H{schema 1, zt 1e-128, zc 1, count 4, sum 10.1, pos=[(2,2)] Δ[1,0], neg=[] Δ[], hint UNKNOWN, cv []} st=100
import protobuf from 'protobufjs';
import { expect } from 'vitest';
import { V2WriteRequestBuilder } from '../../src/builder/builder.js';
import type { DropStats } from '../../src/builder/series-table.js';
import { MetricType } from '../../src/rw/types.js';
import type { TranslationOptions } from '../../src/translate/options.js';
import { TranslationError } from '../../src/translate/translate.js';
import { STALE_NAN_BITS, decodeRw2, encodeOtlp } from '../support/proto.js';

export type EngineKind = 'wasm' | 'js';
export type InputKind = 'json' | 'protobuf';

export const ENGINES: readonly EngineKind[] = ['wasm', 'js'];
export const INPUTS: readonly InputKind[] = ['json', 'protobuf'];

/** count_int of a stale integer histogram: the stale NaN's bits read as a uint64 (R44). */
export const STALE_COUNT_INT = '9218868437227405314';

const TYPE_NAMES = Object.fromEntries(Object.entries(MetricType).map(([name, value]) => [value, name])) as Record<number, string>;
const HINT_NAMES = ['UNKNOWN', 'YES', 'NO', 'GAUGE'];

export interface SeriesView {
  /** Wire order. */
  labels: Array<[string, string]>;
  /** `{a="1", b="2"}` */
  text: string;
  /** One rendered line per sample / histogram. */
  lines: string[];
  exemplars: string[];
  type: string;
  help: string;
  unit: string;
}

export interface Translated {
  /** Every sample and histogram, series in output order, points in timestamp order. */
  lines: string[];
  series: SeriesView[];
  /** `{series} <- {exemplar labels} value @ts`, in output order. */
  exemplars: string[];
  dropped: DropStats;
  /** The wasm/protobuf run, for extra checks. */
  builder: V2WriteRequestBuilder;
}

/** Translates `otlp` (an OTLP/JSON object from otlp-builders.ts) with every engine and input. */
export function translate(otlp: object, options: TranslationOptions = {}, inputs: readonly InputKind[] = INPUTS): Translated {
  let first: Translated | undefined;
  let firstBytes: Uint8Array | undefined;
  for (const input of inputs) {
    for (const engine of ENGINES) {
      const builder = new V2WriteRequestBuilder({ engine, ...options });
      builder.add(input === 'json' ? jsonText(otlp) : encodeOtlp(toProtobufObject(otlp) as object));
      const bytes = builder.encode();
      const result = render(builder, bytes);
      if (first === undefined || firstBytes === undefined) {
        first = result;
        firstBytes = bytes;
        continue;
      }
      const run = `${engine}/${input}`;
      expect(result.lines, `${run}: samples`).toEqual(first.lines);
      expect(result.series, `${run}: series`).toEqual(first.series);
      expect(result.dropped, `${run}: drops`).toEqual(first.dropped);
      expect(Buffer.from(bytes).toString('hex'), `${run}: bytes`).toBe(Buffer.from(firstBytes).toString('hex'));
    }
  }
  if (first === undefined) throw new Error('no input');
  return first;
}

/** The lines of `translate(...)`. */
export function lines(otlp: object, options: TranslationOptions = {}): string[] {
  return translate(otlp, options).lines;
}

/** The only series of the result (fails if there is not exactly one). */
export function onlySeries(result: Translated): SeriesView {
  expect(result.series.map((s) => s.text)).toHaveLength(1);
  return result.series[0];
}

/** The labels of the only series as a name -> value record. */
export function onlyLabels(otlp: object, options: TranslationOptions = {}): Record<string, string> {
  return Object.fromEntries(onlySeries(translate(otlp, options)).labels);
}

/** `TYPE "help" "unit"` of every series whose __name__ is `name` (they must all agree). */
export function metadataOf(result: Translated, name: string): string {
  const found = new Set(
    result.series.filter((s) => s.labels.some(([n, v]) => n === '__name__' && v === name)).map((s) => `${s.type} ${JSON.stringify(s.help)} ${JSON.stringify(s.unit)}`),
  );
  expect([...found], `metadata of ${name}`).toHaveLength(1);
  return [...found][0];
}

/** Metadata of every series, `{labels} TYPE "help" "unit"`. */
export function metadataLines(result: Translated): string[] {
  return result.series.map((s) => `${s.text} ${s.type} ${JSON.stringify(s.help)} ${JSON.stringify(s.unit)}`);
}

/** Points dropped per reason, leaving out the zero counts. */
export function drops(result: Translated): Record<string, number> {
  return Object.fromEntries(Object.entries(result.dropped.points).filter(([, n]) => n !== 0));
}

/**
 * onInvalidMetric 'reject': adding `otlp` throws a TranslationError, and the builder (which already
 * holds `before`) encodes exactly as before. Both engines, both inputs. Returns the error of the last run.
 */
export function expectRejected(otlp: object, options: TranslationOptions = {}, before?: object): TranslationError {
  let caught: unknown;
  for (const input of INPUTS) {
    for (const engine of ENGINES) {
      const builder = new V2WriteRequestBuilder({ engine, ...options, onInvalidMetric: 'reject' });
      if (before !== undefined) builder.add(jsonText(before));
      const bytesBefore = Buffer.from(builder.encode()).toString('hex');
      const statsBefore = builder.stats;
      caught = undefined;
      try {
        builder.add(input === 'json' ? jsonText(otlp) : encodeOtlp(toProtobufObject(otlp) as object));
      } catch (error) {
        caught = error;
      }
      expect(caught, `${engine}/${input}: throws`).toBeInstanceOf(TranslationError);
      expect(Buffer.from(builder.encode()).toString('hex'), `${engine}/${input}: builder unchanged`).toBe(bytesBefore);
      expect(builder.stats.dropped, `${engine}/${input}: drops unchanged`).toEqual(statsBefore.dropped);
    }
  }
  return caught as TranslationError;
}

// ---------------------------------------------------------------------------------------------
// Inputs

/** OTLP JSON text; NaN, ±Infinity and -0 as the strings protobuf JSON uses (JSON has no literal for them). */
export function jsonText(otlp: object): string {
  return JSON.stringify(otlp, (_key, value) => {
    if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) {
      return Object.is(value, -0) ? '-0' : String(value);
    }
    return value;
  });
}

/** The OTLP/JSON object as protobufjs wants it: trace/span ids are hex in JSON but bytes in protobuf. */
export function toProtobufObject(value: unknown, key = ''): unknown {
  if ((key === 'traceId' || key === 'spanId') && typeof value === 'string') return Uint8Array.from(Buffer.from(value, 'hex'));
  if (Array.isArray(value)) return value.map((item) => toProtobufObject(item));
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toProtobufObject(v, k);
    return out;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Rendering (from the encoded bytes, checked against build())

export function formatNumber(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

function labelText(labels: Array<[string, string]>): string {
  return `{${labels.map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(', ')}}`;
}

function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function spans(list: Array<{ offset: number; length: number }>): string {
  return `[${list.map((s) => `(${s.offset},${s.length})`).join(',')}]`;
}

function render(builder: V2WriteRequestBuilder, bytes: Uint8Array): Translated {
  const built = builder.build();
  const wire = decodeRw2(bytes, { longs: String });
  const sumBits = histogramSumBits(bytes);
  const symbols: string[] = wire.symbols;
  expect(symbols, 'symbols (build vs wire)').toEqual(built.symbols);
  expect(symbols[0], 'RW2: symbols[0] is ""').toBe('');
  expect(wire.timeseries).toHaveLength(built.timeseries.length);

  const pairs = (refs: number[]): Array<[string, string]> => {
    const out: Array<[string, string]> = [];
    for (let i = 0; i < refs.length; i += 2) out.push([symbols[refs[i]], symbols[refs[i + 1]]]);
    return out;
  };
  const allLines: string[] = [];
  const allExemplars: string[] = [];
  const series: SeriesView[] = [];
  let histogramIndex = 0;
  wire.timeseries.forEach((ts: any, index: number) => {
    const expected = built.timeseries[index];
    expect(ts.labelsRefs, 'labels (build vs wire)').toEqual(expected.labelsRefs);
    const labels = pairs(ts.labelsRefs);
    // RW2 and R4: names sorted byte-wise, unique, non-empty; no empty values.
    for (let i = 0; i < labels.length; i++) {
      expect(labels[i][0], 'empty label name').not.toBe('');
      expect(labels[i][1], `empty value for ${labels[i][0]}`).not.toBe('');
      if (i > 0) expect(utf8Compare(labels[i - 1][0], labels[i][0]), `labels sorted and unique: ${labelText(labels)}`).toBeLessThan(0);
    }
    const text = labelText(labels);
    const seriesLines: string[] = [];
    expect(ts.samples).toHaveLength(expected.samples.length);
    ts.samples.forEach((sample: any, i: number) => {
      const want = expected.samples[i];
      const stale = sample.valueBits === STALE_NAN_BITS;
      expect(stale, `${text}: stale flag vs bits ${sample.valueBits}`).toBe(want.stale === true);
      if (!stale) expect(Number.isNaN(want.value) ? Number.isNaN(sample.value) : want.value === sample.value, `${text}: value`).toBe(true);
      expect(Number(sample.timestamp)).toBe(want.timestamp);
      expect(Number(sample.startTimestamp)).toBe(want.startTimestamp);
      const value = stale ? 'STALE' : Number.isNaN(sample.value) ? `NaN(${sample.valueBits})` : formatNumber(sample.value);
      seriesLines.push(`${text} @${sample.timestamp} ${value} st=${sample.startTimestamp}`);
    });
    expect(ts.histograms).toHaveLength(expected.histograms.length);
    ts.histograms.forEach((h: any, i: number) => {
      const want = expected.histograms[i];
      const bits = sumBits[histogramIndex++];
      const stale = bits === STALE_NAN_BITS;
      expect(stale, `${text}: stale histogram sum bits ${bits}`).toBe(want.stale === true);
      expect(h.count, `${text}: integer histogram`).toBe('countInt');
      if (stale) expect(h.countInt, `${text}: stale count_int`).toBe(STALE_COUNT_INT);
      else expect(h.countInt).toBe(String(want.countInt));
      expect(Number(h.zeroCountInt)).toBe(want.zeroCountInt);
      expect(Number(h.timestamp)).toBe(want.timestamp);
      expect(Number(h.startTimestamp)).toBe(want.startTimestamp);
      const sumText = stale ? 'STALE' : Number.isNaN(h.sum) ? `NaN(${bits})` : formatNumber(h.sum);
      const deltas = (list: string[]) => `Δ[${list.map(Number).join(',')}]`;
      const body = [
        `schema ${h.schema}`,
        `zt ${formatNumber(h.zeroThreshold)}`,
        `zc ${h.zeroCountInt}`,
        `count ${h.countInt}`,
        `sum ${sumText}`,
        `pos=${spans(h.positiveSpans)} ${deltas(h.positiveDeltas)}`,
        `neg=${spans(h.negativeSpans)} ${deltas(h.negativeDeltas)}`,
        `hint ${HINT_NAMES[h.resetHint]}`,
        `cv [${h.customValues.map(formatNumber).join(',')}]`,
      ].join(', ');
      expect(h.positiveCounts, 'no float buckets').toEqual([]);
      expect(h.negativeCounts, 'no float buckets').toEqual([]);
      seriesLines.push(`${text} @${h.timestamp} H{${body}} st=${h.startTimestamp}`);
    });
    const exemplars = ts.exemplars.map((e: any) => `${labelText(pairs(e.labelsRefs))} ${formatNumber(e.value)} @${e.timestamp}`);
    for (const e of exemplars) allExemplars.push(`${text} <- ${e}`);
    allLines.push(...seriesLines);
    const metadata = ts.metadata ?? { type: 0, helpRef: 0, unitRef: 0 };
    expect(metadata.type).toBe(expected.metadata.type);
    series.push({
      labels,
      text,
      lines: seriesLines,
      exemplars,
      type: TYPE_NAMES[metadata.type],
      help: symbols[metadata.helpRef],
      unit: symbols[metadata.unitRef],
    });
  });
  return { lines: allLines, series, exemplars: allExemplars, dropped: builder.stats.dropped, builder };
}

/** Raw bits of every Histogram.sum (Request.timeseries 5 > TimeSeries.histograms 3 > sum 3), in wire order. */
function histogramSumBits(bytes: Uint8Array): string[] {
  const out: string[] = [];
  const walk = (buf: Uint8Array, path: number[], onLeaf: (message: Uint8Array) => void): void => {
    const reader = protobuf.Reader.create(buf);
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if ((tag & 7) === 2 && tag >>> 3 === path[0]) {
        const length = reader.uint32();
        const message = buf.subarray(reader.pos, reader.pos + length);
        reader.pos += length;
        if (path.length === 1) onLeaf(message);
        else walk(message, path.slice(1), onLeaf);
      } else reader.skipType(tag & 7);
    }
  };
  walk(bytes, [5, 3], (histogram) => {
    let bits = '0000000000000000';
    const reader = protobuf.Reader.create(histogram);
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag === ((3 << 3) | 1)) {
        bits = Buffer.from(histogram.subarray(reader.pos, reader.pos + 8)).reverse().toString('hex');
        reader.pos += 8;
      } else reader.skipType(tag & 7);
    }
    out.push(bits);
  });
  return out;
}

/** The distinct `__name__` values of the output series, in output order. */
export function seriesNames(otlp: object, options: TranslationOptions = {}): string[] {
  const names: string[] = [];
  for (const s of translate(otlp, options).series) {
    const name = s.labels.find(([n]) => n === '__name__')?.[1] ?? '';
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Drops as the tests state them: metrics dropped, non-zero point counts by reason, and the reasons with metric names. */
export function dropSummary(result: Translated): { metrics: number; points: Record<string, number>; reasons: string[] } {
  return { metrics: result.dropped.metrics, points: drops(result), reasons: result.dropped.recent.map((r) => `${r.reason} ${r.metric}`) };
}
