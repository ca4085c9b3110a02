/**
 * Both engines write `Request.timeseries` entries from the same columns (assembly/series.ts and
 * src/engine/series-writer.ts): for random batches the bytes are identical, and they decode (with our
 * RW2 decoder) back to the labels (merged from shared label sets and plans, string ids mapped to symbol
 * indices), samples, metadata and created timestamps that went in. Histogram and exemplar fields pass
 * through verbatim, so a pre-encoded exemplar must come back too. Both number a batch's strings in
 * first use (assembly/request.ts and src/engine/series-numbering.ts) as a plain walk over each series'
 * output labels would.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, type SymbolEngine } from '../../src/engine/index.js';
import { NO_SECOND_LABEL, SERIES_FIELDS, type SeriesBatch, TYPE_FIELD } from '../../src/engine/series-batch.js';
import { ProtoWriter } from '../../src/protobuf/writer.js';
import { WireType } from '../../src/protobuf/reader.js';
import { encodeExemplar, writeSymbols } from '../../src/rw/encode-v2.js';
import { decodeWriteRequestV2 } from '../../src/rw/decode-v2.js';

interface LabelSet {
  /** The set's sorted (name, value) pairs, as symbol indices (name order is index order here). */
  pairs: number[];
  /** A merge plan that puts one or two labels in (as `__name__` and `le` are), in symbol indices. */
  plan: number[];
}

interface SeriesInput {
  /**
   * Which of the batch's sets the series uses, and its merge plan (symbol indices): what the engine
   * must plan from the put-in labels, which the batch lists in plan order or, `swapped`, the other way.
   */
  set: number;
  plan: number[];
  swapped?: boolean;
  samples: Array<{ value: number; timestamp: number; start: number; stale: boolean }>;
  metadata: [number, number, number];
  created: number;
  exemplar: { ref: number; value: number; timestamp: number } | undefined;
}

const SYMBOLS = ['', 'a', 'b', 'c', 'd', ...Array.from({ length: 200 }, (_, i) => `s${i}`)];
/** String ids are not symbol indices: the batch carries ids, which the engine maps (reversed here). */
const idOf = (symbol: number): number => SYMBOLS.length - 1 - symbol;
const symbolRef = fc.integer({ min: 0, max: SYMBOLS.length - 1 });
const millis = fc.oneof(fc.constant(0), fc.integer({ min: -2_000_000_000_000, max: 4_000_000_000_000 }), fc.integer({ min: 1, max: 300 }));
const value = fc.oneof(fc.double(), fc.constant(0), fc.constant(-0), fc.constant(Number.NaN), fc.integer().map(Number));

/**
 * A label set from the output side: a sorted label list, one or two of whose labels the plan puts in
 * and the rest the set holds; a put-in label may also replace a set pair of its name. Name order is
 * index order here, so insertion points are counts of smaller names.
 */
const labelSet: fc.Arbitrary<LabelSet> = fc
  .record({
    names: fc.uniqueArray(symbolRef, { minLength: 1, maxLength: 12 }),
    values: fc.array(symbolRef, { minLength: 12, maxLength: 12 }),
    inserted: fc.uniqueArray(fc.nat(11), { minLength: 1, maxLength: 2 }),
    replaced: fc.tuple(fc.option(symbolRef, { nil: undefined }), fc.option(symbolRef, { nil: undefined })),
  })
  .map(({ names, values, inserted, replaced }) => {
    const sorted = [...names].sort((a, b) => a - b);
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
    return { pairs: setPairs.flat(), plan };
  });

/** What a series of `set` with `plan` is labelled: the set's pairs, the plan's labels put in or replacing. */
function expectedLabels(set: LabelSet, plan: number[]): number[] {
  const labels = new Map<number, number>();
  for (let i = 0; i < set.pairs.length; i += 2) labels.set(set.pairs[i], set.pairs[i + 1]);
  labels.set(plan[1], plan[2]);
  if (plan[3] <= set.pairs.length / 2) labels.set(plan[4], plan[5]);
  return [...labels].sort((a, b) => a[0] - b[0]).flat();
}

