import { describe, expect, it } from 'vitest';
import { BoundedMemo } from '../../src/translate/bounded-memo.js';

describe('BoundedMemo', () => {
  it('keeps values until it holds `limit`, then starts over with the next one', () => {
    const memo = new BoundedMemo<string, number>(3);
    for (const [key, value] of [['a', 1], ['b', 2], ['c', 3]] as const) memo.set(key, value);
    expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual([1, 2, 3]);
    memo.set('a', 10);
    // Setting a key it holds still counts as full: the memo empties, then keeps the new value.
    expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual([10, undefined, undefined]);
    memo.set('d', 4);
    expect([memo.get('a'), memo.get('d')]).toEqual([10, 4]);
  });
});
