// What one builder keeps across requests (decoded strings, attributes and bucket bounds by their bytes,
// built metric names, formatted `le` values) must never show in its output: random sequences of
// requests through one builder, reset between them, give the bytes fresh builders give. Two builders
// with different options take turns, as they share the decoder's caches.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { V2WriteRequestBuilder } from '../../src/builder/builder.js';
import { encodeOtlp } from '../support/proto.js';
import { builderOptions, otlpRequest } from './arbitraries.js';
import { FUZZ_TIMEOUT_MS, runs } from './config.js';

describe('reusing a builder (property, both engines)', () => {
  it(
    'request after request, each encodes as it does in a fresh builder',
    () => {
      fc.assert(
        fc.property(fc.array(otlpRequest, { minLength: 2, maxLength: 4 }), builderOptions, builderOptions, fc.constantFrom('wasm', 'js') as fc.Arbitrary<'wasm' | 'js'>, (requests, optionsA, optionsB, engine) => {
          const reused = [new V2WriteRequestBuilder({ ...optionsA, engine }), new V2WriteRequestBuilder({ ...optionsB, engine })];
          const options = [optionsA, optionsB];
          for (const [i, request] of requests.entries()) {
            const bytes = encodeOtlp(request);
            for (const which of [i % 2, 1 - (i % 2)]) {
              const fresh = new V2WriteRequestBuilder({ ...options[which], engine }).add(bytes).encode();
              const again = reused[which].reset().add(bytes).encode();
              expect(Buffer.from(again).equals(Buffer.from(fresh)), `request ${i}, builder ${which}`).toBe(true);
            }
          }
        }),
        runs(150),
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
