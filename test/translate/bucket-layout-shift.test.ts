import { describe, expect, it } from 'vitest';
import { convertBucketsLayout } from '../../src/translate/bucket-layout.js';

// Go shifts an int32 by 32 or more bits to 0 (or -1 when negative); JS masks the count to 5 bits. A
// scale of 40+ only comes from hostile input, but must still give Prometheus's answer, not garbage.
describe('R40 bucket layout with a downscale of 32 bits or more (derived)', () => {
  it('positive offsets fold into bucket 0 (+1)', () => {
    expect(convertBucketsLayout([1, 1], 5, 40, true)).toEqual({ spans: [{ offset: 1, length: 1 }], deltas: [2] });
  });
  it('negative offsets fold into bucket -1 (+1)', () => {
    expect(convertBucketsLayout([1, 1], -5, 40, true)).toEqual({ spans: [{ offset: 0, length: 1 }], deltas: [2] });
  });
});