/**
 * Series over a few shared sets, as a histogram point's series share one: each uses its set's plan
 * with its own put-in values, and may drop the plan's second label (a `_sum` next to buckets), so a
 * set pair one series replaces another keeps.
 */
const seriesBatchInput = fc
  .record({
    sets: fc.array(labelSet, { minLength: 1, maxLength: 5 }),
    series: fc.array(
      fc.record({
        set: fc.nat(),
        values: fc.tuple(symbolRef, symbolRef),
        dropSecond: fc.boolean(),
        swapped: fc.boolean(),
        samples: fc.array(fc.record({ value, timestamp: millis, start: millis, stale: fc.boolean() }), { maxLength: 4 }),
        metadata: fc.tuple(fc.integer({ min: 0, max: 7 }), symbolRef, symbolRef),
        created: millis,
        exemplar: fc.option(fc.record({ ref: symbolRef, value: fc.double({ noNaN: true }), timestamp: millis }), { nil: undefined }),
      }),
      { maxLength: 20 },
    ),
  })
  .map(({ sets, series }) => ({
    sets,
    series: series.map(({ set: pick, values, dropSecond, ...rest }): SeriesInput => {
      const set = pick % sets.length;
      const base = sets[set].plan;
      const pairs = sets[set].pairs.length / 2;
      const plan = base[3] <= pairs && !dropSecond ? [base[0], base[1], values[0], base[3], base[4], values[1]] : [base[0], base[1], values[0], pairs + 1, 0, 0];
      return { set, plan, ...rest };
    }),
  }));

/**
 * Fills a batch of `series` over `sets` in string ids, after giving the engine the sets and every
 * id's rank (name order is symbol order here).
 */
function fillBatch(engine: SymbolEngine, sets: LabelSet[], series: SeriesInput[], extra: ProtoWriter, extraStart: number[]): SeriesBatch {
  const pool = sets.flatMap((set) => set.pairs.map(idOf));
  const views = engine.labelSets(pool.length, sets.length);
  views.pool.set(pool);
  let at = 0;
  sets.forEach((set, i) => {
    views.start[i] = at;
    at += set.pairs.length;
  });
  views.start[sets.length] = at;
  engine.labelNames(SYMBOLS.length);
  engine.rankNames(SYMBOLS.map((_, symbol) => idOf(symbol)));
  const maxLabelRefs = sets.reduce((n, set) => Math.max(n, set.pairs.length + 6), 0);
  const rows = series.reduce((n, s) => n + s.samples.length, 0);
  const exemplarIds = series.reduce((n, s) => n + (s.exemplar === undefined ? 0 : 2), 0);
  const batch = engine.seriesBatch({ count: series.length, maxLabelRefs, rows, extraBytes: extra.pos, exemplarIds });
  let rowAt = 0;
  let exemplarAt = 0;
  series.forEach((s, i) => {
    const [, name, value, second, secondName, secondValue] = s.plan;
    const hasSecond = second <= sets[s.set].pairs.length / 2;
    const first = [idOf(name), idOf(value)];
    const other = hasSecond ? [idOf(secondName), idOf(secondValue)] : [NO_SECOND_LABEL, 0];
    const labels = hasSecond && s.swapped === true ? [...other, ...first] : [...first, ...other];
    batch.series.set([s.set, ...labels, s.metadata[0], idOf(s.metadata[1]), idOf(s.metadata[2])], SERIES_FIELDS * i);
    batch.rowStart[i] = rowAt;
    for (const sample of s.samples) {
      batch.value[rowAt] = sample.value;
      batch.timestamp[rowAt] = sample.timestamp;
      batch.startTimestamp[rowAt] = sample.start;
      batch.stale[rowAt] = sample.stale ? 1 : 0;
      rowAt++;
    }
    batch.created[i] = s.created;
    batch.extraStart[i] = extraStart[i];
    batch.exemplarIdStart[i] = exemplarAt;
    if (s.exemplar !== undefined) {
      batch.exemplarIds[exemplarAt++] = idOf(s.exemplar.ref);
      batch.exemplarIds[exemplarAt++] = idOf(s.exemplar.ref);
    }
  });
  batch.rowStart[series.length] = rowAt;
  batch.extraStart[series.length] = extra.pos;
  batch.exemplarIdStart[series.length] = exemplarAt;
  batch.extraBytes.set(extra.buf.subarray(0, extra.pos));
  return batch;
}

