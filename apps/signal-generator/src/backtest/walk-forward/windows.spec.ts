import type { Candle } from '@app/contracts';
import { sampleCandles } from '../../../test/candles';
import { CandleSeries } from '../../market-data/replay/candle-series';
import { planWindows } from './windows';

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('planWindows', () => {
  it('tiles the data with test windows, each after a training window of its own', () => {
    // 4 days of 1m candles from 2025-05-06 00:00: train 2d, test 1d -> tests on 05-08 and 05-09.
    const series = CandleSeries.of(sampleCandles('BTCUSDT'));
    const w = planWindows(series, 2 * DAY, DAY, 60_000);
    const start = Date.UTC(2025, 4, 6);
    expect(w).toEqual([
      { index: 1, trainFrom: start, testFrom: start + 2 * DAY, testUntil: start + 3 * DAY },
      { index: 2, trainFrom: start + DAY, testFrom: start + 3 * DAY, testUntil: start + 4 * DAY },
    ]);
  });

  it('starts at the first candle’s UTC midnight and leaves out windows whose training data is mostly missing', () => {
    const btc = sampleCandles('BTCUSDT');
    // Day 2 (05-07) missing entirely: a 1-day training window on it cannot be trusted.
    const holed: Candle[] = btc.filter((c) => c.open_time < Date.UTC(2025, 4, 7) || c.open_time >= Date.UTC(2025, 4, 8)).slice(60);
    const w = planWindows(CandleSeries.of(holed), DAY, 12 * HOUR, 60_000);
    const tests = w.map((x) => new Date(x.testFrom).toISOString().slice(5, 13));
    // The data starts at 01:00, the windows at midnight and noon. Tests on 05-07 have no candles;
    // a training day that is the empty 05-07 (or more than half of it) is not used either.
    expect(tests).toEqual(['05-08T12', '05-09T00', '05-09T12']);
    expect(w[0].trainFrom).toBe(Date.UTC(2025, 4, 7, 12));
    expect(w.map((x) => x.index)).toEqual([1, 2, 3]);
  });

  it('has no window when the data is shorter than the training length', () => {
    expect(planWindows(CandleSeries.of(sampleCandles('ETHUSDT')), 14 * DAY, 7 * DAY, 60_000)).toEqual([]);
    expect(planWindows(CandleSeries.of([]), DAY, DAY, 60_000)).toEqual([]);
  });
});
