/**
 * otlp2prw/exporter: an OpenTelemetry JS SDK PushMetricExporter that sends Prometheus Remote-Write 2.0.
 * A separate entry point so that the main one never needs the SDK's types.
 */
export { PrometheusRemoteWriteExporter } from './exporter.js';
export { FetchRemoteWriter, type FetchRemoteWriterOptions } from './fetch-writer.js';
export { ExporterOptionError, RemoteWriteSendError, RemoteWriteSendErrorCode } from './errors.js';
export type { MetricsRemoteWriter, PrometheusRemoteWriteExporterOptions, WriteResult } from './types.js';
export { SdkMetricsEncoder, fromSdkResourceMetrics } from '../otlp/sdk-to-protobuf.js';
