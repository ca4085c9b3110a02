import { Otlp2PrwError } from '../errors.js';

/** A RemoteWriteClient or RemoteWriteSender option that cannot work (thrown at construction). */
export class RemoteWriteConfigError extends Otlp2PrwError {
  override name = 'RemoteWriteConfigError';
  /** The option at fault, e.g. `headers.Content-Type` or `retry.maxBackoffMs`. */
  readonly option: string;

  constructor(option: string, message: string) {
    super('REMOTE_WRITE_CONFIG', `${option}: ${message}`);
    this.option = option;
  }
}

/** RemoteWriteSender.write() with `onFull: 'reject'` when the queue has no room for the write's requests. */
export class QueueFullError extends Otlp2PrwError {
  override name = 'QueueFullError';
  /** Requests the write needed, and what the queue held / allows when it was refused. */
  readonly requests: number;
  readonly queuedRequests: number;
  readonly maxQueuedRequests: number;

  constructor(requests: number, queuedRequests: number, maxQueuedRequests: number, detail = '') {
    super(
      'QUEUE_FULL',
      `remote-write queue full: ${requests} request(s) do not fit (${queuedRequests}/${maxQueuedRequests} queued${detail}); ` +
        `nothing of this write was queued`,
    );
    this.requests = requests;
    this.queuedRequests = queuedRequests;
    this.maxQueuedRequests = maxQueuedRequests;
  }
}

/** RemoteWriteSender.write() after close(). */
export class SenderClosedError extends Otlp2PrwError {
  override name = 'SenderClosedError';
  constructor() {
    super('SENDER_CLOSED', 'remote-write sender is closed');
  }
}
