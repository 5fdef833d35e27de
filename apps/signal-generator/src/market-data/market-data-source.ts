import type { Candle } from '@app/contracts';

/**
 * A source of CLOSED candles, in open-time order per symbol.
 *
 * Implemented by the CSV replay (`replay/`) and the live Binance feed (`binance/`); the service and
 * the backtest only ever see this interface, so both run the same pipeline.
 */
export interface MarketDataSource {
  /** Delivers closed candles to `onCandle` (awaited: back-pressure) until the data ends (replay) or `stop()` is called. */
  run(onCandle: (candle: Candle) => Promise<void> | void): Promise<void>;
  stop(): Promise<void>;
  /**
   * Open time per symbol of the last candle already published (the checkpoint): a replay delivers
   * candles up to it without pacing, as they only rebuild the indicators. Called before run.
   */
  resumeAfter?(checkpoints: ReadonlyMap<string, number>): void;
  /**
   * True when every candle this source delivers has already passed `CandleSchema` (its parser
   * checks it and hands on the schema's output), so the consumer need not check it again. Leave
   * unset unless that holds for every candle, gap fills included.
   */
  readonly candlesChecked?: boolean;
  /** True while the feed is connected/producing (health). */
  readonly connected: boolean;
  /** Epoch ms when the last closed candle was delivered, or undefined. */
  readonly lastCandleAt: number | undefined;
}
