/**
 * An open-addressing index (linear probing, at most half full) of entries 0, 1, 2, ... by a 32-bit
 * hash. The owner keeps the hashes and decides equality; the index only finds candidates:
 *
 *   for (let slot = index.first(hash); index.entry(slot) >= 0; slot = index.next(slot)) { ... }
 *
 * Label sets and series use one each (label-sets.ts, series-table.ts).
 */
export class HashIndex {
  /** Entry + 1 per slot, 0 = empty; the length is a power of two. */
  private slots: Int32Array;

  constructor(capacity: number) {
    this.slots = new Int32Array(capacity);
  }

  first(hash: number): number {
    return hash & (this.slots.length - 1);
  }

  next(slot: number): number {
    return (slot + 1) & (this.slots.length - 1);
  }

  /** The entry in `slot`, or -1 when the slot is empty (the end of a probe). */
  entry(slot: number): number {
    return this.slots[slot] - 1;
  }

  /** Adds `entry` (entries 0..entry are then indexed); doubles and re-inserts from `hashes` when half full. */
  add(entry: number, hashes: Int32Array): void {
    if (2 * (entry + 1) > this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 2);
      this.rebuild(entry + 1, hashes);
    } else this.insert(entry, hashes[entry]);
  }

  /** Indexes entries [0, count) anew (after a truncation). */
  rebuild(count: number, hashes: Int32Array): void {
    this.slots.fill(0);
    for (let entry = 0; entry < count; entry++) this.insert(entry, hashes[entry]);
  }

  private insert(entry: number, hash: number): void {
    let slot = this.first(hash);
    while (this.slots[slot] !== 0) slot = this.next(slot);
    this.slots[slot] = entry + 1;
  }
}
