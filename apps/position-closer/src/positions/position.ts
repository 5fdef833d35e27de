import {
  parseTimestampMs,
  type Candle,
  type CloseReason,
  type CloseRequest,
  type NewSignal,
  type PositionClosedEvent,
  type PositionOpenedEvent,
} from '@app/contracts';
import { exitOnCandle, tradeResult, type CostModel, type ExitDecision } from '@app/trading';
import { positionQuantity, type PositionSizing } from './position-sizing';

/** A position as tracked: the `opened` event (its id is the id of the signal that opened it). */
export type OpenPosition = PositionOpenedEvent;

export type { ExitDecision };

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
    ...tickOf(signal),
    ...(signal.metadata.source ? { source: signal.metadata.source } : {}),
  };
}

/** The signal's `metadata.tick_size` when it is a usable tick (the generator always sends one). */
function tickOf(signal: NewSignal): { tick_size?: number } {
  const t = signal.metadata.tick_size;
  return typeof t === 'number' && Number.isFinite(t) && t > 0 ? { tick_size: t } : {};
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
 * Whether a candle of the position's symbol closes it at its stop or target: the shared exit
 * rule (`exitOnCandle` in @app/trading, also the backtest's), from the position's market time.
 */
export function evaluateCandle(position: OpenPosition, candle: Candle): ExitDecision | null {
  if (candle.symbol !== position.symbol) return null;
  return exitOnCandle(
    { direction: position.direction, stopLoss: position.stop_loss, takeProfit: position.take_profit, marketTimeMs: position.market_time_ms ?? -1 },
    candle,
  );
}

/**
 * The `closed` event: the result before costs (`pnl_pct`, `r_multiple`) and after them
 * (`net_*`, `fees_quote`, `slippage_quote`), hold time from `opened_at` to `now`.
 */
export function closePosition(position: OpenPosition, reason: CloseReason, exitPrice: number, now: Date, costs: CostModel): PositionClosedEvent {
  const r = tradeResult(
    { direction: position.direction, entry: position.entry_price, stopLoss: position.stop_loss, reason, exitPrice, tick: position.tick_size },
    costs,
  );
  const pct = r.grossPnlPct;
  const held = (now.getTime() - Date.parse(position.opened_at)) / 1000;
  return {
    ...position,
    type: 'closed',
    reason,
    exit_price: exitPrice,
    closed_at: now.toISOString(),
    pnl_pct: round(pct, 6),
    pnl_leveraged_pct: round(pct * position.leverage, 6),
    r_multiple: round(r.grossR, 6),
    hold_seconds: Math.max(0, round(held, 3)),
    net_r_multiple: round(r.netR, 6),
    net_pnl_pct: round(r.netPnlPct, 6),
    fees_quote: round(r.feesPerUnit * position.quantity, 8),
    slippage_quote: Math.max(0, round(r.slippagePerUnit * position.quantity, 8)),
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
