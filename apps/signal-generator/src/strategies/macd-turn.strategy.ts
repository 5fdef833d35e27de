import type { Candle } from '@app/contracts';
import { Macd } from '../indicators/macd';
import { fmt, Strategy } from './strategy';
import type { StrategyTuning } from './strategy-tuning';

/** What the walk-forward may tune, and over which values (see StrategyTuning). */
export const MACD_TURN_TUNING: StrategyTuning = { macdFast: { min: 6, max: 15, step: 1 }, macdSlow: { min: 18, max: 40, step: 1 }, macdSignal: { min: 5, max: 12, step: 1 } };

/**
 * Early reversal: the MACD histogram turning up while still below zero (selling momentum fading)
 * votes BUY; turning down above zero votes SELL.
 */
export class MacdTurnStrategy extends Strategy {
  readonly name = 'macd_turn';
  private readonly macd: Macd;
  private h = NaN;
  private h1 = NaN;
  private h2 = NaN;

  constructor(fast = 12, slow = 26, signal = 9) {
    super();
    this.macd = new Macd(fast, slow, signal);
  }

  next(c: Candle): void {
    const h = this.macd.add(c.close);
    if (Number.isNaN(h)) return this.abstain();
    const h1 = this.h;
    const h2 = this.h1;
    this.h = h;
    this.h1 = h1;
    this.h2 = h2;
    if (Number.isNaN(h2)) return this.abstain();
    // Depth of the histogram at the turn, in basis points of price: deeper = stronger exhaustion.
    const depthBps = (Math.abs(h1) / c.close) * 10_000;
    const confidence = 50 + Math.min(depthBps, 5) * 8;
    if (h < 0 && h1 < h2 && h > h1) this.voteFor('BUY', confidence);
    else if (h > 0 && h1 > h2 && h < h1) this.voteFor('SELL', confidence);
    else this.abstain();
  }

  reason(): string {
    if (Number.isNaN(this.h2) || Number.isNaN(this.h)) return 'warming up';
    if (this.direction === 'BUY') return `MACD histogram turned up below zero (${fmt(this.h1, 4)} -> ${fmt(this.h, 4)})`;
    if (this.direction === 'SELL') return `MACD histogram turned down above zero (${fmt(this.h1, 4)} -> ${fmt(this.h, 4)})`;
    return `no histogram turn (${fmt(this.h, 4)})`;
  }
}
