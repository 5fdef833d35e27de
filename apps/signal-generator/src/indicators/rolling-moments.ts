/**
 * Mean and population variance of the last `period` values in O(1): running sums of the values'
 * distances from a shift near them, kept in a ring. Distances (not raw prices) keep the squares
 * small, so the variance does not cancel away in floating point; every `resumEvery` values the
 * sums are recomputed from the ring around the current mean, so rounding cannot accumulate
 * (that costs one pass over the window per `resumEvery` values: still O(1) per value).
 */
export class RollingMoments {
  private readonly ring: Float64Array;
  private slot = 0;
  private shift = 0;
  private s1 = 0;
  private s2 = 0;
  private sinceResum = 0;
  /** Values seen so far (not capped at the period). */
  count = 0;

  constructor(
    readonly period: number,
    private readonly resumEvery = 128,
  ) {
    this.ring = new Float64Array(period);
  }

  /** True once the window holds `period` values; mean and variance are meaningful only then. */
  get full(): boolean {
    return this.count >= this.period;
  }

  get mean(): number {
    return this.shift + this.s1 / this.period;
  }

  get variance(): number {
    const m = this.s1 / this.period;
    const v = this.s2 / this.period - m * m;
    return v > 0 ? v : 0;
  }

  add(x: number): void {
    if (this.count === 0) this.shift = x;
    if (this.count >= this.period) {
      const old = this.ring[this.slot] - this.shift;
      this.s1 -= old;
      this.s2 -= old * old;
    }
    this.ring[this.slot] = x;
    this.slot = this.slot + 1 === this.period ? 0 : this.slot + 1;
    this.count++;
    const d = x - this.shift;
    this.s1 += d;
    this.s2 += d * d;
    if (++this.sinceResum >= this.resumEvery) this.resum();
  }

  private resum(): void {
    this.sinceResum = 0;
    const n = this.count < this.period ? this.count : this.period;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.ring[i];
    this.shift = sum / n;
    this.s1 = 0;
    this.s2 = 0;
    for (let i = 0; i < n; i++) {
      const d = this.ring[i] - this.shift;
      this.s1 += d;
      this.s2 += d * d;
    }
  }
}
