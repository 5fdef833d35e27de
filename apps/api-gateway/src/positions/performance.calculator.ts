import type { Direction, PositionClosedEvent } from '@app/contracts';
import { priceMove, TradeStats, tradeResult, type CostModel } from '@app/trading';

/**
 * Outcome statistics of a set of closed positions, before costs (the original fields, names
 * kept for existing clients) and after fees and slippage (`net_*`, `pnl_after_costs`). Funding is
 * not included.
 */
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
  /** Sum of quantity × signed price move, in quote currency (USDT), before costs. */
  net_pnl: number;
  average_pnl_pct: number;
  average_hold_seconds: number;
  /** win_rate after costs: a small gross win can be a net loss. */
  net_win_rate: number;
  /** profit_factor after costs; null when nothing was lost. */
  net_profit_factor: number | null;
  net_average_r: number;
  net_total_r: number;
  /** net_pnl minus fees and slippage, in quote currency. */
  pnl_after_costs: number;
  fees_quote: number;
  slippage_quote: number;
}

export interface PerformanceReport {
  /** The costs the `net_*` figures assume (TAKER_FEE_BPS, MAKER_FEE_BPS, SLIPPAGE_TICKS). */
  costs: { taker_fee_bps: number; maker_fee_bps: number; slippage_ticks: number };
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
  | 'symbol' | 'direction' | 'strategy_name' | 'strategies' | 'entry_price' | 'stop_loss' | 'exit_price' | 'quantity' | 'reason'
  | 'pnl_pct' | 'r_multiple' | 'hold_seconds' | 'tick_size'
>;

/** Profit in quote currency: quantity × the price move, signed so that a profit is positive. */
export function pnlQuote(p: Closed): number {
  return p.quantity * priceMove(p.direction, p.entry_price, p.exit_price);
}

/**
 * Costs are priced here from each position's prices, reason and tick with this gateway's cost
 * settings, rather than read from the event: positions closed before costs were recorded get
 * net figures too, and every position is judged by one set of costs.
 */
export function statsOf(closed: readonly Closed[], costs: CostModel): PerformanceStats {
  const pnl = new TradeStats();
  const r = new TradeStats();
  const netPnl = new TradeStats();
  const netR = new TradeStats();
  let pctSum = 0;
  let holdSum = 0;
  let fees = 0;
  let slippage = 0;
  for (const p of closed) {
    const res = tradeResult({ direction: p.direction, entry: p.entry_price, stopLoss: p.stop_loss, reason: p.reason, exitPrice: p.exit_price, tick: p.tick_size }, costs);
    const gross = pnlQuote(p);
    pnl.add(gross);
    r.add(p.r_multiple);
    netPnl.add(gross - (res.feesPerUnit + res.slippagePerUnit) * p.quantity);
    netR.add(res.netR);
    fees += res.feesPerUnit * p.quantity;
    slippage += res.slippagePerUnit * p.quantity;
    pctSum += p.pnl_pct;
    holdSum += p.hold_seconds;
  }
  const n = closed.length;
  return {
    trades: n,
    wins: pnl.wins,
    losses: pnl.losses,
    win_rate: n ? round(pnl.winRate! * 100) : 0,
    profit_factor: pnl.grossLost > 0 ? round(pnl.profitFactor!) : null,
    average_r: n ? round(r.average!) : 0,
    total_r: round(r.total),
    net_pnl: round(pnl.total),
    average_pnl_pct: n ? round(pctSum / n) : 0,
    average_hold_seconds: n ? round(holdSum / n) : 0,
    net_win_rate: n ? round(netPnl.winRate! * 100) : 0,
    net_profit_factor: netPnl.grossLost > 0 ? round(netPnl.profitFactor!) : null,
    net_average_r: n ? round(netR.average!) : 0,
    net_total_r: round(netR.total),
    pnl_after_costs: round(netPnl.total),
    fees_quote: round(fees),
    slippage_quote: round(Math.max(0, slippage)),
  };
}

/** Overall and grouped statistics of closed positions. */
export function performanceReport(closed: readonly Closed[], costs: CostModel): PerformanceReport {
  const byStrategy = new Map<string, Closed[]>();
  const bySymbol = new Map<string, Closed[]>();
  const byDirection = new Map<Direction, Closed[]>();
  for (const p of closed) {
    for (const s of new Set([p.strategy_name, ...p.strategies])) push(byStrategy, s, p);
    push(bySymbol, p.symbol, p);
    push(byDirection, p.direction, p);
  }
  return {
    costs: { taker_fee_bps: costs.takerFeeBps, maker_fee_bps: costs.makerFeeBps, slippage_ticks: costs.slippageTicks },
    overall: statsOf(closed, costs),
    by_strategy: statsByKey(byStrategy, costs),
    by_symbol: statsByKey(bySymbol, costs),
    by_direction: statsByKey(byDirection, costs),
  };
}

function push<K>(map: Map<K, Closed[]>, key: K, p: Closed): void {
  const list = map.get(key);
  if (list) list.push(p);
  else map.set(key, [p]);
}

function statsByKey<K extends string>(map: Map<K, Closed[]>, costs: CostModel): Record<K, PerformanceStats> {
  const out = {} as Record<K, PerformanceStats>;
  for (const key of [...map.keys()].sort()) out[key] = statsOf(map.get(key)!, costs);
  return out;
}

/** Four decimals: enough for percentages and R, stable for clients comparing numbers. */
function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
