import { RollingMoments } from './rolling-moments';

/**
 * Bollinger bands (mean ± `stdDev` population standard deviations of the last `period` closes),
 * in O(1). Like trading-signals' FasterBollingerBands, the first bands come with price
 * `period + 1`.
 */
export class BollingerBands {
  private readonly window: RollingMoments;
  lower = NaN;
  middle = NaN;
  upper = NaN;

  constructor(
    readonly period: number,
    readonly stdDev: number,
  ) {
    this.window = new RollingMoments(period);
  }

  /** True when this price produced bands. */
  add(price: number): boolean {
    this.window.add(price);
    if (this.window.count <= this.period) return false;
    const middle = this.window.mean;
    const width = Math.sqrt(this.window.variance) * this.stdDev;
    this.middle = middle;
    this.lower = middle - width;
    this.upper = middle + width;
    return true;
  }
}
