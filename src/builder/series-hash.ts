import { NO_LABEL } from '../translate/sink.js';
import { METRIC_NAME_ID, pairHash } from './label-sets.js';
import type { SeriesTable } from './series-table.js';

/**
 * A hash of a series' label text: it depends on nothing but the labels, so a series lands in the same
 * shard in every request and every process. It is a sum over the labels of a mix of each name's and
 * value's FNV-1a hash, so it does not depend on how a series' labels were split into its label set,
 * `__name__` and extra label either. A set's sum is computed once; each series then replaces or adds
 * two labels. Before, every series' merged labels were hashed one by one: ~20% of encodeRequests
 * with 4 shards on a 500-point request.
 */
export class SeriesHasher {
  /** Per string id: its FNV-1a hash, computed when first needed (0 = not yet; a real 0 is recomputed). */
  private readonly stringHashes: Int32Array;
  /** Per label set: the sum of its pairs' mixes, once `setDone`. */
  private readonly setSums: Int32Array;
  private readonly setDone: Uint8Array;

  constructor(private readonly table: SeriesTable) {
    this.stringHashes = new Int32Array(table.strings.strings.length);
    this.setSums = new Int32Array(table.sets.size);
    this.setDone = new Uint8Array(table.sets.size);
  }

  hash(s: number): number {
    const table = this.table;
    const set = table.setOf(s);
    let sum = this.setSum(set);
    sum = this.put(sum, set, METRIC_NAME_ID, table.nameOf(s));
    const extraName = table.extraNameOf(s);
    if (extraName !== NO_LABEL) sum = this.put(sum, set, extraName, table.extraValueOf(s));
    // The sum of mixes is spread well; one more mix so that `% shards` sees every bit.
    return pairHash(sum, 0) >>> 0;
  }

  /** `sum` with label `name` set to `value`, replacing the set's own label of that name. */
  private put(sum: number, set: number, name: number, value: number): number {
    const old = this.table.existingValue(set, name);
    if (old >= 0) sum = (sum - this.mix(name, old)) | 0;
    return (sum + this.mix(name, value)) | 0;
  }

  private setSum(set: number): number {
    if (this.setDone[set] === 1) return this.setSums[set];
    const sets = this.table.sets;
    let sum = 0;
    for (let at = sets.start[set], end = sets.start[set + 1]; at < end; at += 2) sum = (sum + this.mix(sets.pool[at], sets.pool[at + 1])) | 0;
    this.setSums[set] = sum;
    this.setDone[set] = 1;
    return sum;
  }

  private mix(name: number, value: number): number {
    return pairHash(this.stringHash(name), this.stringHash(value));
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
