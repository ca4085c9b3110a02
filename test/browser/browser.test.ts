// The browser entry in a real browser: the esbuild bundle of src/browser.ts, loaded by the example page
// (examples/browser) in Debian's headless Chromium, driven by playwright-core (no browser download).
// Chromium at /usr/bin/chromium (or CHROMIUM_PATH) is required in CI (CI=true); elsewhere its absence
// skips these tests with a loud warning. UPDATE_SCREENSHOT=1 rewrites docs/browser-example.png.
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { startReceiver, startStaticServer } from '../../examples/browser/serve.mjs';
// @ts-expect-error: a plain .mjs script without type declarations
import { buildBrowserBundle } from '../../scripts/build-browser.mjs';
import { V2WriteRequestBuilder, readWriteRequest } from '../../src/index.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** As the machine notes say: without the networking flags Chromium dials Google at every start. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const GOLDEN_DIR = new URL('../fixtures/golden/', import.meta.url);
const FIXTURES = ['counter-gauge-target-info', 'histograms-and-summary', 'nhcb'];
const ENGINES = ['wasm', 'js'] as const;
const RW2_HEADERS = {
  'content-encoding': 'snappy',
  'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request',
  'x-prometheus-remote-write-version': '2.0.0',
};

const chromiumPresent = existsSync(CHROMIUM);
if (!chromiumPresent) {
  if (process.env.CI === 'true') throw new Error(`Chromium is required in CI (CI=true) but ${CHROMIUM} is missing: apt-get install -y chromium`);
  console.warn(`\n*** SKIPPING browser tests: no Chromium at ${CHROMIUM} (apt-get install -y --no-install-recommends chromium, or set CHROMIUM_PATH) ***\n`);
}

interface Conversion {
  protobufHex: string;
  snappyHex: string;
  timeseries: unknown[];
}

