/** What a set of series carries, as the `*-Written` response headers count it. */
export interface PointCounts {
  series: number;
  samples: number;
  histograms: number;
  exemplars: number;
}

export function countPoints(
  series: ReadonlyArray<{ samples: readonly unknown[]; histograms: readonly unknown[]; exemplars: readonly unknown[] }>,
): PointCounts {
  let samples = 0;
  let histograms = 0;
  let exemplars = 0;
  for (const s of series) {
    samples += s.samples.length;
    histograms += s.histograms.length;
    exemplars += s.exemplars.length;
  }
  return { series: series.length, samples, histograms, exemplars };
}
