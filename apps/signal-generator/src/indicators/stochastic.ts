import { RollingMax } from './rolling-max';

/**
 * Slow stochastic as trading-signals' FasterStochasticOscillator: fast %K over `n` candles (the
 * highest high and lowest low from monotonic deques instead of re-scanning the window), %K its
 * `m`-candle mean, %D the `p`-candle mean of %K.
 *
 * The %K and %D windows are 3 long, so they are summed directly, oldest first as the library does:
 * that costs what a running sum would and keeps %K identical to the bit. That matters because the
 * library tests `stochK && …`: a %K of exactly 0 gives %D = 0 without updating the %D average,
 * and this keeps that behaviour so the votes stay the same.
 */
export class Stochastic {
  private readonly highs: RollingMax;
  private readonly negLows: RollingMax;
  private readonly kRing: Float64Array;
  private readonly dRing: Float64Array;
  private count = 0;
  private kCount = 0;
  private kSlot = 0;
  private dCount = 0;
  private dSlot = 0;
  stochK = NaN;
  stochD = NaN;

  constructor(
    readonly n: number,
    readonly m: number,
    readonly p: number,
  ) {
    this.highs = new RollingMax(n);
    this.negLows = new RollingMax(n);
    this.kRing = new Float64Array(m);
    this.dRing = new Float64Array(p);
  }

  /** True when this candle produced %K and %D. */
  add(high: number, low: number, close: number): boolean {
    const highest = this.highs.add(high);
    const lowest = -this.negLows.add(-low);
    if (++this.count < this.n) return false;
    const divisor = highest - lowest;
    const fastK = ((close - lowest) * 100) / (divisor === 0 ? 1 : divisor);
    this.kRing[this.kSlot] = fastK;
    this.kSlot = this.kSlot + 1 === this.m ? 0 : this.kSlot + 1;
    if (++this.kCount < this.m) return false;
    const k = meanOldestFirst(this.kRing, this.kSlot);
    this.stochK = k;
    if (k === 0) {
      this.stochD = 0;
      return true;
    }
    this.dRing[this.dSlot] = k;
    this.dSlot = this.dSlot + 1 === this.p ? 0 : this.dSlot + 1;
    if (++this.dCount < this.p) return false;
    this.stochD = meanOldestFirst(this.dRing, this.dSlot);
    return true;
  }
}

/** Mean of a full ring whose oldest value is at `oldest`, summed oldest first (the library's order). */
function meanOldestFirst(ring: Float64Array, oldest: number): number {
  const len = ring.length;
  let sum = 0;
  for (let j = 0, i = oldest; j < len; j++, i = i + 1 === len ? 0 : i + 1) sum += ring[i];
  return sum / len;
}
