/**
 * Both engines write `Request.timeseries` entries from the same columns (assembly/series.ts and
 * src/engine/series-writer.ts): for random batches the bytes are identical, and they decode (with our
 * RW2 decoder) back to the labels (merged from label sets and plans), samples, metadata and created
 * timestamps that went in. Histogram and
 * exemplar fields pass through verbatim, so a pre-encoded exemplar must come back too.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, type SymbolEngine } from '../../src/engine/index.js';
import { SERIES_LABEL_FIELDS } from '../../src/engine/series-batch.js';
import { ProtoWriter } from '../../src/protobuf/writer.js';
import { WireType } from '../../src/protobuf/reader.js';
import { encodeExemplar, writeSymbols } from '../../src/rw/encode-v2.js';
import { decodeWriteRequestV2 } from '../../src/rw/decode-v2.js';

interface SeriesInput {
  /** The series' labels as they must come out: (name, value) refs, names ascending and unique. */
  labels: number[];
  /** What the batch carries instead: a label set and the merge plan that turns it into `labels`. */
  set: number[];
  plan: number[];
  samples: Array<{ value: number; timestamp: number; start: number; stale: boolean }>;
  metadata: [number, number, number];
  created: number;
  exemplar: { ref: number; value: number; timestamp: number } | undefined;
}

const SYMBOLS = ['', 'a', 'b', 'c', 'd', ...Array.from({ length: 200 }, (_, i) => `s${i}`)];
const symbolRef = fc.integer({ min: 0, max: SYMBOLS.length - 1 });
const millis = fc.oneof(fc.constant(0), fc.integer({ min: -2_000_000_000_000, max: 4_000_000_000_000 }), fc.integer({ min: 1, max: 300 }));
const value = fc.oneof(fc.double(), fc.constant(0), fc.constant(-0), fc.constant(Number.NaN), fc.integer().map(Number));

/**
 * Labels from the output side: a sorted label list, one or two of whose labels the plan puts in (as
 * `__name__` and `le` are) and the rest the set holds; a put-in label may also replace a set pair of
 * its name. Name order is ref order here, so insertion points are counts of smaller names.
 */
const seriesLabels = fc
  .record({
    names: fc.uniqueArray(symbolRef, { minLength: 1, maxLength: 12 }),
    values: fc.array(symbolRef, { minLength: 12, maxLength: 12 }),
    inserted: fc.uniqueArray(fc.nat(11), { minLength: 1, maxLength: 2 }),
    replaced: fc.tuple(fc.option(symbolRef, { nil: undefined }), fc.option(symbolRef, { nil: undefined })),
  })
  .map(({ names, values, inserted, replaced }) => {
    const sorted = [...names].sort((a, b) => a - b);
    const labels = sorted.flatMap((name, i) => [name, values[i]]);
    const put = [...new Set(inserted.map((i) => i % sorted.length))].sort((a, b) => a - b);
    const setPairs: Array<[number, number]> = sorted.map((name, i) => [name, values[i]] as [number, number]).filter((_, i) => !put.includes(i));
    put.forEach((i, k) => {
      const old = replaced[k];
      if (old !== undefined) setPairs.push([sorted[i], old]);
    });
    setPairs.sort((a, b) => a[0] - b[0]);
    const point = (name: number) => setPairs.filter(([n]) => n < name).length;
    const plan = put.length === 2
      ? [point(sorted[put[0]]), sorted[put[0]], values[put[0]], point(sorted[put[1]]), sorted[put[1]], values[put[1]]]
      : [point(sorted[put[0]]), sorted[put[0]], values[put[0]], setPairs.length + 1, 0, 0];
    return { labels, set: setPairs.flat(), plan };
  });

const seriesInput: fc.Arbitrary<SeriesInput> = fc
  .record({
    labels: seriesLabels,
    samples: fc.array(fc.record({ value, timestamp: millis, start: millis, stale: fc.boolean() }), { maxLength: 4 }),
    metadata: fc.tuple(fc.integer({ min: 0, max: 7 }), symbolRef, symbolRef),
    created: millis,
    exemplar: fc.option(fc.record({ ref: symbolRef, value: fc.double({ noNaN: true }), timestamp: millis }), { nil: undefined }),
  })
  .map(({ labels, ...rest }) => ({ ...labels, ...rest }));

