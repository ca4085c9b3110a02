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
  message: 'v2' | 'v1';
  series: number;
  samples: number;
  histograms: number;
}

interface SendResult {
  outcomes: Array<Record<string, unknown>>;
  warnings: string[];
  requests: Array<{ samples: number; histograms: number; exemplars: number; series: number }>;
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
  /** The same receiver, but without Access-Control-Expose-Headers. */
  let hidingReceiver: Server;
  let hidingUrl: string;
  let browser: Browser;
  let page: Page;
  const received: Received[] = [];

  beforeAll(async () => {
    bundleDir = await mkdtemp(join(tmpdir(), 'otlp2prw-browser-'));
    await buildBrowserBundle({ outfile: join(bundleDir, 'otlp2prw.js') });
    ({ server: pageServer, url: pageUrl } = await startStaticServer({ port: 0, bundleDir }));
    const accept = (body: Uint8Array, headers: IncomingHttpHeaders) => {
      const message = String(headers['content-type']).includes('proto=io.prometheus.write.v2.Request') ? 'v2' : 'v1';
      const request = readWriteRequest(body, { protobufMessage: message });
      let samples = 0;
      let histograms = 0;
      for (const series of request.timeseries) {
        samples += series.samples.length;
        histograms += series.histograms.length;
      }
      received.push({ headers, message, series: request.timeseries.length, samples, histograms });
      return { samples, histograms };
    };
    ({ server: receiver, url: writeUrl } = await startReceiver({ port: 0, accept }));
    ({ server: hidingReceiver, url: hidingUrl } = await startReceiver({ port: 0, accept, exposeWrittenHeaders: false }));
    hidingUrl += 'api/v1/write';
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
    await new Promise((resolve) => hidingReceiver?.close(resolve));
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

  const sendInPage = (url: string, text: string, options: object, clientOptions: object = {}): Promise<SendResult> =>
    page.evaluate(
      ([url, text, options, clientOptions]) =>
        (
          window as unknown as {
            otlp2prw: { send(url: string, text: string, engine: string, options: object, clientOptions: object): Promise<SendResult> };
          }
        ).otlp2prw.send(url, text, 'wasm', options, clientOptions),
      [url, text, options, clientOptions] as const,
    );

  it('POSTs cross-origin with RemoteWriteClient; the receiver decodes it, and the exposed *-Written headers make the outcome written', async () => {
    const { options, text } = fixture('histograms-and-summary');
    const { timeseries } = await convertInPage(text, 'wasm', options);
    received.length = 0;
    const { outcomes, warnings, requests } = await sendInPage(writeUrl, text, options);
    expect(requests).toHaveLength(1);
    expect(received).toHaveLength(1);
    expect(received[0].headers).toMatchObject(RW2_HEADERS);
    expect(received[0]).toMatchObject({ message: 'v2', series: timeseries.length, samples: requests[0].samples, histograms: requests[0].histograms });
    expect(requests[0].samples + requests[0].histograms).toBeGreaterThan(0);
    expect(outcomes).toEqual([
      expect.objectContaining({
        kind: 'written',
        status: 204,
        protobufMessage: 'v2',
        samplesWritten: requests[0].samples,
        histogramsWritten: requests[0].histograms,
        exemplarsWritten: requests[0].exemplars,
        partial: false,
        attempts: 1,
      }),
    ]);
    expect(warnings).toEqual([]);
  });

  it('without Access-Control-Expose-Headers the counts are unknown: by default resent as RW1, with a warning naming the header', async () => {
    const { options, text } = fixture('counter-gauge-target-info');
    received.length = 0;
    const { outcomes, warnings, requests } = await sendInPage(hidingUrl, text, options);
    expect(received.map((r) => r.message)).toEqual(['v2', 'v1']);
    expect(received[1].samples).toBe(requests[0].samples);
    expect(outcomes).toEqual([expect.objectContaining({ kind: 'written', protobufMessage: 'v1', samplesWritten: requests[0].samples, partial: false, attempts: 2 })]);
    expect(warnings.join('\n')).toMatch(/Access-Control-Expose-Headers/);
  });

  it('without Access-Control-Expose-Headers, assumeWrittenWhenHeadersHidden trusts the 2xx: one RW2 request, written as sent', async () => {
    const { options, text } = fixture('counter-gauge-target-info');
    received.length = 0;
    const { outcomes, warnings, requests } = await sendInPage(hidingUrl, text, options, { assumeWrittenWhenHeadersHidden: true });
    expect(received.map((r) => r.message)).toEqual(['v2']);
    expect(outcomes).toEqual([expect.objectContaining({ kind: 'written', protobufMessage: 'v2', samplesWritten: requests[0].samples, partial: false, attempts: 1 })]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Access-Control-Expose-Headers.*assumeWrittenWhenHeadersHidden/);
  });

  it('tls and proxyUrl throw RemoteWriteConfigError in the browser (no undici, no Node built-in is loaded)', async () => {
    const requested: string[] = [];
    const onRequest = (request: { url(): string }) => requested.push(request.url());
    page.on('request', onRequest);
    try {
      const errors = await page.evaluate((url) => {
        const { RemoteWriteClient } = (window as unknown as { otlp2prw: { RemoteWriteClient: new (options: object) => unknown } }).otlp2prw;
        return [{ tls: { insecureSkipVerify: true } }, { proxyUrl: 'http://127.0.0.1:3128' }].map((options) => {
          try {
            new RemoteWriteClient({ url, ...options });
            return 'no error';
          } catch (error) {
            const e = error as Error & { code?: string; option?: string };
            return `${e.name} ${e.code} ${e.option}: ${e.message}`;
          }
        });
      }, writeUrl);
      expect(errors[0]).toMatch(/^RemoteWriteConfigError REMOTE_WRITE_CONFIG tls: tls: is not supported in browsers/);
      expect(errors[1]).toMatch(/^RemoteWriteConfigError REMOTE_WRITE_CONFIG proxyUrl: proxyUrl: is not supported in browsers/);
      expect(requested).toEqual([]);
    } finally {
      page.off('request', onRequest);
    }
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
    await page.waitForFunction(() => !document.getElementById('send-status')?.textContent?.startsWith('sending'));
    expect(await page.textContent('#send-status')).toMatch(/^written: \d+ samples, \d+ histograms, 0 exemplars \(HTTP 204, Remote-Write 2\.0\)$/);
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
