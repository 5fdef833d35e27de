import type { Candle, Vote } from '@app/contracts';
import { FasterSMA } from 'trading-signals';
import { abstain, fmt, Strategy, vote } from './strategy';

/**
 * Order flow: a volume burst well above its average, taken in the direction of the aggressors.
 * The imbalance is the taker delta `(taker buy - taker sell) / volume` when the feed has it
 * (Binance klines do), otherwise the candle body relative to its range as a stand-in.
 */
export class VolumeSpikeStrategy implements Strategy {
  readonly name = 'volume_spike';
  private readonly avg: FasterSMA;

  constructor(
    private readonly period = 20,
    private readonly spikeMult = 3,
    private readonly minImbalance = 0.3,
  ) {
    this.avg = new FasterSMA(period);
  }

  update(c: Candle): Vote {
    // Compare with the average of the candles BEFORE this one, then let this one in.
    const before = this.avg.getResult();
    this.avg.add(c.volume);
    if (before === null || before <= 0) return abstain(this.name, 'warming up');
    const ratio = c.volume / before;
    if (ratio < this.spikeMult) return abstain(this.name, `volume ${fmt(ratio)}x average`);
    const taker = c.taker_buy_volume !== undefined && c.volume > 0;
    const range = c.high - c.low;
    const imbalance = taker ? (2 * (c.taker_buy_volume as number) - c.volume) / c.volume : range > 0 ? (c.close - c.open) / range : 0;
    const what = taker ? 'taker delta' : 'candle body';
    if (Math.abs(imbalance) < this.minImbalance) return abstain(this.name, `volume ${fmt(ratio)}x average but ${what} ${fmt(imbalance)} is balanced`);
    const confidence = 50 + Math.min(ratio - this.spikeMult, 5) * 6 + Math.abs(imbalance) * 20;
    return vote(this.name, imbalance > 0 ? 'BUY' : 'SELL', confidence, `volume ${fmt(ratio)}x its ${this.period}-candle average, ${what} ${fmt(imbalance)}`);
  }
}
