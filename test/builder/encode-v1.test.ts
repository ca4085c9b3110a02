// The builder writes RW1 straight from its table (write-v1.ts); the client re-encodes RW2 bodies as
// RW1 through encodeWriteRequestV1 (reencode.ts, on a 415). Both must carry exactly the series of the
// RW2 request: labels spelled out in the same order, samples and histograms without what RW1 lacks
// (start timestamps, custom bucket bounds), exemplars with their labels, one metadata entry per family.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { V2WriteRequestBuilder } from '../../src/builder/builder.js';
import { readWriteRequest } from '../../src/rw/read.js';
import { snappyDecompress } from '../../src/rw/snappy.js';
import { reencodeAsV1 } from '../../src/send/reencode.js';
import { builderOptions, otlpRequest } from '../fuzz/arbitraries.js';
import { decodeRw1, encodeOtlp } from '../support/proto.js';

const ENGINES = ['wasm', 'js'] as const;

/** What an RW1 series must hold for an RW2 series read back. */
function expectedV1(v2: ReturnType<typeof readWriteRequest>) {
  if (v2.protobufMessage !== 'v2') throw new Error('expected RW2');
  return v2.timeseries.map((series) => ({
    labels: series.labels,
    samples: series.samples.map((sample) => ({ ...sample, startTimestamp: 0 })),
    histograms: series.histograms.map((histogram) => ({ ...histogram, customValues: [], startTimestamp: 0 })),
    exemplars: series.exemplars.map((exemplar) => ({ labels: exemplar.labels, value: exemplar.value, timestamp: exemplar.timestamp })),
  }));
}

describe('RW1 encoding', () => {
  it('carries the RW2 series, from the builder and re-encoded from the RW2 body (property)', () => {
    fc.assert(
      fc.property(otlpRequest, builderOptions, fc.constantFrom(...ENGINES), (request, options, engine) => {
        const builder = new V2WriteRequestBuilder({ ...options, engine }).add(encodeOtlp(request));
        const v2 = readWriteRequest(builder.encode(), { compressed: false });
        const expected = expectedV1(v2);
        const direct = builder.encodeV1();
        const reencoded = reencodeAsV1({ body: builder.encodeSnappy(), protobufMessage: 'v2' } as Parameters<typeof reencodeAsV1>[0]).body;
        for (const v1 of [readWriteRequest(direct, { compressed: false, protobufMessage: 'v1' }), readWriteRequest(reencoded, { protobufMessage: 'v1' })]) {
          expect(v1.timeseries).toStrictEqual(expected);
          const families = v1.metadata.map((entry) => entry.metricFamilyName);
          expect(new Set(families).size).toBe(families.length);
        }
        // An independent decoder (protobufjs) reads the builder's labels the same.
        const labels = decodeRw1(direct).timeseries.map((series: { labels: Array<{ name: string; value: string }> }) =>
          series.labels.map(({ name, value }) => ({ name, value: value ?? '' })),
        );
        expect(labels).toStrictEqual(expected.map((series) => series.labels));
        // The snappy body is the same bytes compressed.
        expect(Buffer.from(snappyDecompress(builder.encodeV1Snappy())).equals(Buffer.from(direct))).toBe(true);
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
