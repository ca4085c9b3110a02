// A series' labels from its label set, `__name__` and `le`/`quantile` put in place: the same steps as
// src/engine/merge-labels.ts (which documents the plan and who makes it), on string ids in WASM memory
// (numbering, request.ts; the plan comes from series-plan.ts).

/** A pair (8 bytes) at a time: a set has ~10-20 pairs, too few for memory.copy, which V8 calls out of line for. */
// @ts-ignore: decorator
@inline function copyPairs(pairs: usize, first: u32, end: u32, out: usize, at: u32): u32 {
  if (end <= first) return at;
  let to = out + (<usize>at << 2);
  for (let pair = first; pair < end; pair++) {
    store<u64>(to, load<u64>(pairs + (<usize>pair << 3)));
    to += 8;
  }
  return at + ((end - first) << 1);
}

/**
 * Writes the merged refs of the set of `pairCount` pairs at `pairs` to `out` by the six-number plan at
 * `plan`; returns how many refs it wrote.
 */
export function mergeLabelPairs(pairs: usize, pairCount: u32, plan: usize, out: usize): u32 {
  const firstPoint = load<u32>(plan);
  const firstName = load<u32>(plan, 4);
  const secondPoint = load<u32>(plan, 12);
  const secondName = load<u32>(plan, 16);
  let n = copyPairs(pairs, 0, firstPoint, out, 0);
  store<u32>(out + (<usize>n << 2), firstName);
  store<u32>(out + (<usize>n << 2), load<u32>(plan, 8), 4);
  n += 2;
  let pair = firstPoint < pairCount && load<u32>(pairs + (<usize>firstPoint << 3)) == firstName ? firstPoint + 1 : firstPoint;
  if (secondPoint <= pairCount) {
    const before = pair > secondPoint ? pair : secondPoint;
    n = copyPairs(pairs, pair, before, out, n);
    store<u32>(out + (<usize>n << 2), secondName);
    store<u32>(out + (<usize>n << 2), load<u32>(plan, 20), 4);
    n += 2;
    pair = before;
    if (pair < pairCount && load<u32>(pairs + (<usize>pair << 3)) == secondName) pair++;
  }
  return copyPairs(pairs, pair, pairCount, out, n);
}
