import type { Candle, Vote } from '@app/contracts';
import { FasterBollingerBands, FasterBandsResult } from 'trading-signals';
import { abstain, fmt, Strategy, vote } from './strategy';

/**
 * Mean reversion: a close back inside the band after a close outside it. Re-entry (rather than
 * the excursion itself) waits for the move to stall instead of catching a falling knife.
 */
export class BollingerReentryStrategy implements Strategy {
  readonly name = 'bollinger_reentry';
  private readonly bb: FasterBollingerBands;
  private prev: { close: number; bands: FasterBandsResult } | undefined;

  constructor(
    private readonly period = 20,
    private readonly stdDev = 2,
  ) {
    this.bb = new FasterBollingerBands(period, stdDev);
  }

  update(c: Candle): Vote {
    const bands = this.bb.add(c.close);
    const prev = this.prev;
    this.prev = bands ? { close: c.close, bands } : undefined;
    if (!bands || !prev) return abstain(this.name, 'warming up');
    const width = prev.bands.upper - prev.bands.lower;
    if (width <= 0) return abstain(this.name, 'bands have no width');
    // Confidence grows with how far outside the band the previous close was (in band widths).
    if (prev.close < prev.bands.lower && c.close >= bands.lower) {
      const depth = (prev.bands.lower - prev.close) / width;
      return vote(this.name, 'BUY', 60 + depth * 150, `close re-entered BB(${this.period},${this.stdDev}) from below (${fmt(depth * 100, 1)}% of band width outside)`);
    }
    if (prev.close > prev.bands.upper && c.close <= bands.upper) {
      const depth = (prev.close - prev.bands.upper) / width;
      return vote(this.name, 'SELL', 60 + depth * 150, `close re-entered BB(${this.period},${this.stdDev}) from above (${fmt(depth * 100, 1)}% of band width outside)`);
    }
    return abstain(this.name, 'no band re-entry');
  }
}
