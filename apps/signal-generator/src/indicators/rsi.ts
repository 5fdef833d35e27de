import { WilderAverage } from './wilder-average';

/** RSI with Wilder's smoothing, as trading-signals' FasterRSI; NaN while warming up. */
export class Rsi {
  private readonly gain: WilderAverage;
  private readonly loss: WilderAverage;
  private prev = NaN;
  value = NaN;

  constructor(readonly period: number) {
    this.gain = new WilderAverage(period);
    this.loss = new WilderAverage(period);
  }

  add(price: number): number {
    const prev = this.prev;
    this.prev = price;
    if (prev !== prev) return NaN; // the first price has no change yet
    if (price > prev) {
      this.loss.add(0);
      this.gain.add(price - prev);
    } else {
      this.loss.add(prev - price);
      this.gain.add(0);
    }
    if (!this.gain.stable) return NaN;
    const loss = this.loss.value;
    this.value = loss === 0 ? 100 : 100 - 100 / (this.gain.value / loss + 1);
    return this.value;
  }
}
