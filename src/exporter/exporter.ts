import { diag } from '@opentelemetry/api';
import type { AggregationTemporality, InstrumentType, PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { V2WriteRequestBuilder } from '../builder/builder.js';
import { SdkAggregationTemporality, SdkMetricsEncoder } from '../otlp/sdk-to-protobuf.js';
import { ExporterOptionError } from './errors.js';
import { FetchRemoteWriter } from './fetch-writer.js';
import type { MetricsRemoteWriter, PrometheusRemoteWriteExporterOptions, WriteResult } from './types.js';

/** ExportResult (@opentelemetry/core), named through the SDK's types so core need not be resolvable. */
type ExportResult = Parameters<Parameters<PushMetricExporter['export']>[1]>[0];
type ExportResultCode = ExportResult['code'];
// ExportResultCode's values, copied: this module loads nothing from OTel but @opentelemetry/api.
const SUCCESS = 0 as ExportResultCode;
const FAILED = 1 as ExportResultCode;

/**
 * An OpenTelemetry JS `PushMetricExporter` that sends Prometheus Remote-Write 2.0:
 *
 *   const reader = new PeriodicExportingMetricReader({
 *     exporter: new PrometheusRemoteWriteExporter({ url: 'http://localhost:9090/api/v1/write' }),
 *   });
 *   const meterProvider = new MeterProvider({ resource, readers: [reader] });
 *
 * Each export writes the SDK's ResourceMetrics as OTLP protobuf in-process (SdkMetricsEncoder: the
 * bytes an OTLP exporter would send), translates it as Prometheus's OTLP receiver would (with the
 * wasm engine, through the builder's fast path), and hands the builder to the writer. It asks for
 * cumulative temporality: Prometheus counters and histograms are cumulative.
 *
 * The SDK's objects are the application's own, not untrusted input: `limits.maxRequestBytes` (the
 * size of the OTLP each export makes) is off unless set.
 */
export class PrometheusRemoteWriteExporter implements PushMetricExporter {
  private readonly builder: V2WriteRequestBuilder;
  private readonly writer: MetricsRemoteWriter;
  private readonly encoder = new SdkMetricsEncoder();
  private readonly exports = new Set<Promise<void>>();
  private shutdownOnce: Promise<void> | undefined;
  private readonly log = diag.createComponentLogger({ namespace: 'otlp2prw/PrometheusRemoteWriteExporter' });

  constructor(options: PrometheusRemoteWriteExporterOptions) {
    const { url, headers, timeoutMillis, sender, ...builderOptions } = options;
    if (sender && (url !== undefined || headers !== undefined || timeoutMillis !== undefined)) {
      throw new ExporterOptionError('sender', 'replaces the built-in writer: configure url, headers and timeoutMillis on the sender instead');
    }
    if (!sender && url === undefined) throw new ExporterOptionError('url', 'is required (or pass a sender)');
    this.builder = new V2WriteRequestBuilder({
      ...builderOptions,
      limits: { maxRequestBytes: Number.POSITIVE_INFINITY, ...builderOptions.limits },
    });
    this.writer = sender ?? new FetchRemoteWriter({ url: url as string, headers, timeoutMillis });
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.shutdownOnce) {
      resultCallback({ code: FAILED, error: new Error('PrometheusRemoteWriteExporter is shut down') });
      return;
    }
    // Runs synchronously up to the writer's first await, so the shared builder is never interleaved.
    const exporting = this.exportOnce(metrics)
      .catch((error: unknown): ExportResult => ({ code: FAILED, error: asError(error) }))
      .then(resultCallback)
      .catch((error: unknown) => this.log.error('the export result callback threw', error));
    this.exports.add(exporting);
    void exporting.finally(() => this.exports.delete(exporting));
  }

  /** Prometheus counters and histograms are cumulative: ask the SDK for cumulative everywhere. */
  selectAggregationTemporality(_instrumentType: InstrumentType): AggregationTemporality {
    return SdkAggregationTemporality.CUMULATIVE as AggregationTemporality;
  }

  /** Waits for every export started so far, then for the writer to send what it holds. */
  async forceFlush(): Promise<void> {
    await Promise.all(this.exports);
    await this.writer.flush();
  }

  /** Idempotent. Exports after this fail at once; pending ones finish, then the writer closes. */
  shutdown(): Promise<void> {
    this.shutdownOnce ??= (async () => {
      try {
        await this.forceFlush();
      } finally {
        await this.writer.close();
      }
    })();
    return this.shutdownOnce;
  }

  private async exportOnce(metrics: ResourceMetrics): Promise<ExportResult> {
    const builder = this.builder;
    try {
      builder.reset();
      builder.add(this.encoder.encode(metrics));
    } catch (error) {
      // A TranslationError (onInvalidMetric: 'reject') or a value the OTLP decoder would refuse.
      this.log.error('could not convert the metrics', error);
      return { code: FAILED, error: asError(error) };
    }
    const stats = builder.stats;
    if (stats.dropped.metrics > 0 || stats.dropped.recent.length > 0) {
      this.log.debug(`dropped ${stats.dropped.metrics} metrics in translation`, stats.dropped);
    }
    if (stats.series === 0) return { code: SUCCESS };
    let result: WriteResult | void;
    try {
      result = await this.writer.write(builder);
    } catch (error) {
      return { code: FAILED, error: asError(error) };
    }
    if (result === undefined || result.ok) return { code: SUCCESS };
    const error = result.error ?? new Error('Remote-Write request failed');
    this.log.debug(`export failed${result.retryable ? ' (retryable)' : ''}`, error.message);
    return { code: FAILED, error };
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
