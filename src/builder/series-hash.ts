import type { SeriesTable } from './series-table.js';

/**
 * A hash of a series' label text (FNV-1a over each string, combined in label order): it depends on
 * nothing but the labels, so a series lands in the same shard in every request and every process.
 */
export class SeriesHasher {
  /** Per string id: its FNV-1a hash, computed when first needed (0 = not yet; a real 0 is recomputed). */
  private readonly stringHashes: Int32Array;
  private labels: Int32Array = new Int32Array(64);

  constructor(private readonly table: SeriesTable) {
    this.stringHashes = new Int32Array(table.strings.strings.length);
  }

  hash(s: number): number {
    const table = this.table;
    this.labels = table.labelIds(s, this.labels);
    const length = 2 * table.labelCount(s);
    let hash = 0x811c9dc5;
    for (let i = 0; i < length; i++) {
      hash ^= this.stringHash(this.labels[i]);
      hash = Math.imul(hash, 0x01000193);
    }
    return hash >>> 0;
  }

  private stringHash(id: number): number {
    let hash = this.stringHashes[id];
    if (hash !== 0) return hash;
    const text = this.table.strings.strings[id];
    hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    this.stringHashes[id] = hash;
    return hash;
  }
}
