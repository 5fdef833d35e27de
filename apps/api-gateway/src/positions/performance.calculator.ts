import type { Direction, PositionClosedEvent } from '@app/contracts';

/** Outcome statistics of a set of closed positions. Fees and funding are not included. */
export interface PerformanceStats {
  trades: number;
  /** Closed with a profit (pnl > 0); a break-even close is neither a win nor a loss. */
  wins: number;
  losses: number;
  /** wins / trades, in percent. */
  win_rate: number;
  /** Gross profit / gross loss in quote currency; null when nothing was lost. */
  profit_factor: number | null;
  /** Mean R multiple (profit in units of the initial risk). */
  average_r: number;
  total_r: number;
  /** Sum of quantity × signed price move, in quote currency (USDT). */
  net_pnl: number;
  average_pnl_pct: number;
  average_hold_seconds: number;
}

export interface PerformanceReport {
  overall: PerformanceStats;
  /**
   * Per strategy: a position counts for its signal's `strategy_name` and for every fused
   * strategy that voted its direction, so the groups overlap and do not add up to `overall`.
   */
  by_strategy: Record<string, PerformanceStats>;
  by_symbol: Record<string, PerformanceStats>;
  by_direction: Partial<Record<Direction, PerformanceStats>>;
}

type Closed = Pick<
  PositionClosedEvent,
  'symbol' | 'direction' | 'strategy_name' | 'strategies' | 'entry_price' | 'exit_price' | 'quantity' | 'pnl_pct' | 'r_multiple' | 'hold_seconds'
>;

/** Profit in quote currency: quantity × the price move, signed so that a profit is positive. */
export function pnlQuote(p: Closed): number {
  const move = p.direction === 'BUY' ? p.exit_price - p.entry_price : p.entry_price - p.exit_price;
  return p.quantity * move;
}

export function statsOf(closed: readonly Closed[]): PerformanceStats {
  let wins = 0;
  let losses = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let totalR = 0;
  let pctSum = 0;
  let holdSum = 0;
  for (const p of closed) {
    const pnl = pnlQuote(p);
    if (pnl > 0) {
      wins++;
      grossProfit += pnl;
    } else if (pnl < 0) {
      losses++;
      grossLoss -= pnl;
    }
    totalR += p.r_multiple;
    pctSum += p.pnl_pct;
    holdSum += p.hold_seconds;
  }
  const n = closed.length;
  return {
    trades: n,
    wins,
    losses,
    win_rate: n ? round((wins / n) * 100) : 0,
    profit_factor: grossLoss > 0 ? round(grossProfit / grossLoss) : null,
    average_r: n ? round(totalR / n) : 0,
    total_r: round(totalR),
    net_pnl: round(grossProfit - grossLoss),
    average_pnl_pct: n ? round(pctSum / n) : 0,
    average_hold_seconds: n ? round(holdSum / n) : 0,
  };
}

/** Overall and grouped statistics of closed positions. */
export function performanceReport(closed: readonly Closed[]): PerformanceReport {
  const byStrategy = new Map<string, Closed[]>();
  const bySymbol = new Map<string, Closed[]>();
  const byDirection = new Map<Direction, Closed[]>();
  for (const p of closed) {
    for (const s of new Set([p.strategy_name, ...p.strategies])) push(byStrategy, s, p);
    push(bySymbol, p.symbol, p);
    push(byDirection, p.direction, p);
  }
  return {
    overall: statsOf(closed),
    by_strategy: statsByKey(byStrategy),
    by_symbol: statsByKey(bySymbol),
    by_direction: statsByKey(byDirection),
  };
}

function push<K>(map: Map<K, Closed[]>, key: K, p: Closed): void {
  const list = map.get(key);
  if (list) list.push(p);
  else map.set(key, [p]);
}

function statsByKey<K extends string>(map: Map<K, Closed[]>): Record<K, PerformanceStats> {
  const out = {} as Record<K, PerformanceStats>;
  for (const key of [...map.keys()].sort()) out[key] = statsOf(map.get(key)!);
  return out;
}

/** Four decimals: enough for percentages and R, stable for clients comparing numbers. */
function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
