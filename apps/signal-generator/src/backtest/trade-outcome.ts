import type { Candle, Direction } from '@app/contracts';

/** A hypothetical trade: entered at the close of the candle that produced it. */
export interface BacktestTrade {
  /** Strategy name, or the fused signal's name. */
  source: string;
  symbol: string;
  direction: Direction;
  entry: number;
  stopLoss: number;
  takeProfit: number;
  /** Open time of the candle it was entered on; only later candles can close it. */
  enteredOn: number;
}

export type TradeExit = 'take_profit' | 'stop_loss';

/**
 * Did this candle close the trade? TP or SL counts when the candle's range touches it. When one
 * candle touches both, the stop is taken as first: a 1m candle does not tell the order, and
 * assuming the worse one keeps the statistics honest.
 */
export function tradeExit(t: BacktestTrade, c: Candle): TradeExit | undefined {
  if (c.open_time <= t.enteredOn) return undefined;
  const hitSl = t.direction === 'BUY' ? c.low <= t.stopLoss : c.high >= t.stopLoss;
  if (hitSl) return 'stop_loss';
  const hitTp = t.direction === 'BUY' ? c.high >= t.takeProfit : c.low <= t.takeProfit;
  return hitTp ? 'take_profit' : undefined;
}

/** Result in R (multiples of the initial risk): +reward/risk at the target, −1 at the stop. */
export function tradeR(t: BacktestTrade, exit: TradeExit): number {
  return exit === 'stop_loss' ? -1 : Math.abs(t.takeProfit - t.entry) / Math.abs(t.entry - t.stopLoss);
}
