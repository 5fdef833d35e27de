/**
 * Wilder's smoothing (trading-signals' FasterWSMA, the same arithmetic): the plain mean of the
 * first `period` values, then value += (x − value) / period. NaN until seeded.
 */
export class WilderAverage {
  private readonly factor: number;
  private count = 0;
  private seedSum = 0;
  value = NaN;

  constructor(readonly period: number) {
    this.factor = 1 / period;
  }

  get stable(): boolean {
    return this.count >= this.period;
  }

  add(x: number): number {
    this.count++;
    if (this.count < this.period) {
      this.seedSum += x;
    } else if (this.count === this.period) {
      this.value = (this.seedSum + x) / this.period;
    } else {
      this.value = (x - this.value) * this.factor + this.value;
    }
    return this.value;
  }
}
