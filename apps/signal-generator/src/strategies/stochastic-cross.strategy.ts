import type { Candle } from '@app/contracts';
import { Stochastic } from '../indicators/stochastic';
import { fmt, Strategy } from './strategy';
import type { StrategyTuning } from './strategy-tuning';

/** What the walk-forward may tune, and over which values (see StrategyTuning). */
export const STOCHASTIC_CROSS_TUNING: StrategyTuning = { stochK: { min: 5, max: 21, step: 1 }, stochSlowing: { min: 1, max: 5, step: 1 }, stochD: { min: 2, max: 5, step: 1 }, stochZone: { min: 10, max: 30, step: 1 } };

/** Reversal: %K crossing %D inside the oversold zone votes BUY, inside overbought votes SELL. */
export class StochasticCrossStrategy extends Strategy {
  readonly name = 'stochastic_cross';
  private readonly stoch: Stochastic;
  private prevDiff = NaN;
  private warm = false;

  constructor(
    private readonly k = 14,
    slowing = 3,
    d = 3,
    private readonly zone = 20,
  ) {
    super();
    this.stoch = new Stochastic(k, slowing, d);
  }

  next(c: Candle): void {
    this.warm = false;
    if (!this.stoch.add(c.high, c.low, c.close)) return this.abstain();
    const { stochK, stochD } = this.stoch;
    const diff = stochK - stochD;
    const prev = this.prevDiff;
    this.prevDiff = diff;
    if (Number.isNaN(prev)) return this.abstain();
    this.warm = true;
    // Deeper in the zone = more stretched: 60 at the zone edge, 100 at the extreme.
    if (prev <= 0 && diff > 0 && stochD < this.zone) this.voteFor('BUY', 60 + ((this.zone - stochD) / this.zone) * 40);
    else if (prev >= 0 && diff < 0 && stochD > 100 - this.zone) this.voteFor('SELL', 60 + ((stochD - (100 - this.zone)) / this.zone) * 40);
    else this.abstain();
  }

  reason(): string {
    if (!this.warm) return 'warming up';
    const level = `%K ${fmt(this.stoch.stochK, 1)} / %D ${fmt(this.stoch.stochD, 1)}`;
    if (this.direction === 'BUY') return `%K crossed above %D in oversold zone (${level})`;
    if (this.direction === 'SELL') return `%K crossed below %D in overbought zone (${level})`;
    return `no cross in a zone (${level}, k=${this.k})`;
  }
}
