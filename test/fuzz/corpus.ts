// Seeds for the mutation fuzzers: valid requests from the arbitraries (deterministic for a seed), as
// OTLP protobuf, OTLP JSON, and the RW2/RW1 bodies the builder makes of them.
import fc from 'fast-check';
import { V2WriteRequestBuilder } from '../../src/builder/builder.js';
import { encodeOtlp } from '../support/proto.js';
import { otlpRequest } from './arbitraries.js';
import { toOtlpJson } from './harness.js';

export interface Corpus {
  requests: object[];
  protobuf: Uint8Array[];
  json: string[];
  /** RW2 and RW1 bodies, uncompressed and snappy. */
  remoteWrite: Uint8Array[];
}

export function buildCorpus(seed: number, size: number): Corpus {
  const requests = fc.sample(otlpRequest, { numRuns: size, seed });
  const protobuf = requests.map((request) => encodeOtlp(request));
  const json = requests.map((request) => toOtlpJson(request));
  const remoteWrite: Uint8Array[] = [];
  const builder = new V2WriteRequestBuilder({ engine: 'js', promoteScopeMetadata: true });
  for (const bytes of protobuf) {
    builder.reset().add(bytes);
    remoteWrite.push(builder.encode(), builder.encodeSnappy(), builder.encodeV1());
  }
  return { requests, protobuf, json, remoteWrite };
}

/** A small good request added before each mutated one, to check that a failed add() rolls back. */
export const GOOD_REQUEST = {
  resourceMetrics: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }, { key: 'host.name', value: { stringValue: 'node-1' } }] },
      scopeMetrics: [
        {
          scope: { name: 'http' },
          metrics: [
            {
              name: 'http.server.requests',
              unit: '{request}',
              sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ attributes: [{ key: 'http.route', value: { stringValue: '/cart' } }], timeUnixNano: '1700000000000000000', asInt: '7' }] },
            },
          ],
        },
      ],
    },
  ],
};
