import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';
import { CONSENSUS_TUNING, type ConsensusOptions } from '../../fusion/consensus';
import type { StrategyParams } from '../../strategies/strategy-params';
import { STRATEGY_TUNING } from '../../strategies/strategy-set';
import { rangeSize, rangeValue, type StrategyTuning } from '../../strategies/strategy-tuning';

/**
 * A seeded generator for one window's search: the same seed, window and timeframe always draw
 * the same candidates, whichever worker thread runs them and in whatever order.
 */
export function windowRandom(seed: number, window: number, timeframe: number): RandomGenerator {
  // xoroshiro's jump() gives independent streams; one stream per (window, timeframe).
  let rng = xoroshiro128plus(seed);
  for (let i = 0; i < window * 16 + timeframe; i++) {
    if (!rng.jump) throw new Error('xoroshiro128plus must be jumpable');
    rng = rng.jump();
  }
  return rng;
}

/** Random values for every tunable parameter of `strategies`, the others as in `base`. */
export function sampleStrategyParams(rng: RandomGenerator, base: StrategyParams, strategies: readonly string[]): StrategyParams {
  const out: StrategyParams = { ...base };
  for (const name of strategies) {
    const tuning: StrategyTuning = STRATEGY_TUNING[name] ?? {};
    for (const key of Object.keys(tuning) as (keyof StrategyParams)[]) {
      const r = tuning[key]!;
      out[key] = rangeValue(r, unsafeUniformIntDistribution(0, rangeSize(r) - 1, rng));
    }
  }
  return out;
}

/** Every combination of the consensus thresholds (CONSENSUS_TUNING) possible with `strategies` enabled. */
export function consensusGrid(strategies: number): ConsensusOptions[] {
  const agree = CONSENSUS_TUNING.minStrategiesAgree;
  const conf = CONSENSUS_TUNING.minConfidence;
  const out: ConsensusOptions[] = [];
  for (let a = 0; a < rangeSize(agree); a++) {
    const minStrategiesAgree = rangeValue(agree, a);
    if (minStrategiesAgree > strategies) continue;
    for (let c = 0; c < rangeSize(conf); c++) out.push({ minStrategiesAgree, minConfidence: rangeValue(conf, c) });
  }
  return out;
}

/** The parameters of `strategy` as `name=value` pairs (those it declares tunable), for the report. */
export function describeParams(strategy: string, params: StrategyParams): string {
  return Object.keys(STRATEGY_TUNING[strategy] ?? {})
    .map((k) => `${k}=${params[k as keyof StrategyParams]}`)
    .join(' ');
}
