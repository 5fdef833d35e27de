import type { Direction } from '@app/contracts';
import type { RiskParams } from './risk-params';
import { roundToTick } from './tick-size';

export interface TradeLevels {
  entry: number;
  stopLoss: number;
  takeProfit: number;
  /** |TP − entry| / |entry − SL| of the rounded prices, rounded DOWN to 2 decimals (never overstated). */
  riskReward: number;
  leverage: number;
}

export type LevelsResult = { ok: true; levels: TradeLevels } | { ok: false; reason: string };

const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);

/**
 * Stop and target from the ATR, bounded by percentage floors and caps, then rounded to the tick:
 * - stop distance = clamp(ATR × slAtrMult, slMinPct, slMaxPct of entry);
 * - target distance = clamp(ATR × tpAtrMult, tpMinPct, tpMaxPct), raised to stop × minRr;
 * - the stop is rounded AWAY from entry, and the target computed from the rounded stop and
 *   rounded away from entry too, so rounding can only widen the reward: the stop is never at
 *   or through entry and the reward/risk never drops below minRr. Whatever the caps or the tick
 *   make impossible is refused with a reason rather than bent.
 */
export function computeLevels(direction: Direction, price: number, atr: number, tick: number, p: RiskParams): LevelsResult {
  const sign = direction === 'BUY' ? 1 : -1;
  const entry = roundToTick(price, tick, 'nearest');
  const slDist = clamp(atr * p.slAtrMult, (entry * p.slMinPct) / 100, (entry * p.slMaxPct) / 100);
  const stopLoss = roundToTick(entry - sign * Math.max(slDist, tick), tick, direction === 'BUY' ? 'down' : 'up');
  const risk = Math.abs(entry - stopLoss);
  if (!(risk > 0) || stopLoss <= 0) return { ok: false, reason: `stop ${stopLoss} is not a valid distance from entry ${entry}` };
  let tpDist = clamp(atr * p.tpAtrMult, (entry * p.tpMinPct) / 100, (entry * p.tpMaxPct) / 100);
  tpDist = Math.max(tpDist, risk * p.minRr);
  if (tpDist > (entry * p.tpMaxPct) / 100 + tick) {
    return { ok: false, reason: `target for RR ${p.minRr} exceeds the ${p.tpMaxPct}% cap` };
  }
  const takeProfit = roundToTick(entry + sign * tpDist, tick, direction === 'BUY' ? 'up' : 'down');
  if (takeProfit <= 0) return { ok: false, reason: `target ${takeProfit} is not a price` };
  const riskReward = Math.floor((Math.abs(takeProfit - entry) / risk) * 100 + 1e-9) / 100;
  if (riskReward < p.minRr) return { ok: false, reason: `reward/risk ${riskReward} < ${p.minRr}` };
  const leverage = Math.max(1, Math.floor(Math.min(p.leverage, p.maxLeverage)));
  return { ok: true, levels: { entry, stopLoss, takeProfit, riskReward, leverage } };
}
