import { z } from 'zod';
import { DEFAULT_COSTS, type CostModel } from './costs';

const bps = z.coerce.number().finite().min(0).max(1000);

/**
 * The cost settings an app adds to its env schema. Each app that scores trades reads them (the
 * position-closer for its `closed` events, the gateway for /api/performance); give both the same
 * values. Defaults: Binance USDT-M VIP 0.
 */
export const costsEnvShape = {
  /** Taker fee in basis points (market entry, stop and early exits). Default 5 = 0.05 %. */
  TAKER_FEE_BPS: bps.default(DEFAULT_COSTS.takerFeeBps),
  /** Maker fee in basis points (the take-profit limit order). Default 2 = 0.02 %. */
  MAKER_FEE_BPS: bps.default(DEFAULT_COSTS.makerFeeBps),
  /** Ticks of slippage on each market or stop fill. Default 1. */
  SLIPPAGE_TICKS: z.coerce.number().finite().min(0).max(10_000).default(DEFAULT_COSTS.slippageTicks),
};

export function costModelFromEnv(e: { TAKER_FEE_BPS: number; MAKER_FEE_BPS: number; SLIPPAGE_TICKS: number }): CostModel {
  return { takerFeeBps: e.TAKER_FEE_BPS, makerFeeBps: e.MAKER_FEE_BPS, slippageTicks: e.SLIPPAGE_TICKS };
}
