/**
 * The two engines timed in one process, alternating request by request: on a shared machine the
 * load changes within seconds, and a full `npm run bench` times the engines minutes apart, so its
 * wasm ÷ js ratio swings with the load. Alternating exposes both engines to the same load.
 *
 *   npx tsx bench/interleaved.ts [points] [runs]     # defaults: 10000 points, 80 runs per engine
 *
 * Each run is reset() + add(OTLP protobuf) + encodeSnappy() on one builder per engine (the e2e case
 * of bench/run.ts), after 10 warm-up runs. Prints p10 and p50 per engine and their ratios; writes nothing.
 */

import { V2WriteRequestBuilder } from '../dist/index.js';
import { makeWorkload } from './workload.js';

const points = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 80);
const WARM_UP = 10;

const workload = makeWorkload(points, 1, { withJson: false });
const engines = ['wasm', 'js'] as const;
const builders = engines.map((engine) => new V2WriteRequestBuilder({ engine }));
const times: number[][] = engines.map(() => []);
for (let run = 0; run < WARM_UP + runs; run++) {
  builders.forEach((builder, e) => {
    const start = performance.now();
    builder.reset().add(workload.otlpBytes);
    builder.encodeSnappy();
    if (run >= WARM_UP) times[e].push(performance.now() - start);
  });
}
const quantile = (values: number[], q: number): number => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))];
const [wasm, js] = times;
console.log(`${workload.name}, ${runs} runs per engine, alternating (e2e: reset + add + encodeSnappy)`);
for (const [e, engine] of engines.entries()) {
  console.log(`  ${engine.padEnd(4)}  p10 ${quantile(times[e], 0.1).toFixed(2)} ms  p50 ${quantile(times[e], 0.5).toFixed(2)} ms`);
}
console.log(`  js ÷ wasm  p10 ${(quantile(js, 0.1) / quantile(wasm, 0.1)).toFixed(2)}x  p50 ${(quantile(js, 0.5) / quantile(wasm, 0.5)).toFixed(2)}x`);