function encodedExemplars(series: SeriesInput[]): { extra: ProtoWriter; extraStart: number[] } {
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
  return { extra, extraStart };
}

function write(engine: SymbolEngine, sets: LabelSet[], series: SeriesInput[], withCreated: boolean): Uint8Array {
  engine.reset();
  engine.internBatch(SYMBOLS, SYMBOLS.length, new Uint32Array(SYMBOLS.length));
  const { extra, extraStart } = encodedExemplars(series);
  const batch = fillBatch(engine, sets, series, extra, extraStart);
  engine.idSymbols(SYMBOLS.length).set(SYMBOLS.map((_, id) => SYMBOLS.length - 1 - id));
  const out = new ProtoWriter();
  writeSymbols(out, engine);
  const body = engine.writeSeries(batch, withCreated);
  out.ensure(body.length);
  out.buf.set(body, out.pos);
  out.pos += body.length;
  return out.finish();
}

/** The string ids the engine numbers, in order. */
function numbered(engine: SymbolEngine, sets: LabelSet[], series: SeriesInput[]): number[] {
  const { extra, extraStart } = encodedExemplars(series);
  const batch = fillBatch(engine, sets, series, extra, extraStart);
  engine.beginNumbering(SYMBOLS.length);
  engine.numberSeries(batch);
  return Array.from(engine.numbered());
}

