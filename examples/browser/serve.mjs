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

/** CORS for a page on another origin: the browser preflights the POST (custom headers, non-simple type). */
export const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Encoding, Content-Type, X-Prometheus-Remote-Write-Version',
  'Access-Control-Expose-Headers': 'X-Prometheus-Remote-Write-Samples-Written, X-Prometheus-Remote-Write-Histograms-Written',
};

/**
 * A Remote-Write receiver: `accept(body, headers)` returns the counts written or throws (-> 400).
 * Answers 204 with the RW2 "written" headers, as Prometheus does.
 */
export function startReceiver({ host = '127.0.0.1', port = 9091, accept }) {
  const server = createServer((request, response) => {
    if (request.method === 'OPTIONS') return end(response, 204, '', CORS_HEADERS);
    if (request.method !== 'POST') return end(response, 405, 'POST only', CORS_HEADERS);
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const { samples, histograms } = accept(new Uint8Array(Buffer.concat(chunks)), request.headers);
        end(response, 204, '', {
          ...CORS_HEADERS,
          'X-Prometheus-Remote-Write-Samples-Written': String(samples),
          'X-Prometheus-Remote-Write-Histograms-Written': String(histograms),
        });
      } catch (error) {
        end(response, 400, String(error instanceof Error ? error.message : error), CORS_HEADERS);
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
      const request = readWriteRequest(body);
      let samples = 0;
      let histograms = 0;
      for (const series of request.timeseries) {
        samples += series.samples.length;
        histograms += series.histograms.length;
        const labels = series.labels.map(({ name, value }) => `${name}="${value}"`).join(', ');
        console.log(`  {${labels}} ${series.samples.map((sample) => sample.value).join(' ')}${series.histograms.length ? ' (histogram)' : ''}`);
      }
      console.log(`received ${request.timeseries.length} series (${headers['content-type']}, ${headers['x-prometheus-remote-write-version']})`);
      return { samples, histograms };
    },
  });
  console.log(`page:     ${page.url}\nreceiver: ${receiver.url}api/v1/write`);
}
