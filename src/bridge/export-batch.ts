// Exports the bridge translates into one builder (BridgeOptions.batch), to be handed to the forwarder
// as one write: one Remote-Write request per shard and piece instead of one per export.
import type { V2WriteRequestBuilder } from '../builder/builder.js';
import type { WalEntry } from './wal.js';

export interface BatchLimits {
  /** The batch goes this long after it opened. */
  maxDelayMs: number;
  /** ... or once it holds this many data points. */
  maxDataPoints: number;
  /** ... or this many bytes of OTLP. */
  maxBodyBytes: number;
}

/**
 * One batch: open until it is due (its delay passed, it is full, or the bridge closes), then sent once
 * no export is still writing its WAL entry (the entry must be in `entries` before the batch's delivery
 * can settle it).
 */
export class ExportBatch {
  /** The WAL entries of its exports: settled together by the batch's delivery. */
  readonly entries: WalEntry[] = [];
  /** Settles once the batch was sent: with what `send` returned, or what it threw. */
  readonly queued: Promise<{ result: unknown } | { error: unknown }>;
  /** Exports in the batch (with something to send). */
  exports = 0;
  private settleQueued!: (outcome: { result: unknown } | { error: unknown }) => void;
  private dataPoints = 0;
  private bodyBytes = 0;
  /** Exports counted in but still writing their WAL entry. */
  private holds = 0;
  private due = false;
  private sent = false;
  private readonly timer: NodeJS.Timeout;

  /**
   * `onDue` runs once, when the batch stops taking exports; `send` hands it to the forwarder.
   */
  constructor(
    readonly builder: V2WriteRequestBuilder,
    private readonly limits: BatchLimits,
    private readonly onDue: (batch: ExportBatch) => void,
    private readonly send: (batch: ExportBatch) => Promise<unknown>,
  ) {
    this.queued = new Promise((resolve) => (this.settleQueued = resolve));
    this.timer = setTimeout(() => this.markDue(), limits.maxDelayMs);
  }

  /** An export added to the builder: counted in until release(). */
  hold(dataPoints: number, bodyBytes: number): void {
    this.exports++;
    this.dataPoints += dataPoints;
    this.bodyBytes += bodyBytes;
    this.holds++;
  }

  /** The export's WAL entry is written (or there is none): the batch may go. */
  release(entry: WalEntry | undefined): void {
    if (entry !== undefined) this.entries.push(entry);
    this.holds--;
    if (this.dataPoints >= this.limits.maxDataPoints || this.bodyBytes >= this.limits.maxBodyBytes) this.markDue();
    else this.sendWhenReady();
  }

  /** Takes no more exports; goes once none holds it. */
  markDue(): void {
    clearTimeout(this.timer);
    if (!this.due) {
      this.due = true;
      this.onDue(this);
    }
    this.sendWhenReady();
  }

  private sendWhenReady(): void {
    if (!this.due || this.holds > 0 || this.sent) return;
    this.sent = true;
    this.send(this).then(
      (result) => this.settleQueued({ result }),
      (error: unknown) => this.settleQueued({ error }),
    );
  }
}
