import type { Candle } from '@app/contracts';
import { Rsi } from '../indicators/rsi';
import { fmt, Strategy } from './strategy';
import type { StrategyTuning } from './strategy-tuning';

/** What the walk-forward may tune, and over which values (see StrategyTuning). */
export const RSI_EXTREME_TUNING: StrategyTuning = { rsiPeriod: { min: 7, max: 21, step: 1 }, rsiOversold: { min: 15, max: 35, step: 1 }, rsiOverbought: { min: 65, max: 85, step: 1 } };

/** Mean reversion: RSI deep in oversold votes BUY, deep in overbought votes SELL. */
export class RsiExtremeStrategy extends Strategy {
  readonly name = 'rsi_extreme';
  private readonly rsi: Rsi;
  private r = NaN;

  constructor(
    private readonly period = 14,
    private readonly oversold = 30,
    private readonly overbought = 70,
  ) {
    super();
    this.rsi = new Rsi(period);
  }

  next(c: Candle): void {
    const r = (this.r = this.rsi.add(c.close));
    // 50 at the threshold, 100 when 20 points beyond it.
    if (r <= this.oversold) this.voteFor('BUY', 50 + (this.oversold - r) * 2.5);
    else if (r >= this.overbought) this.voteFor('SELL', 50 + (r - this.overbought) * 2.5);
    else this.abstain(); // also while warming up (NaN compares false)
  }

  reason(): string {
    const r = this.r;
    if (Number.isNaN(r)) return 'warming up';
    if (this.direction === 'BUY') return `RSI(${this.period}) ${fmt(r, 1)} <= ${this.oversold}: oversold`;
    if (this.direction === 'SELL') return `RSI(${this.period}) ${fmt(r, 1)} >= ${this.overbought}: overbought`;
    return `RSI(${this.period}) ${fmt(r, 1)} is neutral`;
  }
}
