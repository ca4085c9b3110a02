// The browser bundle (scripts/build-browser.mjs): esbuild, platform 'browser', no Node polyfills. A Node
// built-in reachable from src/browser.ts fails the build ("Could not resolve"); these tests also check
// the inputs and the output text, so a global like `process` or `Buffer` cannot slip in either.
import { mkdtemp, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { browserSizes, buildBrowserBundle, formatSizes } from '../../scripts/build-browser.mjs';
import { SNAPPY_WASM_SHA256_PREFIX, SNAPPY_WASM_VERSION } from '../../src/rw/snappy-wasm-bytes.js';

interface Bundle {
  outfile: string;
  bytes: Buffer;
  metafile: { inputs: Record<string, unknown> };
}

describe('browser bundle (esbuild, platform browser, no Node polyfills)', () => {
  let dir: string;
  let bundle: Bundle;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'otlp2prw-bundle-'));
    bundle = await buildBrowserBundle({ outfile: join(dir, 'otlp2prw.js') });
  }, 60_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reaches no Node built-in module', () => {
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs.filter((input) => input.startsWith('node:') || builtins.has(input))).toEqual([]);
    expect(inputs).toContain('src/browser.ts');
    // The `tls` / `proxyUrl` transport (undici) is Node-only and stays out (src/send/transport.ts).
    expect(inputs.filter((input) => input.includes('undici') || input.includes('node-dispatcher'))).toEqual([]);
    expect(inputs.some((input) => input.endsWith('snappy-wasm/es/snappy.js'))).toBe(true);
  });

  it('uses no Node global (process, Buffer, require, __dirname) and imports nothing a browser reaches', () => {
    const text = bundle.bytes.toString('utf8');
    expect(text.match(/\b(process|Buffer|require|__dirname|__filename|global)\b/g) ?? []).toEqual([]);
    // One import() only: RemoteWriteClient's Node transport for `tls` / `proxyUrl`, by a specifier in a
    // variable so that bundlers do not follow it. Browsers never run it: the constructor throws first
    // (checked in Chromium by browser.test.ts).
    expect(text.match(/\bimport\s*[("'{*]|\bimport\s+[\w$]+\s+from\b/g) ?? []).toEqual(['import(']);
    // A minified identifier may contain `$`.
    expect(text).toMatch(/\bimport\([\w$]+\)/);
    expect(text).toContain('"./node-dispatcher.js"');
  });

  it.each([
    ['the minified browser bundle', () => bundle.outfile],
    ['the Node entry', () => '../../src/index.js'],
    ['the exporter entry', () => '../../src/exporter/index.js'],
  ])('gives every exported error class its own name (%s)', async (_, entry) => {
    // Names are spelled out per class (src/errors.ts), so a minifier cannot turn them into 'V', and a
    // subclass that forgets would report its parent's name. (The bundle runs in Node too: no Node built-in.)
    const exports: Record<string, unknown> = await import(entry());
    const errorClasses = Object.entries(exports).filter(
      (entry): entry is [string, new (...args: unknown[]) => Error] => typeof entry[1] === 'function' && entry[1].prototype instanceof Error,
    );
    expect(errorClasses.length).toBeGreaterThanOrEqual(2);
    for (const [exported, ErrorClass] of errorClasses) {
      // Constructors differ; the name is a field, so any arguments will do.
      const made = Reflect.construct(ErrorClass, ['code', 'message', 'path', 0, 0, 0]) as Error;
      expect(made.name, exported).toBe(exported);
    }
  });

  it('prints its size and the WASM sizes (raw and gzip)', async () => {
    const rows = await browserSizes(bundle);
    console.log(formatSizes(rows));
    // A budget, so that growth is a decision: 68 KiB gzipped with the sender, ~23 KiB of it the two
    // embedded WASM modules as base64. Raised from 64 KiB when the engines took over numbering the
    // symbols, mapping string ids and caching each label set's bytes (~3 kB gzipped, half of it WASM),
    // for ~25% less encode time (10k bench workload, wasm engine); then to 70 KiB when the engines took
    // over planning where each series' `__name__` and `le` go (~1.5 kB, for ~8% less encode time with
    // the wasm engine) and the series table found series through their label set's chain (~0.7 kB,
    // for ~17% less add() time); then to 72 KiB when the decoder's caches started serving later requests
    // and the engine's writer memoized timestamp varints (~0.2 kB with the float-text and metric-name
    // caches, for ~20% less time per 100-point request and ~10% less encode time); then to 84 KiB
    // for the wasm engine's fused OTLP -> RW2 path (assembly/fused/, src/engine/fused-*.ts): the bundle
    // went from 71,616 to 84,290 B gzipped (engine WASM 10.9 -> 26.6 kB raw, 14.3 kB gzipped as base64);
    // then to 86 KiB when encodeRequests of a fused request was written in pieces by the module
    // (src/engine/fused-series.ts, writer.ts writePiece) instead of replayed: 85,724 -> 87,165 B, for
    // about half the time of the bridge's and sender's add + encodeRequests (10k points: 41 -> 19 ms p10);
    // then to 87 KiB when the walk prefetched its label set probes in batches and read each data message
    // for the decoder (assembly/fused/points.ts makeBatch, scanData): 87,180 -> 88,617 B, for ~15% less
    // walk time at 100k points; then to 88 KiB when a builder's later add()s joined the fused request
    // (FusedRequest.append: 10 x 1000-point requests 31.8 -> 13.0 ms p10) and summary and exponential
    // histogram points were batched like the others: 88,617 -> 89,210 B.
    expect(rows[0].gzip).toBeLessThan(88 * 1024);
  });
});

describe('embedded snappy-wasm (src/rw/snappy-wasm-bytes.ts)', () => {
  it('is the installed snappy-wasm es/snappy_bg.wasm (else: node scripts/build-browser.mjs --embed-snappy)', () => {
    const installed = new URL('../../node_modules/snappy-wasm/', import.meta.url);
    const wasm = readFileSync(new URL('es/snappy_bg.wasm', installed));
    expect(createHash('sha256').update(wasm).digest('hex').slice(0, 16)).toBe(SNAPPY_WASM_SHA256_PREFIX);
    expect(JSON.parse(readFileSync(new URL('package.json', installed), 'utf8')).version).toBe(SNAPPY_WASM_VERSION);
  });
});
