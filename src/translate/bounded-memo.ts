/**
 * Values computed from keys and kept across requests (built metric and label names, formatted `le`
 * texts): an exporter sends the same ones every time. It empties itself when it holds `limit` values,
 * so a stream of ever-new keys cannot grow it without bound; the values are recomputed after that.
 */
export class BoundedMemo<K, V> {
  private readonly values = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    return this.values.get(key);
  }

  set(key: K, value: V): void {
    if (this.values.size >= this.limit) this.values.clear();
    this.values.set(key, value);
  }
}
