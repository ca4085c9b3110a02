import { Otlp2PrwError } from '../errors.js';

/** A Remote-Write body whose bytes cannot be decoded (snappy or protobuf). */
export class RemoteWriteDecodeError extends Otlp2PrwError {
  override name = 'RemoteWriteDecodeError';
  readonly offset: number;

  constructor(code: string, message: string, offset = -1) {
    super(code, `invalid Remote-Write request: ${message}`);
    this.offset = offset;
  }
}

/** The Remote-Write spec rules a decoded request is checked against; each is an error `code`. */
export const RemoteWriteRule = {
  SYMBOLS_START_EMPTY: 'symbols_start_empty',
  REF_IN_RANGE: 'ref_in_range',
  LABELS_REFS_EVEN: 'labels_refs_even',
  LABELS_SORTED: 'labels_sorted',
  LABEL_NAMES_UNIQUE: 'label_names_unique',
  LABELS_NOT_EMPTY: 'labels_not_empty',
  METRIC_NAME_PRESENT: 'metric_name_present',
  SAMPLES_XOR_HISTOGRAMS: 'samples_xor_histograms',
} as const;
export type RemoteWriteRule = (typeof RemoteWriteRule)[keyof typeof RemoteWriteRule];

/** A decoded request breaking a MUST of the Remote-Write spec; names the series and the rule. */
export class RemoteWriteValidationError extends Otlp2PrwError {
  override name = 'RemoteWriteValidationError';
  /** Index into `timeseries`, or -1 for request-level rules. */
  readonly seriesIndex: number;
  readonly rule: RemoteWriteRule;

  constructor(rule: RemoteWriteRule, seriesIndex: number, detail: string) {
    super(rule, `Remote-Write spec violation${seriesIndex >= 0 ? ` in timeseries[${seriesIndex}]` : ''} (${rule}): ${detail}`);
    this.rule = rule;
    this.seriesIndex = seriesIndex;
  }
}
