// The OTLP/gRPC metrics receiver (opentelemetry-proto docs/specification.md, "OTLP/gRPC"): the unary
// opentelemetry.proto.collector.metrics.v1.MetricsService/Export, served by @grpc/grpc-js.
//
// The service is registered with a hand-written method definition instead of a loaded .proto: no
// protobufjs or proto-loader at run time, and the request "deserializer" hands over the raw bytes so
// that decoding goes through the same path as OTLP/HTTP protobuf. (A throwing deserializer would make
// grpc-js answer INTERNAL "Error deserializing request"; the spec wants INVALID_ARGUMENT.) grpc-js
// itself inflates gzip/deflate messages and enforces the size limit, inflated size included.
// @grpc/grpc-js is imported lazily, so the library and `otlp2prw serve --no-grpc` do not load it.
import type * as Grpc from '@grpc/grpc-js';
import type { Logger } from './log.js';
import { RpcCode, exportResponse, retryStatusDetails, rpcCodeFor } from './otlp-response.js';
import type { ExportOutcome, ListenTls } from './server.js';
import type { BridgeTelemetry } from './telemetry.js';

export const EXPORT_METHOD_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';

/** OTLP spec default port for OTLP/gRPC. */
export const DEFAULT_GRPC_PORT = 4317;

export interface GrpcReceiverOptions {
  host: string;
  port: number;
  /** grpc.max_receive_message_length: the same limit as an OTLP/HTTP body (--max-body-bytes). */
  maxMessageBytes: number;
  /** Decode, translate, queue: the bridge's transport-independent part. */
  accept(body: Uint8Array): Promise<ExportOutcome>;
  /** True once the bridge is shutting down: new calls get UNAVAILABLE. */
  closing(): boolean;
  /** Counts calls in flight, so that a graceful stop waits for them. */
  track<T>(call: Promise<T>): Promise<T>;
  telemetry: BridgeTelemetry;
  logger: Logger;
  retryAfterSeconds: number;
  /** Serve over TLS (mutual TLS with `clientCa`); plaintext when undefined. */
  tls?: ListenTls;
}

/** Thrown by start() when @grpc/grpc-js is not installed. */
export class GrpcUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`OTLP/gRPC needs the @grpc/grpc-js package (npm install @grpc/grpc-js), or turn it off with --no-grpc: ${(cause as Error).message}`);
    this.name = 'GrpcUnavailableError';
  }
}

const STATUS_NAMES: Record<number, string> = { 0: 'OK', 2: 'UNKNOWN', 3: 'INVALID_ARGUMENT', 4: 'DEADLINE_EXCEEDED', 8: 'RESOURCE_EXHAUSTED', 12: 'UNIMPLEMENTED', 13: 'INTERNAL', 14: 'UNAVAILABLE' };

export class OtlpGrpcReceiver {
  readonly host: string;
  readonly port: number;
  private readonly server: Grpc.Server;

  private constructor(server: Grpc.Server, host: string, port: number) {
    this.server = server;
    this.host = host;
    this.port = port;
  }

  static async start(options: GrpcReceiverOptions): Promise<OtlpGrpcReceiver> {
    let grpc: typeof Grpc;
    try {
      // A CommonJS package: its namespace is module.exports as `default` (named exports are best effort).
      const loaded = (await import('@grpc/grpc-js')) as typeof Grpc & { default?: typeof Grpc };
      grpc = loaded.default ?? loaded;
    } catch (error) {
      throw new GrpcUnavailableError(error);
    }
    const server = new grpc.Server({ 'grpc.max_receive_message_length': options.maxMessageBytes });
    const definition: Grpc.ServiceDefinition = {
      Export: {
        path: EXPORT_METHOD_PATH,
        requestStream: false,
        responseStream: false,
        originalName: 'export',
        requestSerialize: (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        requestDeserialize: (buffer: Buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
        responseSerialize: (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        responseDeserialize: (buffer: Buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
      } satisfies Grpc.MethodDefinition<Uint8Array, Uint8Array>,
    };
    const handleExport: Grpc.handleUnaryCall<Uint8Array, Uint8Array> = (call, callback) => {
      const { telemetry, logger } = options;
      const refuse = (code: number, message: string, retryAfterSeconds?: number): void => {
        telemetry.refusedRequests++;
        telemetry.countGrpcCall(STATUS_NAMES[code] ?? String(code));
        logger.debug('export refused', { transport: 'grpc', code: STATUS_NAMES[code], error: message });
        const metadata = new grpc.Metadata();
        if (retryAfterSeconds !== undefined) metadata.set('grpc-status-details-bin', Buffer.from(retryStatusDetails(code, message, retryAfterSeconds)));
        callback({ code, details: message, metadata });
      };
      if (options.closing()) return refuse(RpcCode.UNAVAILABLE, 'the bridge is shutting down', options.retryAfterSeconds);
      const body = call.request;
      telemetry.decodedBytes += body.length;
      options
        .track(options.accept(body))
        .then((outcome) => {
          if (!outcome.accepted) return refuse(rpcCodeFor(outcome.status), outcome.message, outcome.retryAfterSeconds);
          telemetry.countGrpcCall('OK');
          callback(null, exportResponse('protobuf', outcome.rejectedDataPoints, outcome.message) as Uint8Array);
        })
        .catch((error: unknown) => {
          logger.error('export failed', { transport: 'grpc', error: (error as Error).message });
          refuse(13, `internal error: ${(error as Error).message}`);
        });
    };
    server.addService(definition, { Export: handleExport });
    const port = await new Promise<number>((resolve, reject) => {
      const address = options.host.includes(':') ? `[${options.host}]:${options.port}` : `${options.host}:${options.port}`;
      server.bindAsync(address, credentials(grpc, options.tls), (error, bound) => (error ? reject(error) : resolve(bound)));
    });
    return new OtlpGrpcReceiver(server, options.host, port);
  }

  /** host:port, as an OTLP gRPC exporter's endpoint takes it (with http:// for plaintext, https:// for TLS). */
  get address(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /**
   * Stops listening; calls still running get `graceMs` to finish before their streams are cut
   * (0: at once, as a crash would).
   */
  close(graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

function credentials(grpc: typeof Grpc, tls: ListenTls | undefined): Grpc.ServerCredentials {
  if (tls === undefined) return grpc.ServerCredentials.createInsecure();
  const clientCa = tls.clientCa === undefined ? null : Buffer.from(tls.clientCa);
  return grpc.ServerCredentials.createSsl(clientCa, [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }], tls.clientCa !== undefined);
}
