// Reading an OTLP/HTTP request body under a size limit and a deadline: the declared length is checked
// before reading, the bytes on the wire and the inflated bytes are counted while streaming, and nothing
// is buffered past the limit (a gzip bomb stops at the limit plus one zlib chunk).
import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';

/** A request the bridge answers with an HTTP error status; `message` goes to the client. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}

export interface BodyLimits {
  /** Limit on the body as sent and, for gzip, as inflated. */
  maxBytes: number;
  gzip: boolean;
  /** The whole body must arrive within this time. */
  timeoutMs: number;
}

export interface RequestBody {
  /** The (inflated) body. */
  bytes: Uint8Array;
  /** Bytes received on the wire. */
  wireBytes: number;
}

export function readRequestBody(request: IncomingMessage, limits: BodyLimits): Promise<RequestBody> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limits.maxBytes) {
    return Promise.reject(new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${limits.maxBytes} bytes (--max-body-bytes)`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wireBytes = 0;
    let size = 0;
    let settled = false;
    const inflater = limits.gzip ? createGunzip() : undefined;

    const fail = (error: HttpError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      inflater?.destroy();
      // Let the rest of the body drain so the client can read the answer; the response closes the connection.
      request.removeListener('data', onWireData);
      request.resume();
      reject(error);
    };
    const succeed = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const bytes = Buffer.concat(chunks, size);
      resolve({ bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), wireBytes });
    };
    const onBodyData = (chunk: Buffer): void => {
      if (settled) return;
      size += chunk.length;
      if (size > limits.maxBytes) {
        fail(new HttpError(413, `${inflater ? 'inflated ' : ''}request body exceeds the limit of ${limits.maxBytes} bytes (--max-body-bytes)`));
        return;
      }
      chunks.push(chunk);
    };
    function onWireData(chunk: Buffer): void {
      if (settled) return;
      wireBytes += chunk.length;
      if (wireBytes > limits.maxBytes) {
        fail(new HttpError(413, `request body exceeds the limit of ${limits.maxBytes} bytes (--max-body-bytes)`));
        return;
      }
      if (inflater) inflater.write(chunk);
      else onBodyData(chunk);
    }

    const timer = setTimeout(() => fail(new HttpError(408, `request body not received within ${limits.timeoutMs} ms (--read-timeout-ms)`)), limits.timeoutMs);
    if (inflater) {
      inflater.on('data', onBodyData);
      inflater.on('end', succeed);
      inflater.on('error', (error) => fail(new HttpError(400, `request body is not valid gzip: ${error.message}`)));
    }
    request.on('data', onWireData);
    request.on('end', () => (inflater ? inflater.end() : succeed()));
    request.on('error', (error) => fail(new HttpError(400, `request body could not be read: ${error.message}`)));
    request.on('close', () => {
      if (!request.complete) fail(new HttpError(400, 'client closed the connection before the body was complete'));
    });
  });
}
