import type { Candle } from '@app/contracts';
import { Vwap } from '../indicators/vwap';
import { fmt, Strategy } from './strategy';
import type { StrategyTuning } from './strategy-tuning';

/** What the walk-forward may tune, and over which values (see StrategyTuning). */
export const VWAP_DEVIATION_TUNING: StrategyTuning = { vwapDeviationPct: { min: 0.2, max: 1.5, step: 0.05 }, vwapMinCandles: { min: 10, max: 120, step: 5 } };

const DAY_MS = 86_400_000;

/**
 * Mean reversion to the session VWAP (UTC day, as on crypto venues): price stretched more than
 * `deviationPct` below it votes BUY, above it SELL. The VWAP restarts each session, keeping the
 * update O(1); the first `minCandles` of a session are ignored because an early VWAP is noise.
 */
export class VwapDeviationStrategy extends Strategy {
  readonly name = 'vwap_deviation';
  private readonly vwap = new Vwap();
  private session = -1;
  private inSession = 0;
  private devPct = NaN;

  constructor(
    private readonly deviationPct = 0.5,
    private readonly minCandles = 30,
  ) {
    super();
  }

  next(c: Candle): void {
    const day = Math.floor(c.open_time / DAY_MS);
    if (day !== this.session) {
      this.session = day;
      this.vwap.reset();
      this.inSession = 0;
    }
    this.inSession++;
    const v = this.vwap.add(c.high, c.low, c.close, c.volume);
    this.devPct = NaN;
    if (Number.isNaN(v) || this.inSession < this.minCandles) return this.abstain();
    const devPct = (this.devPct = ((c.close - v) / v) * 100);
    const excess = (Math.abs(devPct) - this.deviationPct) / this.deviationPct;
    // 50 at the threshold, 100 at twice the threshold.
    if (devPct <= -this.deviationPct) this.voteFor('BUY', 50 + excess * 50);
    else if (devPct >= this.deviationPct) this.voteFor('SELL', 50 + excess * 50);
    else this.abstain();
  }

  reason(): string {
    const devPct = this.devPct;
    if (Number.isNaN(devPct)) return 'session VWAP not settled yet';
    if (this.direction === 'BUY') return `close ${fmt(devPct)}% below session VWAP ${fmt(this.vwap.value)}`;
    if (this.direction === 'SELL') return `close ${fmt(devPct)}% above session VWAP ${fmt(this.vwap.value)}`;
    return `close within ${this.deviationPct}% of VWAP (${fmt(devPct)}%)`;
  }
}
