export { RemoteWriteClient, type RemoteWriteClientOptions, type RemoteWriteLogger, type SendOptions } from './client.js';
export { RemoteWriteSender, type RemoteWriteSenderOptions } from './sender.js';
export type { OnFull } from './queue.js';
export type {
  FailedOutcome,
  ProtobufMessage,
  RejectedOutcome,
  RemoteWriteRequest,
  SendOutcome,
  UnsupportedOutcome,
  WrittenOutcome,
} from './outcome.js';
export type { RetryOptions } from './backoff.js';
export type { AuthOptions } from './headers.js';
export { QueueFullError, RemoteWriteConfigError, SenderClosedError } from './errors.js';
export { telemetryToText, type ClientTelemetry, type DataCounters, type QueueTelemetry, type SenderTelemetry } from './telemetry.js';
export { OTLP2PRW_VERSION } from './version.js';
