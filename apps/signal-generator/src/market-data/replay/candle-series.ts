import type { Candle } from '@app/contracts';
import type { MarketDataSource } from '../market-data-source';
import type { KlineFile } from './kline-file';
import { ReplaySource, type ReplaySourceOptions } from './replay.source';

/**
 * Kline files read once into memory, merged in time order as the replay delivers them, for
 * research that runs the same candles hundreds of times (the walk-forward): each run is a
 * synchronous loop over a slice, with no parsing and no awaiting per candle.
 */
export class CandleSeries {
  /** Open time of each candle, for binary search. */
  private readonly times: Float64Array;

  private constructor(readonly candles: readonly Candle[]) {
    this.times = Float64Array.from(candles, (c) => c.open_time);
  }

  static async load(files: KlineFile[], opts: Pick<ReplaySourceOptions, 'badRows' | 'onBadRow'> = {}): Promise<CandleSeries> {
    const candles: Candle[] = [];
    await new ReplaySource({ files, speed: 'max', ...opts }).run((c) => void candles.push(c));
    return new CandleSeries(candles);
  }

  static of(candles: readonly Candle[]): CandleSeries {
    return new CandleSeries(candles);
  }

  /** Index of the first candle opening at or after `t`. */
  indexAt(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The candles opening in [from, until) as a MarketDataSource. */
  source(from: number, until: number): MarketDataSource {
    return new CandleSliceSource(this.candles, this.indexAt(from), this.indexAt(until));
  }
}

/** A slice of an in-memory series, delivered synchronously in one loop (for synchronous consumers: a returned promise is not awaited). */
class CandleSliceSource implements MarketDataSource {
  lastCandleAt: number | undefined;
  connected = false;

  constructor(
    private readonly candles: readonly Candle[],
    private readonly from: number,
    private readonly to: number,
  ) {}

  run(onCandle: (candle: Candle) => Promise<void> | void): Promise<void> {
    this.connected = true;
    for (let i = this.from; i < this.to; i++) void onCandle(this.candles[i]);
    this.connected = false;
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
