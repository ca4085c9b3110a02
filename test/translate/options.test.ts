import { describe, expect, it } from 'vitest';
import { V2WriteRequestBuilder } from '../../src/index.js';

// Prometheus refuses these otlp: configurations when it loads its config (config/config.go); the
// builder refuses the same option objects, with Prometheus's wording.
describe('R7/R24 option validation (Prometheus config rules)', () => {
  it.each([
    [{ translationStrategy: 'Bogus' as never }, /unsupported OTLP translation strategy "Bogus"/],
    [{ promoteAllResourceAttributes: true, promoteResourceAttributes: ['a'] }, /cannot be configured simultaneously/],
    [{ ignoreResourceAttributes: ['a'] }, /'ignore_resource_attributes' cannot be configured unless 'promote_all_resource_attributes' is true/],
    [{ promoteResourceAttributes: [' '] }, /empty OTel resource attribute/],
    [{ lookbackDeltaMs: -1 }, /lookbackDeltaMs must be a non-negative/],
  ])('%j is refused', (options, message) => {
    expect(() => new V2WriteRequestBuilder(options)).toThrowError(expect.objectContaining({ code: 'invalid_option', message: expect.stringMatching(message) }));
  });
  it('promote-all with an ignore list is fine', () => {
    expect(() => new V2WriteRequestBuilder({ promoteAllResourceAttributes: true, ignoreResourceAttributes: ['a'] })).not.toThrow();
  });
});
