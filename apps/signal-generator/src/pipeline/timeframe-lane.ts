import type { Candle } from '@app/contracts';
import { CandleAggregator } from '../market-data/candle-aggregator';
import { SignalPipeline, type SignalPipelineOptions } from './signal-pipeline';

/**
 * One signal timeframe (SIGNAL_TIMEFRAMES): the bars of that timeframe, built from the feed's
 * closed candles, and a pipeline of its own deciding on them (its own indicators, cooldown and
 * signals, which carry the timeframe). The feed's candles stay the price path for everything
 * else: `market`, exits, the backtest's trade book.
 */
export class TimeframeLane {
  readonly pipeline: SignalPipeline;
  private readonly aggregator: CandleAggregator;

  constructor(
    readonly timeframe: string,
    options: SignalPipelineOptions,
  ) {
    this.aggregator = new CandleAggregator(timeframe);
    this.pipeline = new SignalPipeline(options);
  }

  /**
   * The bar of this timeframe that the feed candle closes, if it closes one: the candle itself
   * when it already is of this timeframe (no copy, no allocation on the 1m path).
   */
  bar(candle: Candle): Candle | undefined {
    return candle.timeframe === this.timeframe ? candle : this.aggregator.add(candle);
  }
}

/** One lane per signal timeframe, in the order given (the order a candle's signals are published in). */
export function createLanes(timeframes: readonly string[], options: SignalPipelineOptions): TimeframeLane[] {
  return timeframes.map((tf) => new TimeframeLane(tf, options));
}
