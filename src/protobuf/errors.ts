import { Otlp2PrwError } from '../errors.js';

/** Codes for malformed protobuf wire data, whatever message is being read. */
export const WireErrorCode = {
  TRUNCATED: 'truncated',
  VARINT_TOO_LONG: 'varint_too_long',
  BAD_WIRE_TYPE: 'bad_wire_type',
  BAD_FIELD_NUMBER: 'bad_field_number',
  INVALID_UTF8: 'invalid_utf8',
  TOO_DEEP: 'too_deep',
} as const;
export type WireErrorCode = (typeof WireErrorCode)[keyof typeof WireErrorCode];

/** Raised by the wire reader; the message layers (OTLP, RW) wrap it with the field path. */
export class WireError extends Otlp2PrwError {
  override name = 'WireError';
  readonly offset: number;

  constructor(code: WireErrorCode, message: string, offset: number) {
    super(code, message);
    this.offset = offset;
  }
}
