import type { Candle, Direction } from '@app/contracts';

/** What the exit rule needs of a trade or position. */
export interface ExitLevels {
  direction: Direction;
  stopLoss: number;
  takeProfit: number;
  /**
   * Open time (epoch ms) of the candle the signal came from. Only candles opening after it count:
   * that candle moved before the entry existed.
   */
  marketTimeMs: number;
}

export type ExitReason = 'take_profit' | 'stop_loss';

export interface ExitDecision {
  reason: ExitReason;
  /** The fill before costs: the target, the stop, or the open when a stop was gapped through. */
  price: number;
}

/**
 * Whether a candle closes the trade at its stop or target: the one rule of the position-closer,
 * the backtest and everything that scores a trade.
 *
 * When one candle spans both levels its path inside the bar is unknown: the stop is assumed hit
 * first, the conservative reading. A stop gapped through fills at the candle's open (a stop order
 * becomes a market order); a target fills at its limit price, never better.
 */
export function exitOnCandle(t: ExitLevels, candle: Pick<Candle, 'open_time' | 'open' | 'high' | 'low'>): ExitDecision | null {
  if (candle.open_time <= t.marketTimeMs) return null;
  if (t.direction === 'BUY') {
    if (candle.low <= t.stopLoss) return { reason: 'stop_loss', price: Math.min(t.stopLoss, candle.open) };
    if (candle.high >= t.takeProfit) return { reason: 'take_profit', price: t.takeProfit };
  } else {
    if (candle.high >= t.stopLoss) return { reason: 'stop_loss', price: Math.max(t.stopLoss, candle.open) };
    if (candle.low <= t.takeProfit) return { reason: 'take_profit', price: t.takeProfit };
  }
  return null;
}
