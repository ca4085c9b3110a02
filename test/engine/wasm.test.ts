import { describe, expect, it } from 'vitest';
import { WasmSymbolEngine } from '../../src/engine/wasm.js';
import { NO_SECOND_LABEL, SERIES_FIELDS } from '../../src/engine/series-batch.js';
import { describeEngineContract } from './contract.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';

describeEngineContract('wasm');

describe('wasm engine: storage is kept across requests', () => {
  it('does not grow memory over 1000 rounds of (intern the same-shaped batch; reset)', () => {
    const engine = new WasmSymbolEngine();
    // Same shape every round: same count, same byte lengths, fresh values.
    const batchFor = (round: number) =>
      Array.from({ length: 2_000 }, (_, i) => `pod-${String(round).padStart(4, '0')}-${i % 1_000}-${'é'.repeat(i % 5)}`);
    const out = new Uint32Array(2_000);
    for (let round = 0; round < 3; round++) {
      engine.internBatch(batchFor(round), 2_000, out);
      engine.reset();
    }
    const warmedUp = engine.memoryBytes();
    for (let round = 0; round < 1_000; round++) {
      engine.internBatch(batchFor(round), 2_000, out);
      expect(engine.size).toBe(1_001);
      engine.reset();
    }
    expect(engine.memoryBytes()).toBe(warmedUp);
  }, 60_000); // 2M interns: generous for a loaded CI machine

  it('does not grow memory over 1000 rounds of (intern; number and write a batch of series of varying size)', () => {
    const engine = new WasmSymbolEngine();
    const round = (r: number) => {
      engine.reset();
      engine.internBatch(['a', 'b'], 2, new Uint32Array(2));
      // Sizes vary by round, never above the largest one of the warm-up.
      const count = 1_000 + (r % 7) * 100;
      // One label set per series, each {b="a"} in string ids 1 and 0; `a` (id 0) put in before it.
      const sets = engine.labelSets(2 * count, count);
      for (let i = 0; i < count; i++) {
        sets.pool.set([1, 0], 2 * i);
        sets.start[i] = 2 * i;
      }
      sets.start[count] = 2 * count;
      engine.labelNames(2);
      engine.rankNames([0, 1]);
      const batch = engine.seriesBatch({ count, maxLabelRefs: 6, rows: count, extraBytes: 0, exemplarIds: 0 });
      for (let i = 0; i < count; i++) {
        batch.series.set([i, 0, 1, NO_SECOND_LABEL, 0, 2, 0, 0], SERIES_FIELDS * i);
        batch.rowStart[i] = i;
        batch.value[i] = r + i;
        batch.timestamp[i] = 1_700_000_000_000 + i;
      }
      batch.rowStart[count] = count;
      batch.extraStart.fill(0); // the batch memory is reused: no stale offsets from an earlier round
      batch.exemplarIdStart.fill(0);
      engine.beginNumbering(2);
      engine.numberSeries(batch);
      expect(Array.from(engine.numbered())).toEqual([0, 1]);
      engine.idSymbols(2).set([1, 2]);
      return engine.writeSeries(batch, false).length;
    };
    for (let r = 0; r < 7; r++) round(r);
    const warmedUp = engine.memoryBytes();
    for (let r = 0; r < 1_000; r++) expect(round(r)).toBeGreaterThan(0);
    expect(engine.memoryBytes()).toBe(warmedUp);
  }, 60_000);

  it('gives each engine its own memory', () => {
    const first = new WasmSymbolEngine();
    const second = new WasmSymbolEngine();
    expect(first.intern('only-in-first')).toBe(1);
    expect(second.intern('only-in-second')).toBe(1);
    expect(first.resolve(1)).toBe('only-in-first');
    expect(second.resolve(1)).toBe('only-in-second');
  });
});

describe('wasm engine: the fused path shares its memory', () => {
  it('after a fused request grows memory, interning and resolving still see the new memory', () => {
    const engine = new WasmSymbolEngine();
    engine.internBatch(['before'], 1, new Uint32Array(1));
    const pages = engine.memoryBytes();
    const rules = { attributeLabel: () => undefined, floatText: (value: number) => String(value) };
    // Copying a 32 MiB request in grows the instance's memory, detaching every view on the old buffer.
    engine.fusedRequest(rules, DEFAULT_LIMITS, false).begin(new Uint8Array(32 * 1024 * 1024));
    expect(engine.memoryBytes()).toBeGreaterThan(pages);
    const out = new Uint32Array(2);
    engine.internBatch(['after', 'before'], 2, out);
    expect([engine.resolve(out[0]), engine.resolve(out[1])]).toEqual(['after', 'before']);
    expect(engine.arena().length).toBe('beforeafter'.length);
  });
});
