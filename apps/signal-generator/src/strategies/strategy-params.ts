/** Tunable parameters of the built-in strategies; the defaults are common 1m scalping settings. */
export interface StrategyParams {
  /** EMA cross: fast period. Default 9. */
  emaFast: number;
  /** EMA cross: slow period. Default 21. */
  emaSlow: number;
  /** EMA cross: a cross keeps voting for this many candles, fading. Default 3. */
  emaHoldCandles: number;
  /** RSI period. Default 14. */
  rsiPeriod: number;
  /** RSI at or below this votes BUY. Default 30. */
  rsiOversold: number;
  /** RSI at or above this votes SELL. Default 70. */
  rsiOverbought: number;
  /** Bollinger period. Default 20. */
  bbPeriod: number;
  /** Bollinger width in standard deviations. Default 2. */
  bbStdDev: number;
  /** MACD fast / slow / signal periods. Defaults 12 / 26 / 9. */
  macdFast: number;
  macdSlow: number;
  macdSignal: number;
  /** VWAP deviation (percent of VWAP) that counts as stretched. Default 0.5. */
  vwapDeviationPct: number;
  /** Candles into the UTC-day session before the VWAP is trusted. Default 30. */
  vwapMinCandles: number;
  /** Stochastic %K period, %K slowing, %D period. Defaults 14 / 3 / 3. */
  stochK: number;
  stochSlowing: number;
  stochD: number;
  /** Stochastic cross below this is a BUY, above 100 minus it a SELL. Default 20. */
  stochZone: number;
  /** Volume spike: average volume period. Default 20. */
  volumePeriod: number;
  /** Volume spike: volume at least this multiple of its average. Default 3. */
  volumeSpikeMult: number;
  /** Volume spike: minimum taker (or candle-body) imbalance, 0..1. Default 0.3. */
  volumeMinImbalance: number;
}

export const DEFAULT_STRATEGY_PARAMS: StrategyParams = {
  emaFast: 9,
  emaSlow: 21,
  emaHoldCandles: 3,
  rsiPeriod: 14,
  rsiOversold: 30,
  rsiOverbought: 70,
  bbPeriod: 20,
  bbStdDev: 2,
  macdFast: 12,
  macdSlow: 26,
  macdSignal: 9,
  vwapDeviationPct: 0.5,
  vwapMinCandles: 30,
  stochK: 14,
  stochSlowing: 3,
  stochD: 3,
  stochZone: 20,
  volumePeriod: 20,
  volumeSpikeMult: 3,
  volumeMinImbalance: 0.3,
};
