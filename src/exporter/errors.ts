import { Otlp2PrwError } from '../errors.js';

/** Why a Remote-Write request was not accepted. */
export const RemoteWriteSendErrorCode = {
  /** The receiver answered with a non-2xx status. */
  HTTP_STATUS: 'http_status',
  /**
   * A 2xx without X-Prometheus-Remote-Write-Samples-Written: RW2 spec, the receiver MUST send it, so
   * its absence means a Remote-Write 1.0 receiver that may have dropped what it did not understand.
   */
  NOT_REMOTE_WRITE_2: 'not_remote_write_2',
  NETWORK: 'network',
  TIMEOUT: 'timeout',
  /** write() after close(). */
  CLOSED: 'closed',
} as const;
export type RemoteWriteSendErrorCode = (typeof RemoteWriteSendErrorCode)[keyof typeof RemoteWriteSendErrorCode];

export class RemoteWriteSendError extends Otlp2PrwError {
  override name = 'RemoteWriteSendError';
  /** HTTP status, 0 when there was no response. */
  readonly status: number;
  readonly retryable: boolean;

  constructor(code: RemoteWriteSendErrorCode, message: string, status: number, retryable: boolean, options?: { cause?: unknown }) {
    super(code, message);
    this.status = status;
    this.retryable = retryable;
    if (options?.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause, configurable: true, writable: true });
  }
}

/** A constructor option that cannot work; `option` names it (e.g. "url", "headers.User-Agent"). */
export class ExporterOptionError extends Otlp2PrwError {
  override name = 'ExporterOptionError';
  readonly option: string;

  constructor(option: string, detail: string) {
    super('invalid_option', `${option} ${detail}`);
    this.option = option;
  }
}