interface Received {
  headers: IncomingHttpHeaders;
  series: number;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function fixture(name: string): { options: object; request: object; text: string } {
  const text = readFileSync(new URL(`${name}.otlp.json`, GOLDEN_DIR), 'utf8');
  const { options = {}, request } = JSON.parse(text) as { options?: object; request: object };
  return { options, request, text: JSON.stringify(request) };
}

describe.skipIf(!chromiumPresent)('browser entry in headless Chromium (examples/browser page)', () => {
  let bundleDir: string;
  let pageServer: Server;
  let pageUrl: string;
  let receiver: Server;
  let writeUrl: string;
  let browser: Browser;
  let page: Page;
  const received: Received[] = [];

  beforeAll(async () => {
    bundleDir = await mkdtemp(join(tmpdir(), 'otlp2prw-browser-'));
    await buildBrowserBundle({ outfile: join(bundleDir, 'otlp2prw.js') });
    ({ server: pageServer, url: pageUrl } = await startStaticServer({ port: 0, bundleDir }));
    ({ server: receiver, url: writeUrl } = await startReceiver({
      port: 0,
      accept(body: Uint8Array, headers: IncomingHttpHeaders) {
        const request = readWriteRequest(body);
        received.push({ headers, series: request.timeseries.length });
        let samples = 0;
        let histograms = 0;
        for (const series of request.timeseries) {
          samples += series.samples.length;
          histograms += series.histograms.length;
        }
        return { samples, histograms };
      },
    }));
    writeUrl += 'api/v1/write';
    // launch() gives every run a fresh, empty profile directory of its own (--user-data-dir).
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pageUrl);
    await page.evaluate(() => (window as unknown as { otlp2prw: { ready: Promise<void> } }).otlp2prw.ready);
    expect(errors).toEqual([]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => pageServer?.close(resolve));
    await new Promise((resolve) => receiver?.close(resolve));
    if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
  });

  const convertInPage = (text: string, engine: string, options: object): Promise<Conversion> =>
    page.evaluate(
      ([text, engine, options]) =>
        (window as unknown as { otlp2prw: { convert(text: string, engine: string, options: object): Conversion } }).otlp2prw.convert(text, engine, options),
      [text, engine, options] as const,
    );

  for (const name of FIXTURES) {
    for (const engine of ENGINES) {
      it(`${name} (${engine}): the page's protobuf and snappy bytes equal Node's, byte for byte`, async () => {
        const { options, request, text } = fixture(name);
        const inBrowser = await convertInPage(text, engine, options);
        const inNode = new V2WriteRequestBuilder({ ...options, engine }).add(request);
        expect(inBrowser.protobufHex).toBe(hex(inNode.encode()));
        expect(inBrowser.snappyHex).toBe(hex(inNode.encodeSnappy()));
        expect(inBrowser.protobufHex).toBe(readFileSync(new URL(`${name}.rw2.hex`, GOLDEN_DIR), 'utf8').trim());
        expect(inBrowser.timeseries.length).toBeGreaterThan(0);
      });
    }
  }

  it('POSTs the body cross-origin with the RW2 headers; the receiver decodes and accepts it', async () => {
    const { options, text } = fixture('histograms-and-summary');
    const { snappyHex, timeseries } = await convertInPage(text, 'wasm', options);
    received.length = 0;
    const response = await page.evaluate(
      ([url, body]) => (window as unknown as { otlp2prw: { send(url: string, body: string): Promise<{ status: number; text: string }> } }).otlp2prw.send(url, body),
      [writeUrl, snappyHex] as const,
    );
    expect(response).toEqual({ status: 204, text: '' });
    expect(received).toHaveLength(1);
    expect(received[0].headers).toMatchObject(RW2_HEADERS);
    expect(received[0].series).toBe(timeseries.length);
  });

  it('before ready(), a wasm builder throws naming ready(); the js engine builds but cannot compress', async () => {
    const fresh = await browser.newPage();
    try {
      // A page of the same origin that has not loaded the bundle yet (the 404 text page).
      await fresh.goto(`${pageUrl}not-a-page`);
      // A string, not a function: vitest would rewrite a function's import() for Node.
      const outcome: { before: Record<string, string>; after: string } = await fresh.evaluate(`(async () => {
        const otlp2prw = await import(${JSON.stringify(`${pageUrl}otlp2prw.js`)});
        const request = '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"up","gauge":{"dataPoints":[{"timeUnixNano":"1000000000","asDouble":1}]}}]}]}]}';
        const attempt = (run) => {
          try {
            run();
            return 'ok';
          } catch (error) {
            return error.name + ' ' + error.code + ': ' + error.message;
          }
        };
        const before = {
          wasm: attempt(() => new otlp2prw.V2WriteRequestBuilder()),
          jsEncode: attempt(() => new otlp2prw.V2WriteRequestBuilder({ engine: 'js' }).add(request).encode()),
          jsSnappy: attempt(() => new otlp2prw.V2WriteRequestBuilder({ engine: 'js' }).add(request).encodeSnappy()),
        };
        await otlp2prw.ready();
        await otlp2prw.ready(); // a second call is a no-op
        const after = attempt(() => new otlp2prw.V2WriteRequestBuilder().add(request).encodeSnappy());
        return { before, after };
      })()`);
      expect(outcome.before.wasm).toMatch(/^WasmNotReadyError wasm_not_ready: .*`await ready\(\)`/);
      expect(outcome.before.jsEncode).toBe('ok');
      expect(outcome.before.jsSnappy).toMatch(/^WasmNotReadyError wasm_not_ready: .*ready\(\).*'js' one too/);
      expect(outcome.after).toBe('ok');
    } finally {
      await fresh.close();
    }
  });

  it('renders the example page (decoded series table, sizes) and screenshots it', async () => {
    await page.selectOption('#engine', 'wasm');
    await page.click('#convert');
    await page.fill('#url', writeUrl);
    received.length = 0;
    await page.click('#send');
    await page.waitForFunction(() => document.getElementById('send-status')?.textContent?.startsWith('HTTP'));
    expect(await page.textContent('#send-status')).toBe('HTTP 204');
    expect(received).toHaveLength(1);
    const rows = await page.locator('#series tbody tr').count();
    expect(rows).toBe(received[0].series);
    expect(await page.textContent('#summary')).toMatch(/^\d+ series, \d+ symbols; body \d+ bytes protobuf, \d+ bytes snappy$/);
    expect(await page.textContent('#series tbody')).toContain('http_server_requests_total');
    const shot = join(bundleDir, 'browser-example.png');
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.UPDATE_SCREENSHOT === '1') await copyFile(shot, new URL('../../docs/browser-example.png', import.meta.url));
  });
});
