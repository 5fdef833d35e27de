import type { Candle, Vote } from '@app/contracts';
import { FasterStochasticOscillator } from 'trading-signals';
import { abstain, fmt, Strategy, vote } from './strategy';

/** Reversal: %K crossing %D inside the oversold zone votes BUY, inside overbought votes SELL. */
export class StochasticCrossStrategy implements Strategy {
  readonly name = 'stochastic_cross';
  private readonly stoch: FasterStochasticOscillator;
  private prevDiff: number | undefined;

  constructor(
    private readonly k = 14,
    slowing = 3,
    d = 3,
    private readonly zone = 20,
  ) {
    this.stoch = new FasterStochasticOscillator(k, slowing, d);
  }

  update(c: Candle): Vote {
    const r = this.stoch.add({ high: c.high, low: c.low, close: c.close });
    if (r === null) return abstain(this.name, 'warming up');
    const diff = r.stochK - r.stochD;
    const prev = this.prevDiff;
    this.prevDiff = diff;
    if (prev === undefined) return abstain(this.name, 'warming up');
    const level = `%K ${fmt(r.stochK, 1)} / %D ${fmt(r.stochD, 1)}`;
    // Deeper in the zone = more stretched: 60 at the zone edge, 100 at the extreme.
    if (prev <= 0 && diff > 0 && r.stochD < this.zone) {
      return vote(this.name, 'BUY', 60 + ((this.zone - r.stochD) / this.zone) * 40, `%K crossed above %D in oversold zone (${level})`);
    }
    if (prev >= 0 && diff < 0 && r.stochD > 100 - this.zone) {
      return vote(this.name, 'SELL', 60 + ((r.stochD - (100 - this.zone)) / this.zone) * 40, `%K crossed below %D in overbought zone (${level})`);
    }
    return abstain(this.name, `no cross in a zone (${level}, k=${this.k})`);
  }
}
