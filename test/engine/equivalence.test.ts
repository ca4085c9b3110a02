/**
 * Both engines MUST produce the same indices and the same bytes for the same calls (types.ts).
 * Property: for random sequences of batches and resets, indices, refs, offsets, lengths and arena
 * bytes are identical.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, type SymbolEngine } from '../../src/engine/index.js';

/**
 * A few lone surrogates and U+FFFD itself: they all encode to EF BF BD, so strings differing only in
 * them are one symbol, which a string-keyed table gets wrong unless it normalises (js.ts).
 */
const loneSurrogateOrReplacement = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '\ufffd');

/** Code points of every width, plus lone surrogates (which both engines must turn into U+FFFD). */
const anyUnit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: loneSurrogateOrReplacement },
);

const labelString = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: anyUnit, maxLength: 24 }) },
  // Tiny alphabet: distinct JS strings with equal UTF-8 bytes show up in most runs.
  { weight: 2, arbitrary: fc.string({ unit: fc.oneof(fc.constant('a'), loneSurrogateOrReplacement), maxLength: 3 }) },
  // Past 255 bytes (long refs) and past the 64-unit ASCII fast path.
  { weight: 1, arbitrary: fc.string({ unit: anyUnit, minLength: 60, maxLength: 400 }) },
);

type Step = { kind: 'batch'; strings: string[] } | { kind: 'reset' };

/** Batches draw from a small pool so that repeats (the common case in real requests) are frequent. */
const scenario = fc.array(labelString, { minLength: 1, maxLength: 40 }).chain((pool) =>
  fc.array(
    fc.oneof(
      { weight: 5, arbitrary: fc.array(fc.constantFrom(...pool), { maxLength: 60 }).map((strings): Step => ({ kind: 'batch', strings })) },
      { weight: 1, arbitrary: fc.constant<Step>({ kind: 'reset' }) },
    ),
    { maxLength: 12 },
  ),
);

function snapshot(engine: SymbolEngine) {
  const indices = Array.from({ length: engine.size }, (_, index) => index);
  return {
    size: engine.size,
    byteLength: engine.byteLength,
    refs: indices.map((index) => engine.ref(index)),
    offsets: indices.map((index) => engine.offsetOf(index)),
    lengths: indices.map((index) => engine.lengthOf(index)),
    arena: Array.from(engine.arena()),
  };
}

describe('wasm and js engines are equivalent', () => {
  it('return identical indices, refs, offsets, lengths and arena bytes', () => {
    const wasm = createEngine('wasm');
    const js = createEngine('js');
    fc.assert(
      fc.property(scenario, (steps) => {
        wasm.reset();
        js.reset();
        for (const step of steps) {
          if (step.kind === 'reset') {
            wasm.reset();
            js.reset();
            continue;
          }
          const wasmOut = new Uint32Array(step.strings.length);
          const jsOut = new Uint32Array(step.strings.length);
          wasm.internBatch(step.strings, step.strings.length, wasmOut);
          js.internBatch(step.strings, step.strings.length, jsOut);
          expect(wasmOut).toEqual(jsOut);
          expect(snapshot(wasm)).toEqual(snapshot(js));
        }
      }),
      { numRuns: 300 },
    );
  });
});
