// Mutated Remote-Write bodies (RW2 and RW1, plain and snappy) through readWriteRequest in every mode:
// each one decodes or throws an Otlp2PrwError (RemoteWriteDecodeError / RemoteWriteValidationError).
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { mutate, mutations } from './arbitraries.js';
import { buildCorpus } from './corpus.js';
import { FUZZ_TIMEOUT_MS, runs } from './config.js';
import { checkRwMutation, guarded } from './harness.js';

const corpus = buildCorpus(20261126, 32);

describe('mutated Remote-Write bodies never escape as an untyped error (property)', () => {
  it(
    'truncations, bit flips, byte edits and inserted traps, read as snappy RW2, plain RW2 and plain RW1',
    () => {
      const index = fc.nat({ max: corpus.remoteWrite.length - 1 });
      fc.assert(
        fc.property(index, mutations, (i, edits) => {
          guarded('Remote-Write case', () => checkRwMutation(mutate(corpus.remoteWrite[i], edits)));
        }),
        runs(8000),
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
