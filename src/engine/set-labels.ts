import { malformedSeries } from './errors.js';
import { grown } from './grown.js';
import type { LabelSetViews } from './series-batch.js';

/**
 * Each label set's labels as the bytes the series writer writes them (symbol index varints), made once
 * per batch per set. A histogram point's ~17 series share a set; writing one then copies up to three
 * runs of these bytes around its `__name__` and extra label, instead of merging, mapping and encoding
 * each of its ~20 labels. The js engine's twin of assembly/set-labels.ts.
 */
export class SetLabelBytes {
  /** The entries' bytes, back to back. */
  bytes = new Uint8Array(64 * 1024);
  /** Per entry, pairs + 1 offsets into `bytes`: pair k of the set is bytes[ends[e + k], ends[e + k + 1]). */
  ends = new Uint32Array(4096);
  private bytesUsed = 0;
  private endsUsed = 0;
  private stamp = 0;
  /** Per set: the batch its entry is from, and where its offsets start in `ends`. */
  private stamps = new Uint32Array(0);
  private entries = new Uint32Array(0);

  /** Forgets every entry (a new batch, or new symbol indices), for label sets [0, setCount). */
  begin(setCount: number): void {
    if (this.stamps.length < setCount) {
      this.stamps = new Uint32Array(Math.max(setCount, 2 * this.stamps.length));
      this.entries = new Uint32Array(this.stamps.length);
    }
    this.stamp++;
    this.bytesUsed = 0;
    this.endsUsed = 0;
  }

  /** Where the offsets of set `set` (`pairs` pairs at `from`) start in `ends`, made if this batch has none. */
  entry(set: number, from: number, pairs: number, sets: LabelSetViews, symbols: Uint32Array): number {
    if (this.stamps[set] === this.stamp) return this.entries[set];
    const entry = this.endsUsed;
    if (entry + pairs + 1 > this.ends.length) this.ends = grown(this.ends, entry + pairs + 1);
    if (this.bytesUsed + 10 * pairs > this.bytes.length) this.bytes = grown(this.bytes, this.bytesUsed + 10 * pairs);
    const { pool } = sets;
    const bytes = this.bytes;
    let at = this.bytesUsed;
    this.ends[entry] = at;
    for (let k = 0; k < pairs; k++) {
      const name = pool[from + 2 * k];
      const value = pool[from + 2 * k + 1];
      if (name >= symbols.length || value >= symbols.length) throw malformedSeries(`string id ${Math.max(name, value)}`);
      at = writeVarint(bytes, at, symbols[name]);
      at = writeVarint(bytes, at, symbols[value]);
      this.ends[entry + k + 1] = at;
    }
    this.bytesUsed = at;
    this.endsUsed = entry + pairs + 1;
    this.stamps[set] = this.stamp;
    this.entries[set] = entry;
    return entry;
  }
}

/** Writes `value` (< 2^32) as a varint at `at`; returns the end. */
export function writeVarint(out: Uint8Array, at: number, value: number): number {
  while (value > 0x7f) {
    out[at++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  out[at++] = value;
  return at;
}
