import { FasterVWAP as VWAP } from 'trading-signals';
import { candlesFromCloses, sampleCandles } from '../../test/candles';
import { VwapDeviationStrategy } from './vwap-deviation.strategy';

describe('VwapDeviationStrategy', () => {
  it('votes BUY when price is stretched below the session VWAP, SELL above, nothing close to it', () => {
    const s = new VwapDeviationStrategy(0.5, 30);
    const candles = candlesFromCloses([...Array.from({ length: 40 }, () => 100), 99.3, 100, 100.8]);
    const votes = candles.map((c) => s.update(c));
    expect(votes.slice(0, 40).every((v) => v.direction === 'NONE')).toBe(true);
    expect(votes[40].direction).toBe('BUY');
    expect(votes[40].reason).toMatch(/close -0\.\d+% below session VWAP/);
    expect(votes[41].direction).toBe('NONE');
    expect(votes[42].direction).toBe('SELL');
  });

  it('starts a new VWAP each UTC day and waits for it to settle', () => {
    const s = new VwapDeviationStrategy(0.5, 30);
    const day1 = candlesFromCloses(Array.from({ length: 40 }, () => 100), { start: Date.UTC(2025, 4, 6, 23, 20) });
    for (const c of day1) s.update(c);
    const last = day1[day1.length - 1];
    expect(s.update({ ...last, open_time: last.open_time, close: 90, low: 89 }).direction).toBe('BUY');
    const midnight = { ...last, open_time: last.open_time + 60_000, close_time: last.close_time + 60_000, close: 90, low: 89 };
    expect(new Date(midnight.open_time).toISOString()).toBe('2025-05-07T00:00:00.000Z');
    expect(s.update(midnight).reason).toMatch(/not settled/);
  });

  it('on real BTC candles agrees with a separately computed session VWAP', () => {
    const s = new VwapDeviationStrategy(0.5, 30);
    let ref = new VWAP();
    let day = -1;
    let n = 0;
    let votes = 0;
    for (const c of sampleCandles('BTCUSDT')) {
      const d = Math.floor(c.open_time / 86_400_000);
      if (d !== day) [day, ref, n] = [d, new VWAP(), 0];
      n++;
      const v = s.update(c);
      const w = Number(ref.add({ high: c.high, low: c.low, close: c.close, volume: c.volume }) ?? ref.getResult());
      const dev = ((c.close - w) / w) * 100;
      if (n < 30 || Math.abs(Math.abs(dev) - 0.5) < 1e-6) continue;
      expect(v.direction).toBe(dev < -0.5 ? 'BUY' : dev > 0.5 ? 'SELL' : 'NONE');
      if (v.direction !== 'NONE') votes++;
    }
    expect(votes).toBeGreaterThan(100);
  });
});
