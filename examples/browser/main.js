// The example page: OTLP JSON in, RW2 request out, with otlp2prw's browser bundle (served as
// ./otlp2prw.js by serve.mjs, from dist/browser/), and POSTed with its RemoteWriteClient.
// `window.otlp2prw` is what test/browser drives.
import { MetricType, RemoteWriteClient, V2WriteRequestBuilder, readWriteRequest, ready } from './otlp2prw.js';

const $ = (id) => document.getElementById(id);
const TYPE_NAMES = Object.fromEntries(Object.entries(MetricType).map(([name, value]) => [value, name.toLowerCase()]));

/** A counter, a gauge and a histogram, stamped with the page's load time (receivers reject old samples). */
function sampleRequest(nowMs) {
  const time = `${BigInt(nowMs) * 1_000_000n}`;
  const start = `${BigInt(nowMs - 60_000) * 1_000_000n}`;
  const attribute = (key, value) => ({ key, value: typeof value === 'number' ? { intValue: `${value}` } : { stringValue: value } });
  return {
    resourceMetrics: [
      {
        resource: { attributes: [attribute('service.name', 'checkout'), attribute('service.instance.id', 'c-1')] },
        scopeMetrics: [
          {
            scope: { name: 'shop', version: '1.0.0' },
            metrics: [
              {
                name: 'http.server.requests',
                unit: '{request}',
                description: 'Handled requests',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    { attributes: [attribute('http.route', '/cart'), attribute('http.response.status_code', 200)], startTimeUnixNano: start, timeUnixNano: time, asInt: '1027' },
                    { attributes: [attribute('http.route', '/cart'), attribute('http.response.status_code', 500)], startTimeUnixNano: start, timeUnixNano: time, asInt: '3' },
                  ],
                },
              },
              { name: 'queue.depth', unit: '{item}', gauge: { dataPoints: [{ timeUnixNano: time, asDouble: 7.5 }] } },
              {
                name: 'http.server.duration',
                unit: 's',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: [{ startTimeUnixNano: start, timeUnixNano: time, count: '6', sum: 1.25, explicitBounds: [0.1, 0.5], bucketCounts: ['3', '2', '1'] }],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

const toHex = (bytes) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

/** Converts OTLP JSON with one engine; returns the bodies (hex) and the series as the reader sees them. */
function convert(otlpJson, engine, options = {}) {
  const builder = new V2WriteRequestBuilder({ ...options, engine });
  builder.add(otlpJson);
  const protobuf = builder.encode();
  const snappy = builder.encodeSnappy();
  const { symbols, timeseries } = readWriteRequest(snappy);
  return { protobufHex: toHex(protobuf), snappyHex: toHex(snappy), protobufBytes: protobuf.length, snappyBytes: snappy.length, symbols: symbols.length, timeseries };
}

/**
 * Converts OTLP JSON and POSTs it with a RemoteWriteClient: the RW2 headers, retries with backoff, the
 * `*-Written` headers read back (the receiver must expose them: Access-Control-Expose-Headers), and
 * RW1 fallback. Resolves with one outcome per request and what the client warned about.
 */
async function send(url, otlpJson, engine = 'wasm', options = {}, clientOptions = {}) {
  const requests = new V2WriteRequestBuilder({ ...options, engine }).add(otlpJson).encodeRequests();
  const warnings = [];
  // Few retries: on a page, a receiver that is down should show up within seconds.
  const client = new RemoteWriteClient({ url, retry: { maxRetries: 2 }, timeoutMs: 10_000, logger: { warn: (message) => warnings.push(message) }, ...clientOptions });
  const outcomes = [];
  for (const request of requests) outcomes.push(await client.send(request));
  return { outcomes, warnings, requests: requests.map(({ samples, histograms, exemplars, series }) => ({ samples, histograms, exemplars, series })) };
}

/** One line for the page: what the receiver said, in Remote-Write terms. */
function describeOutcome(outcome) {
  const message = outcome.protobufMessage === 'v2' ? 'Remote-Write 2.0' : 'Remote-Write 1.0';
  switch (outcome.kind) {
    case 'written':
      return `${outcome.partial ? 'partially written' : 'written'}: ${outcome.samplesWritten} samples, ${outcome.histogramsWritten} histograms, ${outcome.exemplarsWritten} exemplars (HTTP ${outcome.status}, ${message})`;
    case 'rejected':
    case 'unsupported':
      return `${outcome.kind} (HTTP ${outcome.status}, ${message})${outcome.body ? `: ${outcome.body.slice(0, 200)}` : ''}`;
    default:
      return `failed after ${outcome.attempts} attempt(s): ${outcome.status ? `HTTP ${outcome.status}` : outcome.error} (is the receiver up, and does it allow CORS?)`;
  }
}

function formatLabels(labels) {
  const name = labels.find((label) => label.name === '__name__')?.value ?? '';
  const rest = labels.filter((label) => label.name !== '__name__').map((label) => `${label.name}="${label.value}"`);
  return `${name}{${rest.join(', ')}}`;
}

function formatValues(series) {
  const samples = series.samples.map((sample) => `${sample.value} @ ${new Date(sample.timestamp).toISOString()}`);
  const histograms = series.histograms.map((histogram) => `histogram count=${histogram.countInt ?? histogram.countFloat} sum=${histogram.sum}`);
  return [...samples, ...histograms].join('\n');
}

let last;

function render() {
  $('error').textContent = '';
  try {
    last = convert($('otlp').value, $('engine').value);
  } catch (error) {
    last = undefined;
    $('error').textContent = `${error.name}: ${error.message}`;
    $('series').hidden = true;
    $('send').disabled = true;
    return;
  }
  $('summary').textContent = `${last.timeseries.length} series, ${last.symbols} symbols; body ${last.protobufBytes} bytes protobuf, ${last.snappyBytes} bytes snappy`;
  const tbody = $('series').tBodies[0];
  tbody.replaceChildren(
    ...last.timeseries.map((series, index) => {
      const row = document.createElement('tr');
      for (const [text, className] of [[`${index}`], [formatLabels(series.labels)], [TYPE_NAMES[series.metadata.type]], [formatValues(series), 'value']]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        if (className) cell.className = className;
        row.append(cell);
      }
      return row;
    }),
  );
  $('series').hidden = false;
  $('hex').textContent = last.snappyHex;
  $('hex-details').hidden = false;
  $('send').disabled = false;
}

async function sendLast() {
  $('send-status').textContent = 'sending…';
  try {
    const { outcomes, warnings } = await send($('url').value, $('otlp').value, $('engine').value);
    $('send-status').textContent = [...outcomes.map(describeOutcome), ...warnings].join('\n');
  } catch (error) {
    // send() rejects only for a configuration error (a bad URL, say); HTTP trouble is an outcome.
    $('send-status').textContent = `${error.name}: ${error.message}`;
  }
}

window.otlp2prw = { ready: undefined, convert, send, sampleRequest, RemoteWriteClient };
$('otlp').value = JSON.stringify(sampleRequest(Math.floor(Date.now() / 1000) * 1000), null, 2);
const started = performance.now();
window.otlp2prw.ready = ready().then(
  () => {
    $('status').textContent = `WASM ready in ${(performance.now() - started).toFixed(1)} ms`;
    $('convert').disabled = false;
    $('convert').addEventListener('click', render);
    $('engine').addEventListener('change', render);
    $('send').addEventListener('click', sendLast);
    render();
  },
  (error) => {
    $('status').textContent = `WASM failed: ${error.message}`;
    throw error;
  },
);
