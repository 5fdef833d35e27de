import type { Candle } from '@app/contracts';
import { candlesFromCloses, flat, sampleCandles } from '../../test/candles';
import { VolumeSpikeStrategy } from './volume-spike.strategy';

describe('VolumeSpikeStrategy', () => {
  const quiet = candlesFromCloses(flat(25), { volume: 10 });
  const spike = (over: Partial<Candle>): Candle => ({ ...quiet[24], open_time: quiet[24].open_time + 60_000, close_time: quiet[24].close_time + 60_000, ...over });

  it('follows the taker delta of a volume burst when the feed has taker volume', () => {
    const s = new VolumeSpikeStrategy(20, 3, 0.3);
    quiet.forEach((c) => s.update(c));
    const buyers = s.update(spike({ volume: 50, taker_buy_volume: 40, open: 100, close: 99.9, high: 100.1, low: 99.8 }));
    expect(buyers.direction).toBe('BUY'); // the takers, not the red body, decide
    expect(buyers.reason).toMatch(/volume 5\.00x its 20-candle average, taker delta 0\.60/);
  });

  it('falls back to the candle body without taker volume, and ignores balanced or small bursts', () => {
    const s = new VolumeSpikeStrategy(20, 3, 0.3);
    quiet.forEach((c) => s.update(c));
    expect(s.update(spike({ volume: 50, open: 100, close: 99, high: 100.1, low: 98.9 })).direction).toBe('SELL');
    const t = new VolumeSpikeStrategy(20, 3, 0.3);
    quiet.forEach((c) => t.update(c));
    expect(t.update(spike({ volume: 50, taker_buy_volume: 26 })).reason).toMatch(/is balanced/);
    expect(t.update(spike({ volume: 12, open: 100, close: 101, high: 101, low: 100 })).direction).toBe('NONE');
  });

  it('on real BTC candles votes only on volume at least 3x the previous 20 candles', () => {
    const s = new VolumeSpikeStrategy(20, 3, 0.3);
    const candles = sampleCandles('BTCUSDT');
    let votes = 0;
    candles.forEach((c, i) => {
      const v = s.update(c);
      if (v.direction === 'NONE') return;
      votes++;
      const avg = candles.slice(i - 20, i).reduce((a, x) => a + x.volume, 0) / 20;
      expect(c.volume / avg).toBeGreaterThanOrEqual(3 - 1e-9);
      expect(Math.sign(c.close - c.open)).toBe(v.direction === 'BUY' ? 1 : -1);
    });
    expect(votes).toBeGreaterThan(50);
  });
});
