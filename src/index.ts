/**
 * otlp2prw: OpenTelemetry (OTLP) metrics -> Prometheus Remote-Write 2.0.
 * The public API; everything else is internal.
 */
export { V2WriteRequestBuilder } from './builder/builder.js';
export type { BuilderOptions, BuilderStats, EncodedRequest, OtlpInputFormat, SplitOptions } from './builder/builder.js';
export type { DropStats } from './builder/series-table.js';
export type { EngineKind } from './engine/types.js';
export type { TranslationOptions, TranslationStrategy } from './translate/options.js';
export type { DropReason } from './translate/sink.js';
export { readWriteRequest } from './rw/read.js';
export type { ReadOptions, ReadWriteRequestV1, ReadWriteRequestV2, ResolvedTimeSeries, ProtobufMessage } from './rw/read.js';
export { MetricType, ResetHint } from './rw/types.js';
export type { BucketSpan, Exemplar, Histogram, Labels, Metadata, Sample, TimeSeries, WriteRequest } from './rw/types.js';
export { snappyCompress, snappyDecompress } from './rw/snappy.js';
export { Otlp2PrwError } from './errors.js';
export { OtlpDecodeError, OtlpErrorCode } from './otlp/errors.js';
export { RemoteWriteDecodeError, RemoteWriteRule, RemoteWriteValidationError } from './rw/errors.js';
export { TranslationError } from './translate/translate.js';
export * from './send/index.js';
export { DEFAULT_LIMITS, LimitError } from './limits.js';
export type { LimitName, Limits } from './limits.js';
export { SymbolEngineError } from './engine/errors.js';
