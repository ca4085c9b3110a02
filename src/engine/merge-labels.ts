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

/**
 * The set pairs a plan keeps, as three runs: [0, first point), [runs[0], runs[1]) and [runs[2],
 * pairCount); the first put-in label goes after the first run, the second (if any) after the second.
 * A put-in label replaces a pair of its name, which no run then holds. The merges below and the series
 * writers (series-writer.ts, the builder's RW1 writer-v1.ts) cut a series' labels this way.
 */
export function keptPairRuns(pairs: ArrayLike<number>, from: number, pairCount: number, plan: ArrayLike<number>, at: number, runs: Int32Array): void {
  const firstPoint = plan[at];
  const secondPoint = plan[at + 3];
  const hasSecond = secondPoint <= pairCount;
  const resume = firstPoint < pairCount && pairs[from + 2 * firstPoint] === plan[at + 1] ? firstPoint + 1 : firstPoint;
  const middleEnd = hasSecond && secondPoint > resume ? secondPoint : resume;
  runs[0] = resume;
  runs[1] = middleEnd;
  runs[2] = hasSecond && middleEnd < pairCount && pairs[from + 2 * middleEnd] === plan[at + 4] ? middleEnd + 1 : middleEnd;
}

const mergeRuns = new Int32Array(3);

/** Writes the merged pairs to `out` from 0; returns how many numbers it wrote (2 per label). */
export function mergeLabelPairs(
  pairs: ArrayLike<number>,
  from: number,
  pairCount: number,
  plan: ArrayLike<number>,
  at: number,
  out: Int32Array | Uint32Array,
): number {
  keptPairRuns(pairs, from, pairCount, plan, at, mergeRuns);
  let n = copyPairs(pairs, from, 0, plan[at], out, 0);
  out[n++] = plan[at + 1];
  out[n++] = plan[at + 2];
  n = copyPairs(pairs, from, mergeRuns[0], mergeRuns[1], out, n);
  if (plan[at + 3] <= pairCount) {
    out[n++] = plan[at + 4];
    out[n++] = plan[at + 5];
  }
  return copyPairs(pairs, from, mergeRuns[2], pairCount, out, n);
}

/** Copies pairs [first, end) of the set at `from` to `out` at `at`; returns the end in `out`. */
function copyPairs(pairs: ArrayLike<number>, from: number, first: number, end: number, out: Int32Array | Uint32Array, at: number): number {
  for (let i = from + 2 * first, last = from + 2 * end; i < last; i++) out[at++] = pairs[i];
  return at;
}