function write(engine: SymbolEngine, series: SeriesInput[], withCreated: boolean): Uint8Array {
  engine.reset();
  engine.internBatch(SYMBOLS, SYMBOLS.length, new Uint32Array(SYMBOLS.length));
  const extra = new ProtoWriter(64);
  const extraStart: number[] = [];
  for (const s of series) {
    extraStart.push(extra.pos);
    if (s.exemplar !== undefined) {
      extra.tag(4, WireType.LEN);
      extra.fork();
      encodeExemplar(extra, { labelsRefs: [s.exemplar.ref, s.exemplar.ref], value: s.exemplar.value, timestamp: s.exemplar.timestamp });
      extra.join();
    }
  }
  extraStart.push(extra.pos);
  const setRefs = series.reduce((n, s) => n + s.set.length, 0);
  const maxLabelRefs = series.reduce((n, s) => Math.max(n, s.set.length + 4), 0);
  const rows = series.reduce((n, s) => n + s.samples.length, 0);
  const batch = engine.seriesBatch({ count: series.length, setRefs, maxLabelRefs, rows, extraBytes: extra.pos });
  let setAt = 0;
  let rowAt = 0;
  series.forEach((s, i) => {
    batch.setPairs.set(s.set, setAt);
    batch.labelPlan.set([setAt, s.set.length / 2, ...s.plan], SERIES_LABEL_FIELDS * i);
    setAt += s.set.length;
    batch.rowStart[i] = rowAt;
    for (const sample of s.samples) {
      batch.value[rowAt] = sample.value;
      batch.timestamp[rowAt] = sample.timestamp;
      batch.startTimestamp[rowAt] = sample.start;
      batch.stale[rowAt] = sample.stale ? 1 : 0;
      rowAt++;
    }
    batch.metadata.set(s.metadata, 3 * i);
    batch.created[i] = s.created;
    batch.extraStart[i] = extraStart[i];
  });
  batch.rowStart[series.length] = rowAt;
  batch.extraStart[series.length] = extra.pos;
  batch.extraBytes.set(extra.buf.subarray(0, extra.pos));
  const out = new ProtoWriter();
  writeSymbols(out, engine);
  const body = engine.writeSeries(batch, withCreated);
  out.ensure(body.length);
  out.buf.set(body, out.pos);
  out.pos += body.length;
  return out.finish();
}

describe('series writer: wasm and js engines', () => {
  const wasm = createEngine('wasm');
  const js = createEngine('js');

  it('write identical bytes that decode to what went in', () => {
    fc.assert(
      fc.property(fc.array(seriesInput, { maxLength: 20 }), fc.boolean(), (series, withCreated) => {
        const fromWasm = write(wasm, series, withCreated);
        const fromJs = write(js, series, withCreated);
        expect(Buffer.from(fromWasm).equals(Buffer.from(fromJs))).toBe(true);
        const decoded = decodeWriteRequestV2(fromWasm);
        expect(decoded.symbols).toEqual(SYMBOLS);
        expect(decoded.timeseries).toHaveLength(series.length);
        series.forEach((s, i) => {
          const t = decoded.timeseries[i];
          expect(t.labelsRefs).toEqual(s.labels);
          expect(t.samples.map((x) => [x.timestamp, x.startTimestamp, x.stale === true])).toEqual(s.samples.map((x) => [x.timestamp, x.start, x.stale]));
          s.samples.forEach((x, j) => {
            if (!x.stale) expect(Object.is(t.samples[j].value, x.value === 0 ? 0 : x.value)).toBe(true);
          });
          expect(t.metadata).toEqual({ type: s.metadata[0], helpRef: s.metadata[1], unitRef: s.metadata[2] });
          // An exemplar value of -0 is not written (proto3 default), so it reads back as 0.
          expect(t.exemplars).toEqual(s.exemplar === undefined ? [] : [{ labelsRefs: [s.exemplar.ref, s.exemplar.ref], value: s.exemplar.value === 0 ? 0 : s.exemplar.value, timestamp: s.exemplar.timestamp }]);
        });
      }),
      { numRuns: 300, seed: 20261125 },
    );
  });

  it('write the created timestamp (rc.3 field 6) only when asked and not 0', () => {
    const series: SeriesInput = { labels: [1, 2], set: [], plan: [0, 1, 2, 1, 0, 0], samples: [{ value: 1, timestamp: 5, start: 3, stale: false }], metadata: [2, 0, 0], created: 3, exemplar: undefined };
    for (const engine of [wasm, js]) {
      const withField = write(engine, [series], true);
      const without = write(engine, [series], false);
      expect(withField.length - without.length).toBe(2);
      expect(withField.at(-2)).toBe(0x30);
      expect(withField.at(-1)).toBe(3);
    }
  });
});
