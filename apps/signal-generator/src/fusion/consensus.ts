import type { Direction, Vote } from '@app/contracts';
import type { ParamRange } from '../strategies/strategy-tuning';

export interface ConsensusOptions {
  /** Votes in one direction needed to fire. */
  minStrategiesAgree: number;
  /** Minimum consensus confidence (0-100) to fire. */
  minConfidence: number;
}

/**
 * The thresholds the walk-forward searches, every combination (a grid): 2 to 5 agreeing votes,
 * consensus confidence 40 to 80. Agreement above the number of strategies enabled is skipped.
 */
export const CONSENSUS_TUNING: Readonly<Record<keyof ConsensusOptions, ParamRange>> = {
  minStrategiesAgree: { min: 2, max: 5, step: 1 },
  minConfidence: { min: 40, max: 80, step: 10 },
};

export interface Consensus {
  direction: Direction;
  /** Strategies voting `direction`. */
  agree: number;
  /** Strategies voting the other way. */
  oppose: number;
  consensusConfidence: number;
  signalStrength: number;
}

export type FusionResult = { fired: true; consensus: Consensus } | { fired: false; reason: string };

const round1 = (x: number): number => Math.round(x * 10) / 10;

const enum Why {
  NoVotes,
  Split,
  TooFew,
  LowConfidence,
  Fired,
}

/**
 * Fuses one candle's vote tally into at most one direction.
 *
 * - direction: the side with more votes (a tie, including 0-0, fires nothing);
 * - consensus confidence = (Σ confidence of the agreeing votes − Σ confidence of the opposing
 *   votes) / number of agreeing votes, clamped to 0-100: the agreeing strategies' mean confidence,
 *   reduced by dissent (two 80s against one 60 give (160 − 60) / 2 = 50);
 * - signal strength = ½ · consensus confidence + ½ · (100 · agreeing / all strategies): how sure
 *   the agreeing strategies are, and how many of all strategies they are.
 *
 * It fires when agreeing ≥ `minStrategiesAgree` and consensus confidence ≥ `minConfidence`.
 *
 * With the adaptive consensus every vote carries its strategy's weight (AdaptiveWeights, mean 1):
 * "agreeing" and "opposing" are then summed weights, and each confidence is multiplied by its
 * weight; with all weights 1 this is exactly the formula above.
 *
 * One instance is reused candle after candle and its reason is formatted only when asked: the
 * backtest fuses millions of candles and reads the reason of almost none.
 */
export class Fusion {
  fired = false;
  direction: Direction = 'BUY';
  agree = 0;
  oppose = 0;
  consensusConfidence = 0;
  signalStrength = 0;
  private why = Why.NoVotes;

  constructor(private readonly opts: ConsensusOptions) {}

  /**
   * Fuses the BUY and SELL votes among `total` strategies: their counts (or summed weights) and
   * their confidence sums (each confidence times its weight).
   */
  fuse(buys: number, sells: number, buyConf: number, sellConf: number, total: number): boolean {
    this.fired = false;
    if (buys === sells) {
      this.agree = buys;
      this.oppose = sells;
      this.why = buys === 0 ? Why.NoVotes : Why.Split;
      return false;
    }
    const buy = buys > sells;
    this.direction = buy ? 'BUY' : 'SELL';
    const agree = (this.agree = buy ? buys : sells);
    this.oppose = buy ? sells : buys;
    if (agree < this.opts.minStrategiesAgree) {
      this.why = Why.TooFew;
      return false;
    }
    const forConf = buy ? buyConf : sellConf;
    const againstConf = buy ? sellConf : buyConf;
    this.consensusConfidence = round1(Math.min(100, Math.max(0, (forConf - againstConf) / agree)));
    if (this.consensusConfidence < this.opts.minConfidence) {
      this.why = Why.LowConfidence;
      return false;
    }
    this.signalStrength = round1(0.5 * this.consensusConfidence + (50 * agree) / Math.max(total, 1));
    this.why = Why.Fired;
    return (this.fired = true);
  }

  /** Why the last tally did not fire (`fired` when it did). */
  reason(): string {
    switch (this.why) {
      case Why.NoVotes:
        return 'no votes';
      case Why.Split:
        return Number.isInteger(this.agree) ? `split vote ${this.agree}-${this.oppose}` : `split vote ${this.agree.toFixed(2)}-${this.oppose.toFixed(2)} (weighted)`;
      case Why.TooFew:
        return `${Number.isInteger(this.agree) ? this.agree : `${this.agree.toFixed(2)} weighted`} ${this.direction} vote(s) < ${this.opts.minStrategiesAgree}`;
      case Why.LowConfidence:
        return `consensus confidence ${this.consensusConfidence} < ${this.opts.minConfidence}`;
      case Why.Fired:
        return 'fired';
    }
  }

  result(): FusionResult {
    if (!this.fired) return { fired: false, reason: this.reason() };
    const { direction, agree, oppose, consensusConfidence, signalStrength } = this;
    return { fired: true, consensus: { direction, agree, oppose, consensusConfidence, signalStrength } };
  }
}

/** Fuses one candle's votes (see Fusion for the formula). */
export function fuseVotes(votes: readonly Vote[], opts: ConsensusOptions): FusionResult {
  let buys = 0;
  let sells = 0;
  let buyConf = 0;
  let sellConf = 0;
  for (const v of votes) {
    if (v.direction === 'BUY') {
      buys++;
      buyConf += v.confidence;
    } else if (v.direction === 'SELL') {
      sells++;
      sellConf += v.confidence;
    }
  }
  const f = new Fusion(opts);
  f.fuse(buys, sells, buyConf, sellConf, votes.length);
  return f.result();
}
