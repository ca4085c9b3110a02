// One fixture per failure class (test/fixtures/bad/, written by make.mjs): each raises the typed error
// expected.json names, with its path, on both engines, and leaves the builder as it was.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { V2WriteRequestBuilder } from '../../src/builder/builder.js';
import { Otlp2PrwError } from '../../src/errors.js';
import { encodeOtlp } from '../support/proto.js';
import { GOOD_REQUEST } from '../fuzz/corpus.js';

const DIR = new URL('../fixtures/bad/', import.meta.url);

interface Expected {
  class?: string;
  code?: string;
  path?: string;
  pathPrefix?: string;
  limit?: string;
  ok?: boolean;
  series?: number;
}

const expected = JSON.parse(readFileSync(new URL('expected.json', DIR), 'utf8')) as Record<string, Expected>;
const fixtures = readdirSync(DIR).filter((name) => /\.(pb|json)$/.test(name) && name !== 'expected.json');

describe('test/fixtures/bad', () => {
  it('expected.json lists every fixture and nothing else', () => {
    expect(Object.keys(expected).sort()).toEqual([...fixtures].sort());
  });

  const good = encodeOtlp(GOOD_REQUEST);

  describe.each(['wasm', 'js'] as const)('%s engine', (engine) => {
    const builder = new V2WriteRequestBuilder({ engine });
    const before = builder.add(good).encode();

    for (const name of fixtures) {
      it(`${name}: ${expected[name]?.ok ? 'decodes' : `${expected[name]?.class} ${expected[name]?.code}`}`, () => {
        const want = expected[name];
        const input = new Uint8Array(readFileSync(new URL(name, DIR)));
        const format = name.endsWith('.json') ? 'json' : 'protobuf';
        if (want.ok) {
          const fresh = new V2WriteRequestBuilder({ engine }).add(input, format);
          expect(fresh.stats.series).toBe(want.series);
          return;
        }
        let thrown: unknown;
        try {
          builder.add(input, format);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(Otlp2PrwError);
        const error = thrown as Otlp2PrwError & { path?: string; limit?: string };
        expect(error.name).toBe(want.class);
        expect(error.code).toBe(want.code);
        expect(error.message.length).toBeGreaterThan(0);
        if (want.path !== undefined) expect(error.path).toBe(want.path);
        if (want.pathPrefix !== undefined) expect(error.path?.startsWith(want.pathPrefix)).toBe(true);
        if (want.limit !== undefined) expect(error.limit).toBe(want.limit);
        // Rolled back: the builder encodes exactly what it did before the bad request.
        expect(Buffer.from(builder.encode()).equals(Buffer.from(before))).toBe(true);
      });
    }
  });
});
