// The OTLP (HTTP and gRPC) -> Remote-Write bridge (`otlp2prw serve`), as a library for embedding and tests.
export { OtlpHttpBridge, startBridge, METRICS_PATH, type BridgeOptions, type ExportOutcome } from './server.js';
export { EXPORT_METHOD_PATH, GrpcUnavailableError } from './grpc.js';
export { type Delivery, type ForwardResult, type Forwarder, ForwarderFullError } from './forwarder.js';
export { SenderForwarder, type SenderForwarderOptions } from './sender-forwarder.js';
export { EmbeddedReceiver, EMBEDDED_WRITE_PATH, type EmbeddedReceiverOptions } from './embedded-receiver.js';
export { WriteAheadLog, type WalEntry } from './wal.js';
export { createLogger, silentLogger, LOG_LEVELS, type Logger, type LogFormat, type LogLevel } from './log.js';
export { startDemoTraffic, type DemoTraffic } from './demo-traffic.js';
