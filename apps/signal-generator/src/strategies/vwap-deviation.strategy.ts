import type { Candle, Vote } from '@app/contracts';
import { FasterVWAP } from 'trading-signals';
import { abstain, fmt, Strategy, vote } from './strategy';

const DAY_MS = 86_400_000;

/**
 * Mean reversion to the session VWAP (UTC day, as on crypto venues): price stretched more than
 * `deviationPct` below it votes BUY, above it SELL. A fresh VWAP object per session keeps the
 * update O(1); the first `minCandles` of a session are ignored because an early VWAP is noise.
 */
export class VwapDeviationStrategy implements Strategy {
  readonly name = 'vwap_deviation';
  private vwap = new FasterVWAP();
  private session = -1;
  private inSession = 0;

  constructor(
    private readonly deviationPct = 0.5,
    private readonly minCandles = 30,
  ) {}

  update(c: Candle): Vote {
    const day = Math.floor(c.open_time / DAY_MS);
    if (day !== this.session) {
      this.session = day;
      this.vwap = new FasterVWAP();
      this.inSession = 0;
    }
    this.inSession++;
    const v = this.vwap.add({ high: c.high, low: c.low, close: c.close, volume: c.volume }) ?? this.vwap.getResult();
    if (v === null || this.inSession < this.minCandles) return abstain(this.name, 'session VWAP not settled yet');
    const devPct = ((c.close - v) / v) * 100;
    const excess = (Math.abs(devPct) - this.deviationPct) / this.deviationPct;
    // 50 at the threshold, 100 at twice the threshold.
    if (devPct <= -this.deviationPct) return vote(this.name, 'BUY', 50 + excess * 50, `close ${fmt(devPct)}% below session VWAP ${fmt(v)}`);
    if (devPct >= this.deviationPct) return vote(this.name, 'SELL', 50 + excess * 50, `close ${fmt(devPct)}% above session VWAP ${fmt(v)}`);
    return abstain(this.name, `close within ${this.deviationPct}% of VWAP (${fmt(devPct)}%)`);
  }
}