describe('series writer: wasm and js engines', () => {
  const wasm = createEngine('wasm');
  const js = createEngine('js');

  it('write identical bytes that decode to what went in', () => {
    fc.assert(
      fc.property(seriesBatchInput, fc.boolean(), ({ sets, series }, withCreated) => {
        const fromWasm = write(wasm, sets, series, withCreated);
        const fromJs = write(js, sets, series, withCreated);
        expect(Buffer.from(fromWasm).equals(Buffer.from(fromJs))).toBe(true);
        const decoded = decodeWriteRequestV2(fromWasm);
        expect(decoded.symbols).toEqual(SYMBOLS);
        expect(decoded.timeseries).toHaveLength(series.length);
        series.forEach((s, i) => {
          const t = decoded.timeseries[i];
          expect(t.labelsRefs).toEqual(expectedLabels(sets[s.set], s.plan));
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

  it('number strings in first use: labels in label order, help, unit, exemplar labels, series by series', () => {
    fc.assert(
      fc.property(seriesBatchInput, ({ sets, series }) => {
        const expected: number[] = [];
        const use = (symbol: number) => {
          if (!expected.includes(idOf(symbol))) expected.push(idOf(symbol));
        };
        for (const s of series) {
          expectedLabels(sets[s.set], s.plan).forEach(use);
          use(s.metadata[1]);
          use(s.metadata[2]);
          if (s.exemplar !== undefined) use(s.exemplar.ref);
        }
        expect(numbered(wasm, sets, series)).toEqual(expected);
        expect(numbered(js, sets, series)).toEqual(expected);
      }),
      { numRuns: 300, seed: 20261126 },
    );
  });

  it("number a set label that one series replaced once another series uses it", () => {
    // Set {b="c"}; the first series puts `a` in and replaces b="c" with b="d" (as a bucket's `le`
    // replaces a point attribute `le`), the second only puts `a` in and keeps b="c".
    const sets: LabelSet[] = [{ pairs: [2, 3], plan: [0, 1, 1, 0, 2, 4] }];
    const series = (plan: number[]): SeriesInput => ({ set: 0, plan, samples: [], metadata: [0, 0, 0], created: 0, exemplar: undefined });
    const both = [series([0, 1, 1, 0, 2, 4]), series([0, 1, 1, 2, 0, 0])];
    for (const engine of [wasm, js]) expect(numbered(engine, sets, both)).toEqual([1, 2, 4, 0, 3].map(idOf));
  });

  it('refuse a batch naming a set or string id beyond what the engine was given', () => {
    const sets: LabelSet[] = [{ pairs: [2, 3], plan: [0, 1, 1, 2, 0, 0] }];
    for (const engine of [wasm, js]) {
      const { extra } = encodedExemplars([]);
      const batch = fillBatch(engine, sets, [{ set: 0, plan: [0, 1, 1, 2, 0, 0], samples: [], metadata: [0, 0, 0], created: 0, exemplar: undefined }], extra, [0, 0]);
      batch.series[0] = 1;
      engine.beginNumbering(SYMBOLS.length);
      expect(() => engine.numberSeries(batch)).toThrow(expect.objectContaining({ code: 'MALFORMED_SERIES' }));
      engine.idSymbols(SYMBOLS.length);
      expect(() => engine.writeSeries(batch, false)).toThrow(expect.objectContaining({ code: 'MALFORMED_SERIES' }));
      batch.series[0] = 0;
      batch.series[TYPE_FIELD + 1] = SYMBOLS.length; // help id
      expect(() => engine.writeSeries(batch, false)).toThrow(expect.objectContaining({ code: 'MALFORMED_SERIES' }));
    }
  });

  it('refuse label names left unranked, ranked twice, or put in twice', () => {
    const sets: LabelSet[] = [{ pairs: [2, 3], plan: [0, 1, 1, 2, 0, 0] }];
    const one: SeriesInput = { set: 0, plan: [0, 1, 1, 2, 0, 0], samples: [], metadata: [0, 0, 0], created: 0, exemplar: undefined };
    for (const engine of [wasm, js]) {
      const { extra } = encodedExemplars([]);
      const batch = fillBatch(engine, sets, [one], extra, [0, 0]);
      // A listed name (the set's `c`, id of symbol 2) missing from the ranking.
      expect(Array.from(engine.labelNames(SYMBOLS.length))).toEqual([idOf(2)]);
      expect(() => engine.rankNames([idOf(1)])).toThrow(expect.objectContaining({ code: 'MALFORMED_SERIES' }));
      engine.beginNumbering(SYMBOLS.length);
      expect(() => engine.numberSeries(batch)).toThrow(expect.objectContaining({ code: 'MALFORMED_SERIES' }));
      expect(() => engine.rankNames([idOf(2), idOf(2)])).toThrow(expect.objectContaining({ code: 'MALFORMED_SERIES' }));
      // Ranked, but the series puts in a name without a rank, then one name twice.
      engine.labelNames(SYMBOLS.length);
      engine.rankNames([idOf(2), idOf(3)]);
      engine.idSymbols(SYMBOLS.length);
      expect(() => engine.writeSeries(batch, false)).toThrow(expect.objectContaining({ code: 'MALFORMED_SERIES' }));
      engine.labelNames(SYMBOLS.length);
      engine.rankNames([idOf(1), idOf(2)]);
      expect(engine.writeSeries(batch, false).length).toBeGreaterThan(0);
      batch.series.set([idOf(1), idOf(4)], 3);
      expect(() => engine.writeSeries(batch, false)).toThrow(expect.objectContaining({ code: 'MALFORMED_SERIES' }));
    }
  });

  it('write the created timestamp (rc.3 field 6) only when asked and not 0', () => {
    const sets: LabelSet[] = [{ pairs: [], plan: [0, 1, 2, 1, 0, 0] }];
    const series: SeriesInput = { set: 0, plan: [0, 1, 2, 1, 0, 0], samples: [{ value: 1, timestamp: 5, start: 3, stale: false }], metadata: [2, 0, 0], created: 3, exemplar: undefined };
    for (const engine of [wasm, js]) {
      const withField = write(engine, sets, [series], true);
      const without = write(engine, sets, [series], false);
      expect(withField.length - without.length).toBe(2);
      expect(withField.at(-2)).toBe(0x30);
      expect(withField.at(-1)).toBe(3);
    }
  });
});
