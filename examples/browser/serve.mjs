// A tiny static server for the example page, and a demo Remote-Write receiver with CORS.
//
//   npm run build && node scripts/build-browser.mjs
//   node examples/browser/serve.mjs        -> page on http://127.0.0.1:8080/, receiver on :9091
//
// The page is examples/browser/; /otlp2prw.js (and its .map) come from dist/browser/. Loopback only.

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json', '.wasm': 'application/wasm' };

/** Serves examples/browser/ and the bundle; resolves to { server, url } once listening. */
export function startStaticServer({ host = '127.0.0.1', port = 8080, bundleDir = join(ROOT, 'dist/browser') } = {}) {
  const pageDir = join(ROOT, 'examples/browser');
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const name = path === '/' ? 'index.html' : path.slice(1);
    // Flat directories only: no '/' or '..' in a name, so nothing outside the two folders is served.
    if (!/^[\w.-]+$/.test(name) || name.includes('..')) return end(response, 404, 'not found');
    const file = name.startsWith('otlp2prw.js') ? join(bundleDir, name) : join(pageDir, name);
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'Content-Type': TYPES[extname(name)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
      response.end(body);
    } catch {
      end(response, 404, 'not found');
    }
  });
  return listen(server, host, port);
}

/**
 * CORS for a page on another origin. The browser preflights the POST (custom headers, non-simple type),
 * so every header RemoteWriteClient may send is allowed: the RW2 ones, User-Agent (Firefox sends it),
 * Retry-Attempt (on retries), and Authorization / X-Scope-OrgID if the page uses auth or a tenant. And
 * the `*-Written` headers are exposed: cross-origin, a browser shows the page only the headers listed in
 * Access-Control-Expose-Headers, and without them RemoteWriteClient cannot tell this receiver from a
 * Remote-Write 1.0 one (see its `assumeWrittenWhenHeadersHidden` option).
 */
export const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers':
    'Content-Encoding, Content-Type, X-Prometheus-Remote-Write-Version, User-Agent, Retry-Attempt, Authorization, X-Scope-OrgID',
  'Access-Control-Expose-Headers':
    'X-Prometheus-Remote-Write-Samples-Written, X-Prometheus-Remote-Write-Histograms-Written, X-Prometheus-Remote-Write-Exemplars-Written',
  'Access-Control-Max-Age': '600',
};

/**
 * A Remote-Write receiver for RW2 and RW1 bodies: `accept(body, headers)` returns the counts written or
 * throws (-> 400). Answers 204 with the three RW2 "written" headers to RW2, as Prometheus does, and
 * none to RW1. `exposeWrittenHeaders: false` leaves them out of Access-Control-Expose-Headers (to show
 * what a browser sender sees then).
 */
export function startReceiver({ host = '127.0.0.1', port = 9091, accept, exposeWrittenHeaders = true }) {
  const cors = { ...CORS_HEADERS };
  if (!exposeWrittenHeaders) delete cors['Access-Control-Expose-Headers'];
  const server = createServer((request, response) => {
    if (request.method === 'OPTIONS') return end(response, 204, '', cors);
    if (request.method !== 'POST') return end(response, 405, 'POST only', cors);
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const { samples, histograms, exemplars = 0 } = accept(new Uint8Array(Buffer.concat(chunks)), request.headers);
        const v2 = String(request.headers['content-type']).includes('proto=io.prometheus.write.v2.Request');
        end(response, 204, '', {
          ...cors,
          ...(v2 && {
            'X-Prometheus-Remote-Write-Samples-Written': String(samples),
            'X-Prometheus-Remote-Write-Histograms-Written': String(histograms),
            'X-Prometheus-Remote-Write-Exemplars-Written': String(exemplars),
          }),
        });
      } catch (error) {
        end(response, 400, String(error instanceof Error ? error.message : error), cors);
      }
    });
  });
  return listen(server, host, port);
}

function end(response, status, text, headers = {}) {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  response.end(text);
}

function listen(server, host, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({ server, url: `http://${host}:${address.port}/` });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { readWriteRequest } = await import('../../dist/index.js');
  const page = await startStaticServer();
  const receiver = await startReceiver({
    accept(body, headers) {
      const v2 = String(headers['content-type']).includes('proto=io.prometheus.write.v2.Request');
      const request = readWriteRequest(body, { protobufMessage: v2 ? 'v2' : 'v1' });
      let samples = 0;
      let histograms = 0;
      let exemplars = 0;
      for (const series of request.timeseries) {
        samples += series.samples.length;
        histograms += series.histograms.length;
        exemplars += series.exemplars.length;
        const labels = series.labels.map(({ name, value }) => `${name}="${value}"`).join(', ');
        console.log(`  {${labels}} ${series.samples.map((sample) => sample.value).join(' ')}${series.histograms.length ? ' (histogram)' : ''}`);
      }
      console.log(`received ${request.timeseries.length} series (${headers['content-type']}, ${headers['x-prometheus-remote-write-version']})`);
      return { samples, histograms, exemplars };
    },
  });
  console.log(`page:     ${page.url}\nreceiver: ${receiver.url}api/v1/write`);
}
