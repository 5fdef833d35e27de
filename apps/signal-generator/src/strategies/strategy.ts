import type { Candle, Vote } from '@app/contracts';

/**
 * One scalping idea. An instance follows one symbol: it is fed every closed candle of that symbol
 * in order and answers with its vote on it. Work per update is bounded by the indicator periods,
 * never by how much history has been seen.
 */
export interface Strategy {
  readonly name: string;
  update(candle: Candle): Vote;
}

export function vote(strategy: string, direction: Vote['direction'], confidence: number, reason: string): Vote {
  return { strategy, direction, confidence: Math.round(clamp(confidence, 0, 100) * 10) / 10, reason };
}

export function abstain(strategy: string, reason: string): Vote {
  return { strategy, direction: 'NONE', confidence: 0, reason };
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Rounds for reasons, where four significant figures are plenty for a human. */
export function fmt(x: number, digits = 2): string {
  return x.toFixed(digits);
}
