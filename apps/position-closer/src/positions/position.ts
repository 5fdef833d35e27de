import {
  parseTimestampMs,
  type Candle,
  type CloseReason,
  type CloseRequest,
  type NewSignal,
  type PositionClosedEvent,
  type PositionOpenedEvent,
} from '@app/contracts';
import { positionQuantity, type PositionSizing } from './position-sizing';

/** A position as tracked: the `opened` event (its id is the id of the signal that opened it). */
export type OpenPosition = PositionOpenedEvent;

export interface ExitDecision {
  reason: Extract<CloseReason, 'take_profit' | 'stop_loss'>;
  price: number;
}

/**
 * The position a signal opens. `fallbackMarketTimeMs` stands in when the signal carries no
 * `metadata.candle_time` (the newest candle seen for the symbol, else 0: every candle counts).
 */
export function openPosition(
  signalId: string,
  signal: NewSignal,
  sizing: PositionSizing,
  now: Date,
  fallbackMarketTimeMs = 0,
): OpenPosition {
  return {
    type: 'opened',
    position_id: signalId,
    signal_id: signalId,
    signal_timestamp: signal.timestamp,
    symbol: signal.symbol,
    direction: signal.direction,
    timeframe: signal.timeframe,
    strategy_name: signal.strategy_name,
    entry_price: signal.entry_price,
    stop_loss: signal.stop_loss,
    take_profit: signal.take_profit,
    leverage: signal.leverage,
    quantity: positionQuantity(sizing, signal.entry_price, signal.stop_loss),
    opened_at: now.toISOString(),
    strategies: agreeingStrategies(signal),
    market_time_ms: signalMarketTime(signal) ?? Math.max(0, Math.trunc(fallbackMarketTimeMs)),
  };
}

/** The signal candle's open time (`metadata.candle_time`), when the signal carries a valid one. */
export function signalMarketTime(signal: NewSignal): number | undefined {
  const t = signal.metadata.candle_time ? parseTimestampMs(signal.metadata.candle_time) : NaN;
  return Number.isFinite(t) && t >= 0 ? t : undefined;
}

/** Strategies whose vote matched the signal's direction (empty when the signal has no votes). */
export function agreeingStrategies(signal: NewSignal): string[] {
  const names = (signal.metadata.votes ?? []).filter((v) => v.direction === signal.direction).map((v) => v.strategy);
  return [...new Set(names)];
}

/**
 * Whether a candle closes the position at its stop or target. Only candles opening after the
 * position's market time count (the signal's own candle moved before the entry existed).
 *
 * When one candle spans both levels its path inside the bar is unknown: the stop is assumed hit
 * first, the conservative reading. A stop gapped through fills at the candle's open (a stop order
 * becomes a market order); a target fills at its limit price.
 */
export function evaluateCandle(position: OpenPosition, candle: Candle): ExitDecision | null {
  if (candle.symbol !== position.symbol) return null;
  if (candle.open_time <= (position.market_time_ms ?? -1)) return null;
  const { stop_loss: sl, take_profit: tp } = position;
  if (position.direction === 'BUY') {
    if (candle.low <= sl) return { reason: 'stop_loss', price: Math.min(sl, candle.open) };
    if (candle.high >= tp) return { reason: 'take_profit', price: tp };
  } else {
    if (candle.high >= sl) return { reason: 'stop_loss', price: Math.max(sl, candle.open) };
    if (candle.low <= tp) return { reason: 'take_profit', price: tp };
  }
  return null;
}

/** Price move in percent of entry, signed so that a profit is positive. */
export function pnlPct(position: Pick<OpenPosition, 'direction' | 'entry_price'>, exitPrice: number): number {
  const move = position.direction === 'BUY' ? exitPrice - position.entry_price : position.entry_price - exitPrice;
  return (move / position.entry_price) * 100;
}

/** Profit in units of the initial risk |entry − stop|: a full stop is −1 R. */
export function rMultiple(position: Pick<OpenPosition, 'direction' | 'entry_price' | 'stop_loss'>, exitPrice: number): number {
  const move = position.direction === 'BUY' ? exitPrice - position.entry_price : position.entry_price - exitPrice;
  return move / Math.abs(position.entry_price - position.stop_loss);
}

/** The `closed` event: exit maths on the position, hold time from `opened_at` to `now`. */
export function closePosition(position: OpenPosition, reason: CloseReason, exitPrice: number, now: Date): PositionClosedEvent {
  const pct = pnlPct(position, exitPrice);
  const held = (now.getTime() - Date.parse(position.opened_at)) / 1000;
  return {
    ...position,
    type: 'closed',
    reason,
    exit_price: exitPrice,
    closed_at: now.toISOString(),
    pnl_pct: round(pct, 6),
    pnl_leveraged_pct: round(pct * position.leverage, 6),
    r_multiple: round(rMultiple(position, exitPrice), 6),
    hold_seconds: Math.max(0, round(held, 3)),
  };
}

/** The instruction for ATAS to flatten: only for exits its own SL/TP orders do not make. */
export function closeRequestFor(closed: PositionClosedEvent): CloseRequest {
  return {
    position_id: closed.position_id,
    signal_id: closed.signal_id,
    signal_timestamp: closed.signal_timestamp,
    symbol: closed.symbol,
    direction: closed.direction,
    reason: closed.reason,
    requested_at: closed.closed_at,
  };
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
