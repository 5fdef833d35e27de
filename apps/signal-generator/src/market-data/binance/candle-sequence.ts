import type { Candle } from '@app/contracts';

export type SequenceVerdict =
  | { kind: 'next' }
  | { kind: 'duplicate' }
  /** Candles from `from` (open time) up to the offered candle are missing. */
  | { kind: 'gap'; from: number };

/**
 * Per-symbol delivery cursor: the open time of the last candle handed to the consumer. It is
 * what makes the feed exactly-once and in order across reconnects, rotations (two overlapping
 * connections) and REST gap fills: anything at or before the cursor is a duplicate.
 */
export class CandleSequence {
  private readonly last = new Map<string, number>();

  constructor(private readonly intervalMs: number) {}

  classify(candle: Candle): SequenceVerdict {
    const last = this.last.get(candle.symbol);
    if (last === undefined) return { kind: 'next' };
    if (candle.open_time <= last) return { kind: 'duplicate' };
    if (candle.open_time > last + this.intervalMs) return { kind: 'gap', from: last + this.intervalMs };
    return { kind: 'next' };
  }

  /** True when the candle is newer than the cursor (it may still leave a gap behind it). */
  isNew(candle: Candle): boolean {
    const last = this.last.get(candle.symbol);
    return last === undefined || candle.open_time > last;
  }

  /** Moves the cursor; callers check `isNew` first. */
  advance(candle: Candle): void {
    this.last.set(candle.symbol, candle.open_time);
  }

  /** Open time of the next expected candle, or undefined before the first delivery. */
  nextOpenTime(symbol: string): number | undefined {
    const last = this.last.get(symbol);
    return last === undefined ? undefined : last + this.intervalMs;
  }
}
