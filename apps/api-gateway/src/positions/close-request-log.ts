import type { CloseRequest } from '@app/contracts';
import { compareStreamIds, streamIdTime } from '@app/redis-streams';

/** A close request with its `close-requests` stream id: ATAS pages with `since=<last id>`. */
export type CloseRequestItem = { id: string } & CloseRequest;

/** Where to start: after a stream id, or after a moment in time (epoch ms). */
export type Since = { id: string } | { timeMs: number };

/** The early-exit instructions in stream order, as the capped stream holds them. */
export class CloseRequestLog {
  private readonly items: CloseRequestItem[] = [];

  constructor(private readonly max = 10_000) {}

  /** Appends in stream order; an id not after the last one (rebuild overlap) is ignored. */
  add(item: CloseRequestItem): boolean {
    const last = this.items[this.items.length - 1];
    if (last && compareStreamIds(item.id, last.id) <= 0) return false;
    this.items.push(item);
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
    return true;
  }

  /** Up to `limit` items after `since` (all when undefined), oldest first, optionally one symbol. */
  after(since: Since | undefined, limit: number, symbol?: string): CloseRequestItem[] {
    const start = since ? this.firstAfter(since) : 0;
    const out: CloseRequestItem[] = [];
    for (let i = start; i < this.items.length && out.length < limit; i++) {
      if (!symbol || this.items[i].symbol === symbol) out.push(this.items[i]);
    }
    return out;
  }

  get lastId(): string | undefined {
    return this.items[this.items.length - 1]?.id;
  }

  /** Binary search: stream ids (and their times) only grow. */
  private firstAfter(since: Since): number {
    const isAfter = 'id' in since ? (it: CloseRequestItem) => compareStreamIds(it.id, since.id) > 0 : (it: CloseRequestItem) => streamIdTime(it.id) > since.timeMs;
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (isAfter(this.items[mid])) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
