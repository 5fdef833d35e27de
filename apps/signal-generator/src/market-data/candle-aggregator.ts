import type { Candle } from '@app/contracts';
import { timeframeMs } from './timeframe';

/** One symbol's bucket being filled. Mutated in place, so feeding a candle allocates nothing. */
interface Bucket {
  /** Open time of the bucket (UTC-aligned to the target timeframe); -1 = none open. */
  start: number;
  /** Open time of the last feed candle taken in (duplicates and out-of-order ones are dropped). */
  lastOpen: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quoteVolume: number;
  trades: number;
  takerBuyVolume: number;
  /** Whether every candle taken in had the field: a sum over some of them would understate it. */
  hasQuote: boolean;
  hasTrades: boolean;
  hasTaker: boolean;
}

/**
 * Builds closed candles of a longer timeframe (5m, 15m, ...) from closed candles of the feed's
 * (1m), one symbol at a time, in order. Buckets are aligned to UTC epoch multiples of the target
 * timeframe, as the exchange's own klines are: a 5m bar opens at :00, :05, ...
 *
 * A bar is emitted only when it is closed: on the feed candle that ends its bucket (for 5m, the
 * one opening at :04). open is the first candle's open, close the last one's close, high/low the
 * extremes, volume (and quote volume, trades, taker buy volume, when every candle has them) the
 * sums; open_time is the bucket start and close_time its end − 1 ms, as Binance stamps klines.
 *
 * Gaps in the feed data:
 * - a missing candle inside a bucket leaves a bar made of the candles that are there: a minute
 *   with no candle had no trade to add, which is also what the exchange's own bar would show;
 * - a bucket whose last candle is missing is never emitted: it is known to be over only when a
 *   later candle arrives, and deciding on it then would act late, at a stale price. The
 *   strategies see the hole like any other hole in the data (the pipeline resets after more
 *   than `maxGapCandles` of them);
 * - the first bucket of the data is emitted from the candles it has, when its last one arrives.
 *
 * Feeding a candle that does not close a bucket allocates nothing; each emitted bar is a new
 * object (one per 5 or 15 feed candles), which the caller may keep.
 */
export class CandleAggregator {
  readonly timeframe: string;
  private readonly ms: number;
  private readonly buckets = new Map<string, Bucket>();

  /** `timeframe` must be a whole multiple of every feed timeframe given to `add`, and divide a day. */
  constructor(timeframe: string) {
    this.timeframe = timeframe;
    this.ms = timeframeMs(timeframe);
    if (86_400_000 % this.ms !== 0) throw new Error(`timeframe ${timeframe} does not divide a day into whole bars`);
  }

  /** Takes the next closed feed candle of its symbol; returns the bar it closes, if it closes one. */
  add(c: Candle): Candle | undefined {
    const feedMs = timeframeMs(c.timeframe);
    if (this.ms % feedMs !== 0) throw new Error(`${this.timeframe} bars cannot be built from ${c.timeframe} candles`);
    let b = this.buckets.get(c.symbol);
    if (b === undefined) this.buckets.set(c.symbol, (b = emptyBucket()));
    if (c.open_time <= b.lastOpen) return undefined;
    b.lastOpen = c.open_time;
    const start = c.open_time - (c.open_time % this.ms);
    if (start !== b.start) this.begin(b, start, c);
    else this.extend(b, c);
    if (c.open_time + feedMs !== start + this.ms) return undefined;
    b.start = -1;
    return this.bar(c.symbol, b);
  }

  /** Starts a bucket at `c`, discarding a previous one whose last candle never came. */
  private begin(b: Bucket, start: number, c: Candle): void {
    b.start = start;
    b.open = c.open;
    b.high = c.high;
    b.low = c.low;
    b.close = c.close;
    b.volume = c.volume;
    b.hasQuote = c.quote_volume !== undefined;
    b.quoteVolume = c.quote_volume ?? 0;
    b.hasTrades = c.trades !== undefined;
    b.trades = c.trades ?? 0;
    b.hasTaker = c.taker_buy_volume !== undefined;
    b.takerBuyVolume = c.taker_buy_volume ?? 0;
  }

  private extend(b: Bucket, c: Candle): void {
    if (c.high > b.high) b.high = c.high;
    if (c.low < b.low) b.low = c.low;
    b.close = c.close;
    b.volume += c.volume;
    if (c.quote_volume === undefined) b.hasQuote = false;
    else b.quoteVolume += c.quote_volume;
    if (c.trades === undefined) b.hasTrades = false;
    else b.trades += c.trades;
    if (c.taker_buy_volume === undefined) b.hasTaker = false;
    else b.takerBuyVolume += c.taker_buy_volume;
  }

  private bar(symbol: string, b: Bucket): Candle {
    const bar: Candle = {
      symbol,
      timeframe: this.timeframe,
      open_time: b.lastOpen - (b.lastOpen % this.ms),
      close_time: b.lastOpen - (b.lastOpen % this.ms) + this.ms - 1,
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      volume: b.volume,
    };
    if (b.hasQuote) bar.quote_volume = b.quoteVolume;
    if (b.hasTrades) bar.trades = b.trades;
    if (b.hasTaker) bar.taker_buy_volume = b.takerBuyVolume;
    return bar;
  }
}

function emptyBucket(): Bucket {
  return { start: -1, lastOpen: -Infinity, open: 0, high: 0, low: 0, close: 0, volume: 0, quoteVolume: 0, trades: 0, takerBuyVolume: 0, hasQuote: false, hasTrades: false, hasTaker: false };
}
