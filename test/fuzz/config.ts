// Run counts for the CI fuzz suite (tens of thousands of cases in about a minute) and how to pin them:
// FUZZ_SEED=<n> reproduces a run (vitest prints fast-check's seed and path on failure), FUZZ_SCALE=<x>
// multiplies every count. The long local run is test/fuzz/run.ts.
import type { Parameters } from 'fast-check';

const scale = Number(process.env.FUZZ_SCALE ?? '1');
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

export function runs(count: number): Parameters<unknown> {
  return { numRuns: Math.max(1, Math.round(count * scale)), ...(seed === undefined ? {} : { seed }) };
}

/** Per-file timeout: generous, as the suite shares CI with the rest of the tests. */
export const FUZZ_TIMEOUT_MS = 120_000;
