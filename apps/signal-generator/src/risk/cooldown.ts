/**
 * One signal per symbol per cooldown window, so one move is not signalled twice. Times are candle
 * times (not the wall clock), so replay at any speed and the backtest behave the same.
 */
export class Cooldown {
  private readonly lastFired = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** Milliseconds of cooldown left for `symbol` at candle time `t` (0 = may fire). */
  remaining(symbol: string, t: number): number {
    const last = this.lastFired.get(symbol);
    return last === undefined ? 0 : Math.max(0, last + this.windowMs - t);
  }

  mark(symbol: string, t: number): void {
    this.lastFired.set(symbol, t);
  }
}
