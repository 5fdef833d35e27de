import { WilderAverage } from './wilder-average';

/** Average true range with Wilder's smoothing, as trading-signals' FasterATR; NaN while warming up. */
export class Atr {
  private readonly smoothing: WilderAverage;
  private prevClose = NaN;

  constructor(readonly period: number) {
    this.smoothing = new WilderAverage(period);
  }

  add(high: number, low: number, close: number): number {
    const pc = this.prevClose;
    this.prevClose = close;
    const tr = pc !== pc ? high - low : Math.max(high - low, Math.abs(high - pc), Math.abs(low - pc));
    const v = this.smoothing.add(tr);
    return this.smoothing.stable ? v : NaN;
  }
}
