/**
 * Cumulative VWAP of typical price (h+l+c)/3, as trading-signals' FasterVWAP: a zero-volume
 * candle changes nothing. `reset()` starts a new session without a new object.
 */
export class Vwap {
  private pv = 0;
  private volume = 0;
  /** NaN until a candle with volume. */
  value = NaN;

  reset(): void {
    this.pv = 0;
    this.volume = 0;
    this.value = NaN;
  }

  add(high: number, low: number, close: number, volume: number): number {
    if (volume === 0) return this.value;
    this.pv += ((high + low + close) / 3) * volume;
    this.volume += volume;
    this.value = this.pv / this.volume;
    return this.value;
  }
}
