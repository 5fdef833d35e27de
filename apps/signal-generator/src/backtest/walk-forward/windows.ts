import type { CandleSeries } from '../../market-data/replay/candle-series';

const DAY_MS = 86_400_000;

/** One walk-forward step: tune on [trainFrom, testFrom), then trade [testFrom, testUntil) untouched. */
export interface WalkForwardWindow {
  /** 1-based, in time order among the windows that have data. */
  index: number;
  trainFrom: number;
  testFrom: number;
  testUntil: number;
}

/**
 * Rolling windows over [firstOpen, lastOpen]: training `trainMs`, then a test of `testMs`, the
 * start stepping by `testMs` from the first candle's UTC midnight, so the test windows tile time
 * without overlapping and each follows its own training window. A window is kept only when its
 * test holds candles and its training holds at least half its length of candles for one symbol
 * (data with holes, months apart, leaves the empty stretches out).
 */
export function planWindows(series: CandleSeries, trainMs: number, testMs: number, feedMs: number): WalkForwardWindow[] {
  const candles = series.candles;
  if (candles.length === 0) return [];
  const first = candles[0].open_time - (candles[0].open_time % DAY_MS);
  const last = candles[candles.length - 1].open_time;
  const out: WalkForwardWindow[] = [];
  for (let trainFrom = first; trainFrom + trainMs <= last; trainFrom += testMs) {
    const testFrom = trainFrom + trainMs;
    const testUntil = testFrom + testMs;
    const testCandles = series.indexAt(testUntil) - series.indexAt(testFrom);
    if (testCandles === 0 || busiestSymbol(series, trainFrom, testFrom) < trainMs / feedMs / 2) continue;
    out.push({ index: out.length + 1, trainFrom, testFrom, testUntil });
  }
  return out;
}

/** Candles of the symbol with the most of them in [from, until). */
function busiestSymbol(series: CandleSeries, from: number, until: number): number {
  const counts = new Map<string, number>();
  for (let i = series.indexAt(from), end = series.indexAt(until); i < end; i++) {
    const s = series.candles[i].symbol;
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return Math.max(0, ...counts.values());
}
