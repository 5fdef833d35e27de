/**
 * Items kept sorted by (time, id) as they are inserted, so "the newest N" is a slice, not a sort
 * of everything per request (at 20,000 closed positions the per-request sort made
 * /api/positions/history p99 603 ms). Stored oldest first: closes arrive mostly in time order,
 * so an insert is usually a push; one arriving late (a rebuild overlapping the stream) is placed
 * by binary search.
 */
export class RecencyList<T> {
  private readonly items: { time: number; id: string; item: T }[] = [];

  insert(time: number, id: string, item: T): void {
    const entry = { time, id, item };
    let lo = 0;
    let hi = this.items.length;
    // Upper bound: the first entry ordered after the new one.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(this.items[mid], entry) <= 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.items.length) this.items.push(entry);
    else this.items.splice(lo, 0, entry);
  }

  /**
   * Removes the item inserted with this id; false when there is none. A scan from the oldest end:
   * what leaves a capped history is the oldest closed, found within the first few items.
   */
  remove(id: string): boolean {
    const at = this.items.findIndex((e) => e.id === id);
    if (at < 0) return false;
    this.items.splice(at, 1);
    return true;
  }

  /** The `limit` most recent items (all when undefined), most recent first. */
  newest(limit?: number): T[] {
    const from = limit === undefined ? 0 : Math.max(0, this.items.length - limit);
    const out: T[] = [];
    for (let i = this.items.length - 1; i >= from; i--) out.push(this.items[i].item);
    return out;
  }

  get size(): number {
    return this.items.length;
  }
}

/** Time, then id in numeric order (stream ids `1732185045123-0`), as the API has always listed them. */
function compare(a: { time: number; id: string }, b: { time: number; id: string }): number {
  return a.time !== b.time ? a.time - b.time : a.id.localeCompare(b.id, 'en', { numeric: true });
}
