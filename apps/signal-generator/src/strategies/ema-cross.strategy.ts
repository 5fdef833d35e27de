import type { Candle } from '@app/contracts';
import { Ema } from '../indicators/ema';
import { fmt, Strategy } from './strategy';
import type { StrategyTuning } from './strategy-tuning';

/** What the walk-forward may tune, and over which values (see StrategyTuning). */
export const EMA_CROSS_TUNING: StrategyTuning = { emaFast: { min: 5, max: 15, step: 1 }, emaSlow: { min: 18, max: 50, step: 1 }, emaHoldCandles: { min: 1, max: 6, step: 1 } };

/**
 * Momentum: the fast EMA crossing the slow one. A cross is a one-candle event, so the vote is
 * held (fading) for a few candles while the EMAs stay crossed; that lets slower confirmations from
 * other strategies land on the same candle.
 */
export class EmaCrossStrategy extends Strategy {
  readonly name = 'ema_cross';
  private readonly fast: Ema;
  private readonly slow: Ema;
  private prevSign = 0;
  private crossDir: 'BUY' | 'SELL' | undefined;
  private sinceCross = 0;
  private gapBps = NaN;

  constructor(
    private readonly fastPeriod = 9,
    private readonly slowPeriod = 21,
    private readonly holdCandles = 3,
  ) {
    super();
    this.fast = new Ema(fastPeriod);
    this.slow = new Ema(slowPeriod);
  }

  next(c: Candle): void {
    const f = this.fast.add(c.close);
    const s = this.slow.add(c.close);
    if (!this.slow.stable) {
      this.gapBps = NaN;
      return this.abstain();
    }
    const gapBps = (this.gapBps = ((f - s) / c.close) * 10_000);
    const sign = Math.sign(gapBps);
    if (this.prevSign !== 0 && sign !== 0 && sign !== this.prevSign) {
      this.crossDir = sign > 0 ? 'BUY' : 'SELL';
      this.sinceCross = 0;
    } else {
      this.sinceCross++;
    }
    if (sign !== 0) this.prevSign = sign;
    const stillCrossed = this.crossDir === 'BUY' ? sign > 0 : sign < 0;
    if (this.crossDir === undefined || this.sinceCross >= this.holdCandles || !stillCrossed) return this.abstain();
    // Wider separation = a more decisive cross; each candle since the cross costs 10 points.
    this.voteFor(this.crossDir, 55 + Math.min(Math.abs(gapBps), 10) * 4 - this.sinceCross * 10);
  }

  reason(): string {
    if (Number.isNaN(this.gapBps)) return 'warming up';
    const gap = `gap ${fmt(this.gapBps)} bps`;
    if (this.direction === 'NONE') return `no fresh cross (EMA${this.fastPeriod}-EMA${this.slowPeriod} ${gap})`;
    const side = this.direction === 'BUY' ? 'above' : 'below';
    const when = this.sinceCross === 0 ? 'on this candle' : `${this.sinceCross} candle(s) ago`;
    return `EMA${this.fastPeriod} crossed ${side} EMA${this.slowPeriod} ${when} (${gap})`;
  }
}
