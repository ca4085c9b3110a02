// OTLP/HTTP responses (opentelemetry-proto docs/specification.md, "OTLP/HTTP Response"): success is
// 200 with an ExportMetricsServiceResponse in the request's encoding, failures carry a google.rpc.Status
// in the request's encoding.
import { ProtoWriter } from '../protobuf/writer.js';

export type OtlpEncoding = 'protobuf' | 'json';

export const CONTENT_TYPES: Record<OtlpEncoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** google.rpc.Code values the OTLP spec pairs with HTTP statuses. */
export const RpcCode = { INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14, DEADLINE_EXCEEDED: 4, UNIMPLEMENTED: 12, UNKNOWN: 2 } as const;

export function rpcCodeFor(status: number): number {
  if (status === 429 || status === 413) return RpcCode.RESOURCE_EXHAUSTED;
  if (status === 503) return RpcCode.UNAVAILABLE;
  if (status === 408) return RpcCode.DEADLINE_EXCEEDED;
  if (status === 415 || status === 405) return RpcCode.UNIMPLEMENTED;
  if (status >= 400 && status < 500) return RpcCode.INVALID_ARGUMENT;
  return RpcCode.UNKNOWN;
}

/**
 * ExportMetricsServiceResponse { partial_success = 1: ExportMetricsPartialSuccess { rejected_data_points
 * = 1 (int64), error_message = 2 } }. OTLP spec: a fully accepted request has partial_success unset.
 */
export function exportResponse(encoding: OtlpEncoding, rejectedDataPoints: number, errorMessage: string): Uint8Array | string {
  if (encoding === 'json') {
    // proto3 JSON mapping: int64 as a decimal string.
    return rejectedDataPoints === 0 && errorMessage === ''
      ? '{}'
      : JSON.stringify({ partialSuccess: { rejectedDataPoints: String(rejectedDataPoints), errorMessage } });
  }
  if (rejectedDataPoints === 0 && errorMessage === '') return new Uint8Array(0);
  const writer = new ProtoWriter(256);
  writer.tag(1, 2);
  writer.fork();
  if (rejectedDataPoints !== 0) {
    writer.tag(1, 0);
    writer.int64(rejectedDataPoints);
  }
  if (errorMessage !== '') {
    writer.tag(2, 2);
    writer.bytes(new TextEncoder().encode(errorMessage));
  }
  writer.join();
  return writer.finish();
}

/** google.rpc.Status { code = 1 (int32), message = 2 }. */
export function statusBody(encoding: OtlpEncoding, code: number, message: string): Uint8Array | string {
  if (encoding === 'json') return JSON.stringify({ code, message });
  const writer = new ProtoWriter(256);
  writer.tag(1, 0);
  writer.varint32(code);
  writer.tag(2, 2);
  writer.bytes(new TextEncoder().encode(message));
  return writer.finish();
}

const RETRY_INFO_TYPE_URL = new TextEncoder().encode('type.googleapis.com/google.rpc.RetryInfo');

/**
 * google.rpc.Status { code = 1, message = 2, details = 3: [Any { type_url = 1, value = 2: RetryInfo {
 * retry_delay = 1: Duration { seconds = 1 } } }] }, for gRPC's `grpc-status-details-bin` trailer. OTLP
 * spec ("OTLP/gRPC Throttling"): a client retries RESOURCE_EXHAUSTED only when RetryInfo is present,
 * and waits retry_delay before it does.
 */
export function retryStatusDetails(code: number, message: string, retryAfterSeconds: number): Uint8Array {
  const writer = new ProtoWriter(256);
  writer.tag(1, 0);
  writer.varint32(code);
  writer.tag(2, 2);
  writer.bytes(new TextEncoder().encode(message));
  writer.tag(3, 2);
  writer.fork();
  writer.tag(1, 2);
  writer.bytes(RETRY_INFO_TYPE_URL);
  writer.tag(2, 2);
  writer.fork();
  writer.tag(1, 2);
  writer.fork();
  writer.tag(1, 0);
  writer.int64(retryAfterSeconds);
  writer.join();
  writer.join();
  writer.join();
  return writer.finish();
}
