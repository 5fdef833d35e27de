import type { PositionClosedEvent, PositionEvent, PositionOpenedEvent } from '@app/contracts';
import { compareStreamIds } from '@app/redis-streams';
import type { CostModel } from '@app/trading';
import { performanceReport, type PerformanceReport } from './performance.calculator';
import { RecencyList } from './recency-list';

/**
 * Open and closed positions, built from the `positions` stream: read from its first entry at
 * start, then followed. Keeps every open position and the newest `historyMax` closed ones in
 * the order their `closed` events were applied, which is stream order: a replica that has run
 * for weeks and one rebuilt now from the closer's trimmed stream (which keeps at least that many)
 * hold the same history and print the same performance. Applying is idempotent: a `closed`
 * always wins, an `opened` never reopens a position already known as closed.
 */
export class PositionProjection {
  private readonly open = new Map<string, PositionOpenedEvent>();
  private readonly closed = new Map<string, PositionClosedEvent>();
  /** Closed positions by close time, overall and per symbol: history pages are slices of these. */
  private readonly closedByTime = new RecencyList<PositionClosedEvent>();
  private readonly closedByTimeOf = new Map<string, RecencyList<PositionClosedEvent>>();
  private report: PerformanceReport | undefined;

  /**
   * @param costs fees and slippage behind the report's `net_*` figures.
   * @param historyMax closed positions kept (the oldest closed are forgotten first).
   */
  constructor(
    private readonly costs: CostModel,
    private readonly historyMax = Number.POSITIVE_INFINITY,
  ) {}

  /** True when the event changed the projection. */
  apply(event: PositionEvent): boolean {
    const id = event.position_id;
    if (event.type === 'opened') {
      if (this.open.has(id) || this.closed.has(id)) return false;
      this.open.set(id, event);
      return true;
    }
    if (this.closed.has(id)) return false;
    this.open.delete(id);
    this.closed.set(id, event);
    const time = Date.parse(event.closed_at);
    this.closedByTime.insert(time, id, event);
    let ofSymbol = this.closedByTimeOf.get(event.symbol);
    if (!ofSymbol) this.closedByTimeOf.set(event.symbol, (ofSymbol = new RecencyList()));
    ofSymbol.insert(time, id, event);
    if (this.closed.size > this.historyMax) this.forgetOldestClosed();
    this.report = undefined;
    return true;
  }

  /** The first closed position applied (a Map iterates in insertion order) leaves the history. */
  private forgetOldestClosed(): void {
    const oldest = this.closed.values().next().value;
    if (!oldest) return;
    this.closed.delete(oldest.position_id);
    this.closedByTime.remove(oldest.position_id);
    this.closedByTimeOf.get(oldest.symbol)?.remove(oldest.position_id);
  }

  find(id: string): PositionEvent | undefined {
    return this.open.get(id) ?? this.closed.get(id);
  }

  /** Open positions, newest first (by open time, then id). */
  openPositions(symbol?: string): PositionOpenedEvent[] {
    return [...this.open.values()].filter((p) => !symbol || p.symbol === symbol).sort((a, b) => newestFirst(a.opened_at, b.opened_at, a.position_id, b.position_id));
  }

  /** The `limit` most recently closed positions (all when undefined), most recent first. */
  closedPositions(symbol?: string, limit?: number): PositionClosedEvent[] {
    const list = symbol ? this.closedByTimeOf.get(symbol) : this.closedByTime;
    return list ? list.newest(limit) : [];
  }

  /** Closed positions in all, or of one symbol. */
  closedCountOf(symbol?: string): number {
    return symbol ? (this.closedByTimeOf.get(symbol)?.size ?? 0) : this.closed.size;
  }

  /** Cached until the next close. Summed in id order, so every replica prints the same digits. */
  performance(): PerformanceReport {
    this.report ??= performanceReport([...this.closed.values()].sort((a, b) => compareStreamIds(a.position_id, b.position_id)), this.costs);
    return this.report;
  }

  get openCount(): number {
    return this.open.size;
  }

  get closedCount(): number {
    return this.closed.size;
  }
}

function newestFirst(aTime: string, bTime: string, aId: string, bId: string): number {
  const d = Date.parse(bTime) - Date.parse(aTime);
  return d !== 0 ? d : bId.localeCompare(aId, 'en', { numeric: true });
}
