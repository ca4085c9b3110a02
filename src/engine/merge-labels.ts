/**
 * A series' labels from its label set: the set's sorted (name, value) pairs with `__name__` and an
 * optional extra label (`le`, `quantile`) put in place, each replacing a pair of the same name. The
 * builder merges string ids with it (SeriesTable), and so does the js engine's symbol numbering
 * (series-numbering.ts); assembly/merge-labels.ts is the same steps for the wasm engine's. The series
 * writers follow the same plan over a set's encoded bytes (set-labels.ts).
 *
 * Plans come from two places that must agree: the builder computes them by comparing label name
 * strings (SeriesTable.planLabels, for build(), RW1 and its own lookups), and both engines from ranks
 * of those names that the builder hands over once per request (series-plan.ts, assembly/series-plan.ts).
 *
 * A plan is six numbers at `plan[at]`: first insertion point, name, value, then the second's; the
 * insertion point is the index of the set's first pair whose name sorts at or after the label's. A
 * second point above `pairCount` means there is no second label.
 */
export const MERGE_PLAN_LENGTH = 6;

/** Writes the merged pairs to `out` from 0; returns how many numbers it wrote (2 per label). */
export function mergeLabelPairs(
  pairs: ArrayLike<number>,
  from: number,
  pairCount: number,
  plan: ArrayLike<number>,
  at: number,
  out: Int32Array | Uint32Array,
): number {
  const firstPoint = plan[at];
  const firstName = plan[at + 1];
  const secondPoint = plan[at + 3];
  const secondName = plan[at + 4];
  let n = copyPairs(pairs, from, 0, firstPoint, out, 0);
  out[n++] = firstName;
  out[n++] = plan[at + 2];
  let pair = firstPoint < pairCount && pairs[from + 2 * firstPoint] === firstName ? firstPoint + 1 : firstPoint;
  if (secondPoint <= pairCount) {
    const before = pair > secondPoint ? pair : secondPoint;
    n = copyPairs(pairs, from, pair, before, out, n);
    out[n++] = secondName;
    out[n++] = plan[at + 5];
    pair = before;
    if (pair < pairCount && pairs[from + 2 * pair] === secondName) pair++;
  }
  return copyPairs(pairs, from, pair, pairCount, out, n);
}

/** Copies pairs [first, end) of the set at `from` to `out` at `at`; returns the end in `out`. */
function copyPairs(pairs: ArrayLike<number>, from: number, first: number, end: number, out: Int32Array | Uint32Array, at: number): number {
  for (let i = from + 2 * first, last = from + 2 * end; i < last; i++) out[at++] = pairs[i];
  return at;
}
