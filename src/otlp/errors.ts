import { Otlp2PrwError } from '../errors.js';

/** Why an OTLP input could not be read. Wire-level codes come from protobuf/errors.ts. */
export const OtlpErrorCode = {
  TRUNCATED: 'truncated',
  VARINT_TOO_LONG: 'varint_too_long',
  BAD_WIRE_TYPE: 'bad_wire_type',
  BAD_FIELD_NUMBER: 'bad_field_number',
  INVALID_UTF8: 'invalid_utf8',
  TOO_DEEP: 'too_deep',
  INVALID_JSON: 'invalid_json',
  WRONG_TYPE: 'wrong_type',
  BAD_VALUE: 'bad_value',
} as const;
export type OtlpErrorCode = (typeof OtlpErrorCode)[keyof typeof OtlpErrorCode];

/**
 * An OTLP ExportMetricsServiceRequest (protobuf or JSON) that cannot be decoded. `path` names where, in
 * OTLP field names (`resourceMetrics[0].scopeMetrics[1].metrics[2].gauge.dataPoints[3]`); `offset` is
 * the byte offset for protobuf input, -1 for JSON.
 */
export class OtlpDecodeError extends Otlp2PrwError {
  override name = 'OtlpDecodeError';
  readonly path: string;
  readonly offset: number;

  constructor(code: string, detail: string, path: string, offset = -1) {
    super(code, `invalid OTLP metrics request${path ? ` at ${path}` : ''}: ${detail}`);
    this.path = path;
    this.offset = offset;
  }
}
