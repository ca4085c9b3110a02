import { afterEach, describe, expect, it } from 'vitest';
import { toWellFormed } from '../../src/engine/utf8.js';
import { describeEngineContract } from './contract.js';

describeEngineContract('js');

describe('js engine: lone surrogates on runtimes without String.prototype.toWellFormed (< ES2024)', () => {
  const prototype = String.prototype as unknown as Record<string, unknown>;
  const native = { isWellFormed: prototype.isWellFormed, toWellFormed: prototype.toWellFormed };
  afterEach(() => Object.assign(prototype, native));

  it('replaces exactly the lone surrogates with U+FFFD, as TextEncoder does', () => {
    delete prototype.isWellFormed;
    delete prototype.toWellFormed;
    const samples = ['plain', 'a\ud800b', '\udc00', 'pair 😀 ok', 'end \ud83d', '\udc00\ud800', '😀\ud800😀'];
    for (const value of samples) {
      expect(toWellFormed(value)).toBe(new TextDecoder().decode(new TextEncoder().encode(value)));
    }
  });
});
