import type { CloseReason, Direction } from '@app/contracts';
import { priceMove } from './trade-math';

/**
 * Trading costs of one round trip. The defaults are Binance USDT-M futures at the base VIP 0 tier
 * (taker 0.05 %, maker 0.02 %) with one tick of slippage on every fill that takes liquidity.
 * Funding is not modelled: positions here last minutes, not funding periods.
 */
export interface CostModel {
  /** Fee of an order that takes liquidity, in basis points of the notional. Default 5 (0.05 %). */
  takerFeeBps: number;
  /** Fee of a resting limit order that is filled, in basis points. Default 2 (0.02 %). */
  makerFeeBps: number;
  /** Ticks lost on each market or stop fill (entry, stop, early exits). Default 1. */
  slippageTicks: number;
}

export const DEFAULT_COSTS: Readonly<CostModel> = Object.freeze({ takerFeeBps: 5, makerFeeBps: 2, slippageTicks: 1 });

/** No costs: the gross figures. */
export const NO_COSTS: Readonly<CostModel> = Object.freeze({ takerFeeBps: 0, makerFeeBps: 0, slippageTicks: 0 });

/**
 * How each exit fills, as the ATAS strategy places its orders: the target is a resting limit
 * order (maker, filled at its price); the stop is a stop-market order, and the early exits
 * (opposite signal, max hold, manual) are market orders: taker, with slippage. The entry is a
 * market order.
 */
export function exitIsMaker(reason: CloseReason): boolean {
  return reason === 'take_profit';
}

export interface TradeCostInput {
  direction: Direction;
  /** The signal's entry price (the market order's reference price). */
  entry: number;
  stopLoss: number;
  reason: CloseReason;
  /** The exit price before costs, as the exit rule gives it. */
  exitPrice: number;
  /** The symbol's tick; unknown (undefined) means no slippage can be priced: it counts as 0. */
  tick?: number;
}

/** One trade's result before and after costs. Money figures are per unit of the base asset. */
export interface TradeResult {
  grossR: number;
  netR: number;
  grossPnlPct: number;
  netPnlPct: number;
  /** Entry and exit fees per unit, in quote currency. */
  feesPerUnit: number;
  /** Price lost to slippage on entry and exit, per unit, in quote currency. */
  slippagePerUnit: number;
}

/**
 * Gross and net result of a trade. Fees are charged on each side's filled notional; slippage
 * moves each taker fill one way only, against the trade. R stays in units of the planned risk
 * |entry − stop|, so a stop-out after costs is worse than −1 R.
 */
export function tradeResult(t: TradeCostInput, costs: CostModel): TradeResult {
  const slip = costs.slippageTicks * (t.tick !== undefined && t.tick > 0 ? t.tick : 0);
  const against = t.direction === 'BUY' ? 1 : -1;
  const maker = exitIsMaker(t.reason);
  const entryFill = t.entry + against * slip;
  const exitFill = maker ? t.exitPrice : t.exitPrice - against * slip;
  const feesPerUnit = (entryFill * costs.takerFeeBps + exitFill * (maker ? costs.makerFeeBps : costs.takerFeeBps)) / 10_000;
  const gross = priceMove(t.direction, t.entry, t.exitPrice);
  const net = priceMove(t.direction, entryFill, exitFill) - feesPerUnit;
  const risk = Math.abs(t.entry - t.stopLoss);
  return {
    grossR: gross / risk,
    netR: net / risk,
    grossPnlPct: (gross / t.entry) * 100,
    netPnlPct: (net / t.entry) * 100,
    feesPerUnit,
    slippagePerUnit: gross - net - feesPerUnit,
  };
}
