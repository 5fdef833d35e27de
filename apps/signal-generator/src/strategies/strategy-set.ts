import { BOLLINGER_REENTRY_TUNING, BollingerReentryStrategy } from './bollinger-reentry.strategy';
import { EMA_CROSS_TUNING, EmaCrossStrategy } from './ema-cross.strategy';
import { MACD_TURN_TUNING, MacdTurnStrategy } from './macd-turn.strategy';
import { RSI_EXTREME_TUNING, RsiExtremeStrategy } from './rsi-extreme.strategy';
import { STOCHASTIC_CROSS_TUNING, StochasticCrossStrategy } from './stochastic-cross.strategy';
import type { Strategy } from './strategy';
import type { StrategyParams } from './strategy-params';
import type { StrategyTuning } from './strategy-tuning';
import { VOLUME_SPIKE_TUNING, VolumeSpikeStrategy } from './volume-spike.strategy';
import { VWAP_DEVIATION_TUNING, VwapDeviationStrategy } from './vwap-deviation.strategy';

const FACTORIES: Record<string, (p: StrategyParams) => Strategy> = {
  ema_cross: (p) => new EmaCrossStrategy(p.emaFast, p.emaSlow, p.emaHoldCandles),
  rsi_extreme: (p) => new RsiExtremeStrategy(p.rsiPeriod, p.rsiOversold, p.rsiOverbought),
  bollinger_reentry: (p) => new BollingerReentryStrategy(p.bbPeriod, p.bbStdDev),
  macd_turn: (p) => new MacdTurnStrategy(p.macdFast, p.macdSlow, p.macdSignal),
  vwap_deviation: (p) => new VwapDeviationStrategy(p.vwapDeviationPct, p.vwapMinCandles),
  stochastic_cross: (p) => new StochasticCrossStrategy(p.stochK, p.stochSlowing, p.stochD, p.stochZone),
  volume_spike: (p) => new VolumeSpikeStrategy(p.volumePeriod, p.volumeSpikeMult, p.volumeMinImbalance),
};

/** Each strategy's tunable parameters and their ranges, as the strategy declares them. */
export const STRATEGY_TUNING: Readonly<Record<string, StrategyTuning>> = {
  ema_cross: EMA_CROSS_TUNING,
  rsi_extreme: RSI_EXTREME_TUNING,
  bollinger_reentry: BOLLINGER_REENTRY_TUNING,
  macd_turn: MACD_TURN_TUNING,
  vwap_deviation: VWAP_DEVIATION_TUNING,
  stochastic_cross: STOCHASTIC_CROSS_TUNING,
  volume_spike: VOLUME_SPIKE_TUNING,
};

/** Every built-in strategy name, in report order. */
export const STRATEGY_NAMES: readonly string[] = Object.keys(FACTORIES);

/** A fresh set of strategy instances for one symbol. */
export function createStrategies(names: readonly string[], params: StrategyParams): Strategy[] {
  return names.map((n) => {
    const make = FACTORIES[n];
    if (!make) throw new Error(`unknown strategy '${n}' (known: ${STRATEGY_NAMES.join(', ')})`);
    return make(params);
  });
}
