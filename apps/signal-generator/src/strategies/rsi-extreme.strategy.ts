import type { Candle, Vote } from '@app/contracts';
import { FasterRSI } from 'trading-signals';
import { abstain, fmt, Strategy, vote } from './strategy';

/** Mean reversion: RSI deep in oversold votes BUY, deep in overbought votes SELL. */
export class RsiExtremeStrategy implements Strategy {
  readonly name = 'rsi_extreme';
  private readonly rsi: FasterRSI;

  constructor(
    private readonly period = 14,
    private readonly oversold = 30,
    private readonly overbought = 70,
  ) {
    this.rsi = new FasterRSI(period);
  }

  update(c: Candle): Vote {
    const r = this.rsi.add(c.close);
    if (r === null) return abstain(this.name, 'warming up');
    // 50 at the threshold, 100 when 20 points beyond it.
    if (r <= this.oversold) return vote(this.name, 'BUY', 50 + (this.oversold - r) * 2.5, `RSI(${this.period}) ${fmt(r, 1)} <= ${this.oversold}: oversold`);
    if (r >= this.overbought) return vote(this.name, 'SELL', 50 + (r - this.overbought) * 2.5, `RSI(${this.period}) ${fmt(r, 1)} >= ${this.overbought}: overbought`);
    return abstain(this.name, `RSI(${this.period}) ${fmt(r, 1)} is neutral`);
  }
}
