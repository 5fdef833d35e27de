import type { Direction, Vote } from '@app/contracts';

export interface ConsensusOptions {
  /** Votes in one direction needed to fire. */
  minStrategiesAgree: number;
  /** Minimum consensus confidence (0-100) to fire. */
  minConfidence: number;
}

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

/**
 * Fuses one candle's votes into at most one direction.
 *
 * - direction: the side with more votes (a tie, including 0-0, fires nothing);
 * - consensus confidence = (Σ confidence of the agreeing votes − Σ confidence of the opposing
 *   votes) / number of agreeing votes, clamped to 0-100: the agreeing strategies' mean confidence,
 *   reduced by dissent (two 80s against one 60 give (160 − 60) / 2 = 50);
 * - signal strength = ½ · consensus confidence + ½ · (100 · agreeing / all strategies): how sure
 *   the agreeing strategies are, and how many of all strategies they are.
 *
 * It fires when agreeing ≥ `minStrategiesAgree` and consensus confidence ≥ `minConfidence`.
 */
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
  if (buys === sells) return { fired: false, reason: buys === 0 ? 'no votes' : `split vote ${buys}-${sells}` };
  const direction: Direction = buys > sells ? 'BUY' : 'SELL';
  const [agree, oppose, forConf, againstConf] = direction === 'BUY' ? [buys, sells, buyConf, sellConf] : [sells, buys, sellConf, buyConf];
  if (agree < opts.minStrategiesAgree) return { fired: false, reason: `${agree} ${direction} vote(s) < ${opts.minStrategiesAgree}` };
  const consensusConfidence = round1(Math.min(100, Math.max(0, (forConf - againstConf) / agree)));
  if (consensusConfidence < opts.minConfidence) {
    return { fired: false, reason: `consensus confidence ${consensusConfidence} < ${opts.minConfidence}` };
  }
  const signalStrength = round1(0.5 * consensusConfidence + (50 * agree) / Math.max(votes.length, 1));
  return { fired: true, consensus: { direction, agree, oppose, consensusConfidence, signalStrength } };
}
