/**
 * An open-addressing index (linear probing, at most half full) of entries (small non-negative
 * integers, not necessarily all of 0, 1, 2, ...) by a 32-bit hash, probed from a 32-bit slot key. The owner keeps the keys and hashes and decides equality; the
 * index only finds candidates:
 *
 *   for (let slot = index.first(key); index.entry(slot) >= 0; slot = index.next(slot)) {
 *     if (index.hashAt(slot) === hash && ...) ...
 *   }
 *
 * The key is usually the hash. An owner whose consecutive lookups are related can pass keys that
 * share their high bits instead, so those lookups probe one neighbourhood (series-table.ts).
 *
 * Each slot holds its entry's hash next to the entry, so a probe reads one cache line instead of also
 * loading the owner's hash of every entry it passes (those loads were cache misses: on the 10k bench
 * workload the series index is ~120k slots, and most lookups are of new series, which probe to an
 * empty slot).
 *
 * Label sets and series use one each (label-sets.ts, series-table.ts; the series table indexes only
 * the series it cannot find through their label set, see there).
 */
export class HashIndex {
  /** Per slot, entry + 1 (0 = empty) then the entry's hash; the slot count is a power of two. */
  private slots: Int32Array;
  private mask: number;
  /** Entries indexed. */
  private count = 0;

  constructor(capacity: number) {
    this.slots = new Int32Array(2 * capacity);
    this.mask = capacity - 1;
  }

  first(key: number): number {
    return key & this.mask;
  }

  next(slot: number): number {
    return (slot + 1) & this.mask;
  }

  /** The entry in `slot`, or -1 when the slot is empty (the end of a probe). */
  entry(slot: number): number {
    return this.slots[2 * slot] - 1;
  }

  /** The hash of the entry in `slot` (0 when empty). */
  hashAt(slot: number): number {
    return this.slots[2 * slot + 1];
  }

  /**
   * Adds `entry`, whose key and hash are keys[entry] and hashes[entry]; doubles and re-inserts the
   * indexed entries when half full. Entries need not be consecutive: the series table indexes only some.
   */
  add(entry: number, keys: Int32Array, hashes: Int32Array): void {
    this.count++;
    if (2 * this.count > this.mask + 1) {
      const old = this.slots;
      this.slots = new Int32Array(2 * old.length);
      this.mask = 2 * this.mask + 1;
      for (let slot = 0; slot < old.length; slot += 2) if (old[slot] !== 0) this.insert(old[slot] - 1, keys[old[slot] - 1], old[slot + 1]);
    }
    this.insert(entry, keys[entry], hashes[entry]);
  }

  /** Forgets the entries from `limit` on (after a truncation). */
  truncate(limit: number, keys: Int32Array): void {
    if (limit === 0) {
      this.clear();
      return;
    }
    const old = this.slots.slice();
    this.clear();
    for (let slot = 0; slot < old.length; slot += 2) {
      const entry = old[slot] - 1;
      if (entry >= 0 && entry < limit) {
        this.count++;
        this.insert(entry, keys[entry], old[slot + 1]);
      }
    }
  }

  /** Forgets every entry; keeps the capacity. */
  clear(): void {
    this.slots.fill(0);
    this.count = 0;
  }

  private insert(entry: number, key: number, hash: number): void {
    let slot = this.first(key);
    while (this.slots[2 * slot] !== 0) slot = this.next(slot);
    this.slots[2 * slot] = entry + 1;
    this.slots[2 * slot + 1] = hash;
  }
}
