import type { Direction } from '@app/contracts';
import { compareStreamIds } from '@app/redis-streams';
import { signalAction } from '@app/trading';

/** What a signal does to its symbol, given the position open there (if any). */
export type SignalDecision =
  /** Nothing open for the symbol: open one. */
  | { action: 'open' }
  /** The open position is this very signal's (a redelivery): make sure its max-hold job exists. */
  | { action: 'duplicate' }
  /** The opposite direction: close the open one at this signal's entry, then open this one. */
  | { action: 'reverse'; closeId: string }
  /**
   * Same direction while a position is open. ATAS keeps one position per symbol and its own SL/TP
   * orders stay on the first entry, so the tracked position keeps the first signal's levels and
   * this one is ignored (counted in `positions_signals_ignored_total{reason="same_direction"}`).
   */
  | { action: 'ignore'; reason: 'same_direction' }
  /**
   * Older than the open position's signal: two replicas can take a symbol's signals out of order,
   * and a late, older signal must not close a newer position.
   */
  | { action: 'ignore'; reason: 'stale' };

export interface OpenRef {
  position_id: string;
  direction: Direction;
}

export function decideOnSignal(signalId: string, direction: Direction, open: OpenRef | null): SignalDecision {
  if (!open) return { action: 'open' };
  if (open.position_id === signalId) return { action: 'duplicate' };
  if (compareStreamIds(signalId, open.position_id) < 0) return { action: 'ignore', reason: 'stale' };
  // The trading rule itself (one position per symbol) is shared with the backtest.
  return signalAction(open.direction, direction) === 'ignore' ? { action: 'ignore', reason: 'same_direction' } : { action: 'reverse', closeId: open.position_id };
}
