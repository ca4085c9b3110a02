/**
 * Repeated fields collected on one shared stack while their message is read, then copied out as one
 * exact-size array when it ends. A `[]` grown by push reserves 17 slots on the first push, and the data
 * points of a request stay alive until it is fully decoded, so every spare slot is copied by each young
 * GC and promoted; exact arrays cut the retained output by about a tenth (10k-point bench workload).
 *
 * Nesting is safe as long as every message takes back exactly what it pushed: a nested message (an
 * exemplar's filtered attributes inside a data point) pushes above the outer message's items and takes
 * them before the outer message continues.
 */
export class DecodeStack<T> {
  private items: T[] = [];
  private top = 0;

  /** Where the items of a message about to be read will start. */
  mark(): number {
    return this.top;
  }

  push(item: T): void {
    this.items[this.top++] = item;
  }

  /** The items pushed since `mark`, as a new array, removed from the stack. */
  take(mark: number): T[] {
    // Most points have no exemplars: a literal is cheaper than a call into slice.
    if (this.top === mark) return [];
    const taken = this.items.slice(mark, this.top);
    this.top = mark;
    return taken;
  }

  /** As `take`, appended to `existing` when a repeated field arrived in several pieces. */
  takeOnto(mark: number, existing: T[] | undefined): T[] {
    const taken = this.take(mark);
    if (existing === undefined) return taken;
    for (let i = 0; i < taken.length; i++) existing.push(taken[i]);
    return existing;
  }

  /** Forgets what an aborted request left behind; drops an array grown by a huge message. */
  reset(): void {
    this.top = 0;
    if (this.items.length > 4096) this.items = [];
  }
}
