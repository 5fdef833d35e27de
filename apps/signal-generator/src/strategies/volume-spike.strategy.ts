import type { Candle } from '@app/contracts';
import { RollingMoments } from '../indicators/rolling-moments';
import { fmt, Strategy } from './strategy';
import type { StrategyTuning } from './strategy-tuning';

/** What the walk-forward may tune, and over which values (see StrategyTuning). */
export const VOLUME_SPIKE_TUNING: StrategyTuning = { volumePeriod: { min: 10, max: 50, step: 1 }, volumeSpikeMult: { min: 2, max: 5, step: 0.25 }, volumeMinImbalance: { min: 0.1, max: 0.6, step: 0.05 } };

/**
 * Order flow: a volume burst well above its average, taken in the direction of the aggressors.
 * The imbalance is the taker delta `(taker buy - taker sell) / volume` when the feed has it
 * (Binance klines do), otherwise the candle body relative to its range as a stand-in.
 */
export class VolumeSpikeStrategy extends Strategy {
  readonly name = 'volume_spike';
  private readonly avg: RollingMoments;
  private ratio = NaN;
  private imbalance = 0;
  private taker = false;

  constructor(
    private readonly period = 20,
    private readonly spikeMult = 3,
    private readonly minImbalance = 0.3,
  ) {
    super();
    this.avg = new RollingMoments(period);
  }

  next(c: Candle): void {
    // Compare with the average of the candles BEFORE this one, then let this one in.
    const before = this.avg.full ? this.avg.mean : NaN;
    this.avg.add(c.volume);
    this.ratio = NaN;
    if (!(before > 0)) return this.abstain();
    const ratio = (this.ratio = c.volume / before);
    this.imbalance = NaN;
    if (ratio < this.spikeMult) return this.abstain();
    const taker = (this.taker = c.taker_buy_volume !== undefined && c.volume > 0);
    const range = c.high - c.low;
    const imbalance = (this.imbalance = taker ? (2 * (c.taker_buy_volume as number) - c.volume) / c.volume : range > 0 ? (c.close - c.open) / range : 0);
    if (Math.abs(imbalance) < this.minImbalance) return this.abstain();
    this.voteFor(imbalance > 0 ? 'BUY' : 'SELL', 50 + Math.min(ratio - this.spikeMult, 5) * 6 + Math.abs(imbalance) * 20);
  }

  reason(): string {
    if (Number.isNaN(this.ratio)) return 'warming up';
    const volume = `volume ${fmt(this.ratio)}x`;
    if (Number.isNaN(this.imbalance)) return `${volume} average`;
    const what = `${this.taker ? 'taker delta' : 'candle body'} ${fmt(this.imbalance)}`;
    if (this.direction === 'NONE') return `${volume} average but ${what} is balanced`;
    return `${volume} its ${this.period}-candle average, ${what}`;
  }
}
