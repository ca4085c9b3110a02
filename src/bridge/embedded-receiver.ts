// A Remote-Write receiver inside the bridge process, for trying the bridge without a Prometheus: it
// checks the spec's headers, decodes each request with readWriteRequest (which also checks the spec's
// MUSTs), answers like Prometheus (204 with the *-Written headers) and logs what arrived.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Otlp2PrwError } from '../errors.js';
import { type ReadWriteRequestV1, type ReadWriteRequestV2, readWriteRequest } from '../rw/read.js';
import type { Labels } from '../rw/types.js';
import { type Logger, silentLogger } from './log.js';

export const EMBEDDED_WRITE_PATH = '/api/v1/write';
const MAX_BODY_BYTES = 32 << 20;

export interface EmbeddedReceiverOptions {
  logger?: Logger;
  /** Series printed per request. Default 3. */
  seriesShown?: number;
  /** Called with every decoded request (tests). */
  onRequest?(request: ReadWriteRequestV2 | ReadWriteRequestV1): void;
}

export class EmbeddedReceiver {
  private readonly server: Server;
  private readonly logger: Logger;
  private readonly seriesShown: number;
  private readonly onRequest: EmbeddedReceiverOptions['onRequest'];
  requests = 0;
  series = 0;
  samples = 0;

  private constructor(options: EmbeddedReceiverOptions) {
    this.logger = options.logger ?? silentLogger;
    this.seriesShown = options.seriesShown ?? 3;
    this.onRequest = options.onRequest;
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => reply(response, 500, `internal error: ${(error as Error).message}`));
    });
  }

  /** Listens on a free loopback port. */
  static async start(options: EmbeddedReceiverOptions = {}): Promise<EmbeddedReceiver> {
    const receiver = new EmbeddedReceiver(options);
    await new Promise<void>((resolve, reject) => {
      receiver.server.once('error', reject);
      receiver.server.listen(0, '127.0.0.1', () => resolve());
    });
    return receiver;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${EMBEDDED_WRITE_PATH}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST' || request.url?.split('?')[0] !== EMBEDDED_WRITE_PATH) return reply(response, 404, `POST ${EMBEDDED_WRITE_PATH}`);
    // RW2 spec: the proto parameter names the message; a bare application/x-protobuf is RW1.
    const contentType = request.headers['content-type'] ?? '';
    const message = contentType === 'application/x-protobuf;proto=io.prometheus.write.v2.Request' ? 'v2' : contentType === 'application/x-protobuf' || contentType === 'application/x-protobuf;proto=prometheus.WriteRequest' ? 'v1' : undefined;
    if (message === undefined) return reply(response, 415, `unsupported Content-Type ${JSON.stringify(contentType)}`);
    if (request.headers['content-encoding'] !== 'snappy') return reply(response, 415, 'Content-Encoding must be snappy');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return reply(response, 413, `body exceeds ${MAX_BODY_BYTES} bytes`);
      chunks.push(chunk);
    }
    let decoded: ReadWriteRequestV2 | ReadWriteRequestV1;
    try {
      decoded = readWriteRequest(new Uint8Array(Buffer.concat(chunks)), { protobufMessage: message });
    } catch (error) {
      if (!(error instanceof Otlp2PrwError)) throw error;
      this.logger.warn('embedded receiver: invalid remote-write request', { error: error.message });
      return reply(response, 400, error.message);
    }
    this.onRequest?.(decoded);
    const rendered = render(decoded, this.seriesShown);
    this.requests++;
    this.series += rendered.series;
    this.samples += rendered.samples;
    this.logger.info('embedded receiver: remote-write request', {
      message: message === 'v2' ? 'io.prometheus.write.v2.Request' : 'prometheus.WriteRequest',
      series: rendered.series,
      samples: rendered.samples,
      histograms: rendered.histograms,
    });
    for (const line of rendered.lines) this.logger.info('embedded receiver:   series', { series: line });
    if (rendered.series > rendered.lines.length) this.logger.info(`embedded receiver:   ... and ${rendered.series - rendered.lines.length} more series`);
    // RW2 spec: a 2.x receiver reports what it wrote.
    response.writeHead(204, {
      'X-Prometheus-Remote-Write-Samples-Written': String(rendered.samples),
      'X-Prometheus-Remote-Write-Histograms-Written': String(rendered.histograms),
      'X-Prometheus-Remote-Write-Exemplars-Written': String(rendered.exemplars),
    });
    response.end();
  }
}

/** The request's counts, and `name{a="1", b="2"} value` with its last value for each of the first `shown` series (only those are logged). */
function render(request: ReadWriteRequestV2 | ReadWriteRequestV1, shown: number): { series: number; samples: number; histograms: number; exemplars: number; lines: string[] } {
  let samples = 0;
  let histograms = 0;
  let exemplars = 0;
  const lines: string[] = [];
  for (const series of request.timeseries) {
    samples += series.samples.length;
    histograms += series.histograms.length;
    exemplars += series.exemplars.length;
    if (lines.length === shown) continue;
    const last = series.samples[series.samples.length - 1];
    const value = last !== undefined ? String(last.value) : `<${series.histograms.length} native histogram(s)>`;
    lines.push(`${seriesName(series.labels)} ${value}`);
  }
  return { series: request.timeseries.length, samples, histograms, exemplars, lines };
}

function seriesName(labels: Labels): string {
  const name = labels.find((label) => label.name === '__name__')?.value ?? '';
  const rest = labels.filter((label) => label.name !== '__name__').map((label) => `${label.name}=${JSON.stringify(label.value)}`);
  return `${name}{${rest.join(', ')}}`;
}

function reply(response: ServerResponse, status: number, text: string): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`${text}\n`);
}
