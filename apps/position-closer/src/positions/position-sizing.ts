/**
 * How large a tracked position is. ATAS sizes real orders itself; the closer only needs a
 * quantity so that PnL in quote currency (and so the profit factor) weighs trades sensibly.
 */
export type PositionSizing =
  /** A fixed notional in quote currency (USDT) per position: quantity = notional / entry. */
  | { kind: 'notional'; notional: number }
  /** Risk a percentage of the balance to the stop: quantity = balance × pct / 100 / |entry − stop|. */
  | { kind: 'risk'; riskPct: number; accountBalance: number };

/** Quantity in base units, rounded to 8 decimals (finer than any exchange lot step). */
export function positionQuantity(sizing: PositionSizing, entry: number, stop: number): number {
  const raw =
    sizing.kind === 'notional'
      ? sizing.notional / entry
      : (sizing.accountBalance * sizing.riskPct) / 100 / Math.abs(entry - stop);
  return Math.round(raw * 1e8) / 1e8;
}
