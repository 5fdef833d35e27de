import type { Candle } from '@app/contracts';
import { BollingerBands } from '../indicators/bollinger-bands';
import { fmt, Strategy } from './strategy';
import type { StrategyTuning } from './strategy-tuning';

/** What the walk-forward may tune, and over which values (see StrategyTuning). */
export const BOLLINGER_REENTRY_TUNING: StrategyTuning = { bbPeriod: { min: 10, max: 40, step: 1 }, bbStdDev: { min: 1.5, max: 3, step: 0.1 } };

const enum Why {
  WarmingUp,
  NoWidth,
  ReEntered,
  NoReEntry,
}

/**
 * Mean reversion: a close back inside the band after a close outside it. Re-entry (rather than
 * the excursion itself) waits for the move to stall instead of catching a falling knife.
 */
export class BollingerReentryStrategy extends Strategy {
  readonly name = 'bollinger_reentry';
  private readonly bb: BollingerBands;
  /** The previous candle's close and bands; NaN when it had no bands. */
  private prevClose = NaN;
  private prevLower = NaN;
  private prevUpper = NaN;
  private why = Why.WarmingUp;
  private depth = 0;

  constructor(
    private readonly period = 20,
    private readonly stdDev = 2,
  ) {
    super();
    this.bb = new BollingerBands(period, stdDev);
  }

  next(c: Candle): void {
    const hasBands = this.bb.add(c.close);
    const { prevClose, prevLower, prevUpper } = this;
    this.prevClose = hasBands ? c.close : NaN;
    this.prevLower = hasBands ? this.bb.lower : NaN;
    this.prevUpper = hasBands ? this.bb.upper : NaN;
    if (!hasBands || Number.isNaN(prevClose)) return this.skip(Why.WarmingUp);
    const width = prevUpper - prevLower;
    if (width <= 0) return this.skip(Why.NoWidth);
    // Confidence grows with how far outside the band the previous close was (in band widths).
    if (prevClose < prevLower && c.close >= this.bb.lower) {
      this.depth = (prevLower - prevClose) / width;
      this.why = Why.ReEntered;
      return this.voteFor('BUY', 60 + this.depth * 150);
    }
    if (prevClose > prevUpper && c.close <= this.bb.upper) {
      this.depth = (prevClose - prevUpper) / width;
      this.why = Why.ReEntered;
      return this.voteFor('SELL', 60 + this.depth * 150);
    }
    this.skip(Why.NoReEntry);
  }

  reason(): string {
    switch (this.why) {
      case Why.WarmingUp:
        return 'warming up';
      case Why.NoWidth:
        return 'bands have no width';
      case Why.NoReEntry:
        return 'no band re-entry';
      case Why.ReEntered: {
        const from = this.direction === 'BUY' ? 'below' : 'above';
        return `close re-entered BB(${this.period},${this.stdDev}) from ${from} (${fmt(this.depth * 100, 1)}% of band width outside)`;
      }
    }
  }

  private skip(why: Why): void {
    this.why = why;
    this.abstain();
  }
}
