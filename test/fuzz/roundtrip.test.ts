// Random valid OTLP requests, every metric type and translation strategy: the reader decodes exactly
// what the builder built, both engines and both OTLP encodings give the same bytes.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { builderOptions, otlpRequest } from './arbitraries.js';
import { FUZZ_TIMEOUT_MS, runs } from './config.js';
import { checkRoundTrip, guarded } from './harness.js';

describe('round trip of valid requests (property, both engines)', () => {
  it(
    'builder -> encodeSnappy -> readWriteRequest gives build() back; wasm, js, protobuf and JSON agree',
    () => {
      fc.assert(
        fc.property(otlpRequest, builderOptions, (request, options) => guarded('round trip', () => checkRoundTrip(request, options))),
        runs(400),
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
