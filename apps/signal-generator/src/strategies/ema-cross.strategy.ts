import type { Candle, Vote } from '@app/contracts';
import { FasterEMA } from 'trading-signals';
import { abstain, fmt, Strategy, vote } from './strategy';

/**
 * Momentum: the fast EMA crossing the slow one. A cross is a one-candle event, so the vote is
 * held (fading) for a few candles while the EMAs stay crossed; that lets slower confirmations from
 * other strategies land on the same candle.
 */
export class EmaCrossStrategy implements Strategy {
  readonly name = 'ema_cross';
  private readonly fast: FasterEMA;
  private readonly slow: FasterEMA;
  private prevSign = 0;
  private crossDir: 'BUY' | 'SELL' | undefined;
  private sinceCross = 0;

  constructor(
    private readonly fastPeriod = 9,
    private readonly slowPeriod = 21,
    private readonly holdCandles = 3,
  ) {
    this.fast = new FasterEMA(fastPeriod);
    this.slow = new FasterEMA(slowPeriod);
  }

  update(c: Candle): Vote {
    const f = this.fast.add(c.close);
    const s = this.slow.add(c.close);
    if (f === null || s === null || !this.slow.isStable) return abstain(this.name, 'warming up');
    const gapBps = ((f - s) / c.close) * 10_000;
    const sign = Math.sign(gapBps);
    if (this.prevSign !== 0 && sign !== 0 && sign !== this.prevSign) {
      this.crossDir = sign > 0 ? 'BUY' : 'SELL';
      this.sinceCross = 0;
    } else {
      this.sinceCross++;
    }
    if (sign !== 0) this.prevSign = sign;
    const stillCrossed = this.crossDir === 'BUY' ? sign > 0 : sign < 0;
    if (this.crossDir === undefined || this.sinceCross >= this.holdCandles || !stillCrossed) {
      return abstain(this.name, `no fresh cross (EMA${this.fastPeriod}-EMA${this.slowPeriod} gap ${fmt(gapBps)} bps)`);
    }
    const side = this.crossDir === 'BUY' ? 'above' : 'below';
    const when = this.sinceCross === 0 ? 'on this candle' : `${this.sinceCross} candle(s) ago`;
    // Wider separation = a more decisive cross; each candle since the cross costs 10 points.
    const confidence = 55 + Math.min(Math.abs(gapBps), 10) * 4 - this.sinceCross * 10;
    return vote(this.name, this.crossDir, confidence, `EMA${this.fastPeriod} crossed ${side} EMA${this.slowPeriod} ${when} (gap ${fmt(gapBps)} bps)`);
  }
}
