// The long local fuzz run: `npx tsx test/fuzz/run.ts --runs 1000000 [--seed N] [--only otlp|json|rw|roundtrip]`.
// Prints the seed first; a failure prints fast-check's counterexample, seed and path; rerun with
// --seed to reproduce. The same properties as test/fuzz/*.test.ts, with more cases.
import fc from 'fast-check';
import { parseArgs } from 'node:util';
import { encodeOtlp } from '../support/proto.js';
import { builderOptions, editJson, jsonEdit, mutate, mutations, otlpRequest } from './arbitraries.js';
import { GOOD_REQUEST, buildCorpus } from './corpus.js';
import { EnginePair, WASM_MEMORY_CAP_BYTES, baseline, checkOtlpMutation, checkRoundTrip, checkRwMutation, guarded } from './harness.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    only: { type: 'string' },
    corpus: { type: 'string', default: '256' },
  },
});
const runs = Number(values.runs);
const seed = values.seed === undefined ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : Number(values.seed);
const only = values.only;
console.log(`otlp2prw fuzz: seed ${seed}, ${runs} runs per target (reproduce: npx tsx test/fuzz/run.ts --runs ${runs} --seed ${seed}${only ? ` --only ${only}` : ''})`);

const corpus = buildCorpus(seed, Number(values.corpus));
const pair = new EnginePair({ promoteScopeMetadata: true, promoteAllResourceAttributes: true });
const good = baseline(pair, encodeOtlp(GOOD_REQUEST));
const encoder = new TextEncoder();
let peakMemory = 0;

function progress(name: string, total = runs): () => void {
  let done = 0;
  let accepted = 0;
  const start = performance.now();
  const tick = (ok = false) => {
    done++;
    if (ok) accepted++;
    peakMemory = Math.max(peakMemory, pair.wasmMemoryBytes());
    if (peakMemory > WASM_MEMORY_CAP_BYTES) throw new Error(`WASM memory ${peakMemory} bytes, over the cap of ${WASM_MEMORY_CAP_BYTES}`);
    if (done % 10000 === 0 || done === total) {
      process.stdout.write(`  ${name}: ${done}/${total} cases, ${accepted} accepted, ${Math.round(performance.now() - start)} ms, WASM ${(peakMemory / 1048576).toFixed(1)} MiB\n`);
    }
  };
  return tick as () => void;
}

const targets: Record<string, () => void> = {
  otlp: () => {
    const tick = progress('otlp protobuf') as (ok?: boolean) => void;
    fc.assert(
      fc.property(fc.nat({ max: corpus.protobuf.length - 1 }), mutations, (i, edits) => {
        tick(guarded('protobuf case', () => checkOtlpMutation(pair, good, mutate(corpus.protobuf[i], edits), 'protobuf')));
      }),
      { numRuns: runs, seed },
    );
  },
  json: () => {
    const tick = progress('otlp json') as (ok?: boolean) => void;
    fc.assert(
      fc.property(fc.nat({ max: corpus.json.length - 1 }), mutations, fc.array(jsonEdit, { maxLength: 3 }), fc.boolean(), (i, edits, jsonEdits, asBytes) => {
        let bytes: Uint8Array;
        if (asBytes) bytes = mutate(encoder.encode(corpus.json[i]), edits);
        else {
          let json: unknown = JSON.parse(corpus.json[i]);
          for (const edit of jsonEdits) json = editJson(json, edit);
          bytes = encoder.encode(JSON.stringify(json));
        }
        tick(guarded('JSON case', () => checkOtlpMutation(pair, good, bytes, 'json')));
      }),
      { numRuns: runs, seed },
    );
  },
  rw: () => {
    const tick = progress('remote write') as (ok?: boolean) => void;
    fc.assert(
      fc.property(fc.nat({ max: corpus.remoteWrite.length - 1 }), mutations, (i, edits) => {
        tick(guarded('Remote-Write case', () => checkRwMutation(mutate(corpus.remoteWrite[i], edits))) > 0);
      }),
      { numRuns: runs, seed },
    );
  },
  roundtrip: () => {
    const total = Math.max(1, Math.round(runs / 20));
    const tick = progress('round trip', total) as (ok?: boolean) => void;
    fc.assert(
      fc.property(otlpRequest, builderOptions, (request, options) => {
        guarded('round trip', () => checkRoundTrip(request, options));
        tick(true);
      }),
      { numRuns: total, seed },
    );
  },
};

let failed = false;
for (const [name, run] of Object.entries(targets)) {
  if (only !== undefined && only !== name) continue;
  try {
    run();
  } catch (error) {
    failed = true;
    const cause = error instanceof Error && error.cause instanceof Error ? `\ncause: ${error.cause.message}` : '';
    console.error(`\n${name} FAILED (seed ${seed}):\n${error instanceof Error ? error.message : String(error)}${cause}`);
  }
}
console.log(`${failed ? 'FAILED' : 'ok'}: seed ${seed}; peak WASM memory ${(peakMemory / 1048576).toFixed(1)} MiB`);
process.exit(failed ? 1 : 0);
