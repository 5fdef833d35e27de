import { Ema } from './ema';

/**
 * MACD as trading-signals' FasterMACD: both EMAs see every price; from the `slow`-th price on,
 * macd = fast − slow feeds the signal EMA, and histogram = macd − signal.
 */
export class Macd {
  private readonly fast: Ema;
  private readonly slow: Ema;
  private readonly signalEma: Ema;
  private count = 0;
  macd = NaN;
  signal = NaN;
  /** NaN while warming up. */
  histogram = NaN;

  constructor(fast: number, slow: number, signal: number) {
    this.fast = new Ema(fast);
    this.slow = new Ema(slow);
    this.signalEma = new Ema(signal);
  }

  /** Returns the histogram. */
  add(price: number): number {
    const f = this.fast.add(price);
    const s = this.slow.add(price);
    if (++this.count < this.slow.period) return NaN;
    this.macd = f - s;
    this.signal = this.signalEma.add(this.macd);
    this.histogram = this.macd - this.signal;
    return this.histogram;
  }
}
