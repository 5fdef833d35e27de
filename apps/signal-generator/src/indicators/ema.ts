/**
 * Exponential moving average, as trading-signals' FasterEMA (same arithmetic, so the same bits):
 * seeded with the first price, stable after `period` prices.
 */
export class Ema {
  private readonly k: number;
  private readonly keep: number;
  private count = 0;
  /** The current average (NaN before the first price). */
  value = NaN;

  constructor(readonly period: number) {
    this.k = 2 / (period + 1);
    this.keep = 1 - this.k;
  }

  /** True once `period` prices went in. */
  get stable(): boolean {
    return this.count >= this.period;
  }

  add(price: number): number {
    this.count++;
    this.value = price * this.k + (this.count === 1 ? price : this.value) * this.keep;
    return this.value;
  }
}
