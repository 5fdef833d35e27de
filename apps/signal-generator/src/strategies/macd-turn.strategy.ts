import type { Candle, Vote } from '@app/contracts';
import { FasterEMA, FasterMACD } from 'trading-signals';
import { abstain, fmt, Strategy, vote } from './strategy';

/**
 * Early reversal: the MACD histogram turning up while still below zero (selling momentum fading)
 * votes BUY; turning down above zero votes SELL.
 */
export class MacdTurnStrategy implements Strategy {
  readonly name = 'macd_turn';
  private readonly macd: FasterMACD;
  private h1: number | undefined;
  private h2: number | undefined;

  constructor(fast = 12, slow = 26, signal = 9) {
    this.macd = new FasterMACD(new FasterEMA(fast), new FasterEMA(slow), new FasterEMA(signal));
  }

  update(c: Candle): Vote {
    const r = this.macd.add(c.close);
    if (r === null) return abstain(this.name, 'warming up');
    const h = r.histogram;
    const [h1, h2] = [this.h1, this.h2];
    this.h2 = h1;
    this.h1 = h;
    if (h1 === undefined || h2 === undefined) return abstain(this.name, 'warming up');
    // Depth of the histogram at the turn, in basis points of price: deeper = stronger exhaustion.
    const depthBps = (Math.abs(h1) / c.close) * 10_000;
    const confidence = 50 + Math.min(depthBps, 5) * 8;
    if (h < 0 && h1 < h2 && h > h1) return vote(this.name, 'BUY', confidence, `MACD histogram turned up below zero (${fmt(h1, 4)} -> ${fmt(h, 4)})`);
    if (h > 0 && h1 > h2 && h < h1) return vote(this.name, 'SELL', confidence, `MACD histogram turned down above zero (${fmt(h1, 4)} -> ${fmt(h, 4)})`);
    return abstain(this.name, `no histogram turn (${fmt(h, 4)})`);
  }
}
