import type { Candle, Vote } from '@app/contracts';

export type VoteDirection = Vote['direction'];

/**
 * One scalping idea. An instance follows one symbol: it is fed every closed candle of that symbol
 * in order and votes on it. Work per update is bounded by the indicator periods, never by how much
 * history has been seen.
 *
 * The vote is kept as numbers (`direction`, `confidence`) and its reason is formatted only when
 * asked (`reason()`), because the backtest runs millions of candles and a reason is read only for
 * the few that become a signal. A subclass's `next()` must not allocate.
 */
export abstract class Strategy {
  abstract readonly name: string;
  /** Direction of the vote on the last candle. */
  direction: VoteDirection = 'NONE';
  /** Its confidence, 0-100 rounded to 0.1 (0 when abstaining), as published in Vote. */
  confidence = 0;

  /** Feeds the next closed candle and sets the vote on it. */
  abstract next(candle: Candle): void;

  /** Why the last vote is what it is, for humans (formatted on each call). */
  abstract reason(): string;

  /** The last vote as published in a signal's `metadata.votes`. */
  vote(): Vote {
    return { strategy: this.name, direction: this.direction, confidence: this.confidence, reason: this.reason() };
  }

  /** `next` then `vote`: the readable form, for tests and one-off use. */
  update(candle: Candle): Vote {
    this.next(candle);
    return this.vote();
  }

  protected voteFor(direction: 'BUY' | 'SELL', confidence: number): void {
    this.direction = direction;
    this.confidence = Math.round(clamp(confidence, 0, 100) * 10) / 10;
  }

  protected abstain(): void {
    this.direction = 'NONE';
    this.confidence = 0;
  }
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Rounds for reasons, where four significant figures are plenty for a human. */
export function fmt(x: number, digits = 2): string {
  return x.toFixed(digits);
}
