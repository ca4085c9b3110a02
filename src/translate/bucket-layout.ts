import type { BucketSpan } from '../rw/types.js';

export interface BucketLayout {
  spans: BucketSpan[];
  /** Integer bucket counts, each as the difference from the previous bucket. */
  deltas: number[];
}

/** Gaps of up to this many empty buckets are written as zero buckets rather than a new span. */
const MAX_INLINE_GAP = 2;

/**
 * Prometheus's convertBucketsLayout (storage/remote/otlptranslator/prometheusremotewrite/histograms.go,
 * docs/translation-rules.md R40), reproduced step for step, quirks included, so that our spans and
 * deltas are the ones Prometheus stores:
 * - OTel bucket i covers index `offset + i`; downscaling by `scaleDown` merges 2^scaleDown buckets
 *   (arithmetic shift), and exponential histograms shift indices by +1 (`adjust`) because OTel buckets
 *   are upper-inclusive while Prometheus's are lower-inclusive.
 * - Gaps of 1-2 empty buckets are filled with zero buckets; longer gaps start a new span.
 * - While the pending count is 0, a group transition does not advance the bucket index (Prometheus
 *   3.14 behaviour: with downscaling it can credit counts to the previous index; totals stay right).
 */
/**
 * Go's arithmetic right shift of an int32: JS masks shift counts to 5 bits, Go does not, so a scale far
 * above 8 (untrusted input) must still floor to 0 or -1 as in Prometheus.
 */
function shiftRight(value: number, bits: number): number {
  return bits >= 31 ? (value < 0 ? -1 : 0) : value >> bits;
}

export function convertBucketsLayout(counts: readonly number[], offset: number, scaleDown: number, adjust: boolean): BucketLayout {
  const spans: BucketSpan[] = [];
  const deltas: number[] = [];
  if (counts.length === 0) return { spans, deltas };
  const shift = adjust ? 1 : 0;
  spans.push({ offset: shiftRight(offset, scaleDown) + shift, length: 0 });
  let previous = 0;
  const emit = (count: number) => {
    spans[spans.length - 1].length++;
    deltas.push(count - previous);
    previous = count;
  };
  const fillGap = (gap: number) => {
    if (gap > MAX_INLINE_GAP) spans.push({ offset: gap, length: 0 });
    else for (let j = 0; j < gap; j++) emit(0);
  };
  let bucketIndex = shiftRight(offset, scaleDown) + shift;
  let pending = 0;
  for (let i = 0; i < counts.length; i++) {
    const next = shiftRight(i + offset, scaleDown) + shift;
    if (next === bucketIndex) {
      pending += counts[i];
      continue;
    }
    if (pending === 0) {
      pending = counts[i];
      continue;
    }
    fillGap(next - bucketIndex - 1);
    emit(pending);
    pending = counts[i];
    bucketIndex = next;
  }
  fillGap(shiftRight(counts.length + offset - 1, scaleDown) + shift - bucketIndex);
  emit(pending);
  return { spans, deltas };
}
