/**
 * Highest of the last `period` values in O(1) amortized: a monotonic deque (values decreasing
 * from the front) of the window's candidates, in fixed typed arrays. The lowest is
 * `-max.add(-x)`: negation is exact.
 */
export class RollingMax {
  private readonly seqs: Float64Array;
  private readonly vals: Float64Array;
  private head = 0;
  private size = 0;
  private seq = 0;

  constructor(readonly period: number) {
    this.seqs = new Float64Array(period);
    this.vals = new Float64Array(period);
  }

  /** Adds `x` and returns the highest of the last `period` values (fewer at the start). */
  add(x: number): number {
    const p = this.period;
    const i = this.seq++;
    if (this.size > 0 && this.seqs[this.head] <= i - p) {
      this.head = this.head + 1 === p ? 0 : this.head + 1;
      this.size--;
    }
    while (this.size > 0) {
      let back = this.head + this.size - 1;
      if (back >= p) back -= p;
      if (this.vals[back] > x) break;
      this.size--;
    }
    let at = this.head + this.size;
    if (at >= p) at -= p;
    this.seqs[at] = i;
    this.vals[at] = x;
    this.size++;
    return this.vals[this.head];
  }
}
