/**
 * The two engines and the floor timed in one process, alternating request by request: on a shared
 * machine the load changes within seconds, and a full `npm run bench` times its rows minutes apart, so
 * its ratios (wasm ÷ js, wasm ÷ floor) swing with the load. Alternating exposes every row to the same load.
 *
 *   npx tsx bench/interleaved.ts [points] [runs]     # defaults: 10000 points, 80 runs per row
 *
 * Each run is, in turn: reset() + add(OTLP protobuf) + encodeSnappy() on one builder per engine (the
 * e2e case of bench/run.ts), then the floor (bench/floor.ts's walk of the OTLP bytes + snappy of the
 * RW2 output, as in bench/run.ts), after 10 warm-up runs. Prints p10 and p50 per row and the ratios;
 * writes nothing.
 */

import { V2WriteRequestBuilder, snappyCompress } from '../dist/index.js';
import { countDataPoints } from './floor.js';
import { makeWorkload } from './workload.js';

const points = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 80);
const WARM_UP = 10;

const workload = makeWorkload(points, 1, { withJson: false });
const engines = ['wasm', 'js'] as const;
const builders = engines.map((engine) => new V2WriteRequestBuilder({ engine }));
const encoded = new V2WriteRequestBuilder().add(workload.otlpBytes).encode();
const floor = (): void => {
  if (countDataPoints(workload.otlpBytes) !== workload.points) throw new Error('floor: wrong data point count');
  snappyCompress(encoded);
};
const rows = [...engines, 'floor'] as const;
const times: number[][] = rows.map(() => []);
for (let run = 0; run < WARM_UP + runs; run++) {
  rows.forEach((row, r) => {
    const start = performance.now();
    if (row === 'floor') floor();
    else builders[r].reset().add(workload.otlpBytes).encodeSnappy();
    if (run >= WARM_UP) times[r].push(performance.now() - start);
  });
}
const quantile = (values: number[], q: number): number => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))];
const ratio = (a: number[], b: number[]): string => `p10 ${(quantile(a, 0.1) / quantile(b, 0.1)).toFixed(2)}x  p50 ${(quantile(a, 0.5) / quantile(b, 0.5)).toFixed(2)}x`;
const [wasm, js, floorTimes] = times;
console.log(`${workload.name}, ${runs} runs per row, alternating (e2e: reset + add + encodeSnappy)`);
for (const [r, row] of rows.entries()) {
  console.log(`  ${row.padEnd(5)}  p10 ${quantile(times[r], 0.1).toFixed(2)} ms  p50 ${quantile(times[r], 0.5).toFixed(2)} ms`);
}
console.log(`  js ÷ wasm     ${ratio(js, wasm)}`);
console.log(`  wasm ÷ floor  ${ratio(wasm, floorTimes)}`);
