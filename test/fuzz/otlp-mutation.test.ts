// Mutated, truncated and bit-flipped OTLP input (protobuf bytes, JSON bytes, JSON structure) on two
// long-lived builders, one per engine: every case is accepted with a valid RW2 output identical across
// engines, or rejected with an Otlp2PrwError and rolled back; no case hangs; WASM memory stays bounded.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeOtlp } from '../support/proto.js';
import { editJson, jsonEdit, mutate, mutations } from './arbitraries.js';
import { GOOD_REQUEST, buildCorpus } from './corpus.js';
import { FUZZ_TIMEOUT_MS, runs } from './config.js';
import { EnginePair, WASM_MEMORY_CAP_BYTES, baseline, checkOtlpMutation, guarded } from './harness.js';

const corpus = buildCorpus(20261125, 64);
const pair = new EnginePair({ promoteScopeMetadata: true, promoteAllResourceAttributes: true });
const good = baseline(pair, encodeOtlp(GOOD_REQUEST));
const outcomes = { accepted: 0, rejected: 0 };
let peakWasmMemory = 0;

function record(accepted: boolean): void {
  outcomes[accepted ? 'accepted' : 'rejected']++;
  peakWasmMemory = Math.max(peakWasmMemory, pair.wasmMemoryBytes());
}

describe('mutated OTLP input never escapes as an untyped error (property, both engines)', () => {
  it(
    'protobuf: truncations, bit flips, byte edits, inserted traps',
    () => {
      const index = fc.nat({ max: corpus.protobuf.length - 1 });
      fc.assert(
        fc.property(index, mutations, (i, edits) => {
          const bytes = mutate(corpus.protobuf[i], edits);
          record(guarded('protobuf case', () => checkOtlpMutation(pair, good, bytes, 'protobuf')));
        }),
        runs(8000),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'JSON bytes: the same edits on the UTF-8 text',
    () => {
      const index = fc.nat({ max: corpus.json.length - 1 });
      const encoder = new TextEncoder();
      fc.assert(
        fc.property(index, mutations, (i, edits) => {
          const bytes = mutate(encoder.encode(corpus.json[i]), edits);
          record(guarded('JSON bytes case', () => checkOtlpMutation(pair, good, bytes, 'json')));
        }),
        runs(4000),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'JSON structure: a random member replaced by any JSON value, or removed',
    () => {
      const index = fc.nat({ max: corpus.requests.length - 1 });
      const encoder = new TextEncoder();
      fc.assert(
        fc.property(index, fc.array(jsonEdit, { minLength: 1, maxLength: 3 }), (i, edits) => {
          let json: unknown = JSON.parse(corpus.json[i]);
          for (const edit of edits) json = editJson(json, edit);
          const bytes = encoder.encode(JSON.stringify(json));
          record(guarded('JSON structure case', () => checkOtlpMutation(pair, good, bytes, 'json')));
        }),
        runs(6000),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  afterAll(() => {
    console.log(`OTLP fuzz: ${outcomes.accepted} accepted, ${outcomes.rejected} rejected; peak WASM memory ${(peakWasmMemory / 1048576).toFixed(1)} MiB`);
  });

  it('kept WASM memory bounded over all cases', () => {
    expect(peakWasmMemory).toBeGreaterThan(0);
    expect(peakWasmMemory).toBeLessThan(WASM_MEMORY_CAP_BYTES);
  });
});
