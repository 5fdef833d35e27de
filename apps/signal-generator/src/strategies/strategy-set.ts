import { BollingerReentryStrategy } from './bollinger-reentry.strategy';
import { EmaCrossStrategy } from './ema-cross.strategy';
import { MacdTurnStrategy } from './macd-turn.strategy';
import { RsiExtremeStrategy } from './rsi-extreme.strategy';
import { StochasticCrossStrategy } from './stochastic-cross.strategy';
import type { Strategy } from './strategy';
import type { StrategyParams } from './strategy-params';
import { VolumeSpikeStrategy } from './volume-spike.strategy';
import { VwapDeviationStrategy } from './vwap-deviation.strategy';

const FACTORIES: Record<string, (p: StrategyParams) => Strategy> = {
  ema_cross: (p) => new EmaCrossStrategy(p.emaFast, p.emaSlow, p.emaHoldCandles),
  rsi_extreme: (p) => new RsiExtremeStrategy(p.rsiPeriod, p.rsiOversold, p.rsiOverbought),
  bollinger_reentry: (p) => new BollingerReentryStrategy(p.bbPeriod, p.bbStdDev),
  macd_turn: (p) => new MacdTurnStrategy(p.macdFast, p.macdSlow, p.macdSignal),
  vwap_deviation: (p) => new VwapDeviationStrategy(p.vwapDeviationPct, p.vwapMinCandles),
  stochastic_cross: (p) => new StochasticCrossStrategy(p.stochK, p.stochSlowing, p.stochD, p.stochZone),
  volume_spike: (p) => new VolumeSpikeStrategy(p.volumePeriod, p.volumeSpikeMult, p.volumeMinImbalance),
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
