import type { StrategyParams } from './strategy-params';

/** A tunable parameter's values: min, min + step, ..., max. */
export interface ParamRange {
  min: number;
  max: number;
  step: number;
}

/**
 * The parameters a strategy declares tunable, each with the range the walk-forward searches. Each
 * strategy declares its own beside its code; ranges of paired parameters (fast/slow, oversold/
 * overbought) do not overlap, so every combination is a valid configuration.
 */
export type StrategyTuning = Partial<Record<keyof StrategyParams, ParamRange>>;

/** How many values a range holds. */
export function rangeSize(r: ParamRange): number {
  return Math.floor((r.max - r.min) / r.step + 1e-9) + 1;
}

/** The k-th value of a range (0-based), rounded to the step's decimals so 0.1 steps print as 0.3, not 0.30000000000000004. */
export function rangeValue(r: ParamRange, k: number): number {
  return Math.round((r.min + k * r.step) * 1e6) / 1e6;
}
