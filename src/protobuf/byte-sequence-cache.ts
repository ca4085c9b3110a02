/**
 * Values already decoded from byte sequences of one buffer, found again by their bytes. OTLP repeats
 * the same few attribute keys and values on every data point, so most strings (and whole attributes)
 * are a byte sequence seen before: hashing and comparing the bytes costs less than decoding them again
 * and allocates nothing.
 *
 * Callers store only values that decoded successfully, so a hit is on bytes already validated (UTF-8,
 * wire format): identical bytes decode to an identical value, and bad bytes are never found here.
 *
 * One table serves every buffer: `begin()` starts a new generation and only entries of the current
 * generation count, so starting a request clears nothing. Offsets refer to the buffer of the
 * generation, so whoever calls `begin()` must not look up bytes of another buffer afterwards.
 */

/** Direct-mapped slots; a power of two. Distinct strings in one request are usually a few hundred. */
const SLOTS = 4096;

export class ByteSequenceCache<T> {
  /** The generation in use; slots written under an older one are empty. */
  generation = 0;
  private readonly generations = new Int32Array(SLOTS);
  /** Where each slot's bytes start in the buffer of its generation, and how many. */
  private readonly starts = new Int32Array(SLOTS);
  private readonly lengths = new Int32Array(SLOTS);
  private readonly values: (T | undefined)[] = new Array<T | undefined>(SLOTS).fill(undefined);

  /** Empties the table for a new buffer; returns the new generation. */
  begin(): number {
    if (this.generation === 0x7fffffff) {
      this.generations.fill(0);
      this.generation = 0;
    }
    return ++this.generation;
  }

  /**
   * The slot for the bytes `[start, end)` of `view`: a multiply-xorshift hash over 4-byte words (a
   * quarter of the loop iterations of a byte-wise hash), then the last bytes one by one.
   */
  slot(view: DataView, buf: Uint8Array, start: number, end: number): number {
    let hash = end - start;
    let i = start;
    for (; i + 4 <= end; i += 4) hash = Math.imul(hash ^ view.getInt32(i, true), 0x9e3779b1) ^ (hash >>> 15);
    for (; i < end; i++) hash = Math.imul(hash ^ buf[i], 0x01000193);
    return (hash ^ (hash >>> 16)) & (SLOTS - 1);
  }

  /** The value in `slot` if it was stored for bytes equal to `[start, end)` in this generation. */
  get(slot: number, view: DataView, buf: Uint8Array, start: number, end: number): T | undefined {
    const length = end - start;
    if (this.lengths[slot] !== length || this.generations[slot] !== this.generation) return undefined;
    const delta = this.starts[slot] - start;
    let i = start;
    for (; i + 4 <= end; i += 4) {
      if (view.getInt32(i, true) !== view.getInt32(i + delta, true)) return undefined;
    }
    for (; i < end; i++) {
      if (buf[i] !== buf[i + delta]) return undefined;
    }
    return this.values[slot];
  }

  /** Stores `value` for the bytes `[start, end)`, replacing whatever shared its slot. */
  set(slot: number, start: number, end: number, value: T): void {
    this.generations[slot] = this.generation;
    this.starts[slot] = start;
    this.lengths[slot] = end - start;
    this.values[slot] = value;
  }
}
