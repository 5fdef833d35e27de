import { FasterEMA as EMA } from 'trading-signals';
import { candlesFromCloses, flat, sampleCandles } from '../../test/candles';
import { EmaCrossStrategy } from './ema-cross.strategy';

describe('EmaCrossStrategy', () => {
  it('votes BUY on an upward cross, holds it (fading) for 3 candles, then goes quiet', () => {
    const s = new EmaCrossStrategy(9, 21, 3);
    const closes = [...Array.from({ length: 30 }, (_, i) => 100 - i * 0.05), ...Array.from({ length: 10 }, (_, i) => 98.6 + (i + 1) * 0.4)];
    const votes = candlesFromCloses(closes).map((c) => s.update(c));
    const buys = votes.map((v, i) => [i, v] as const).filter(([, v]) => v.direction === 'BUY');
    expect(buys).toHaveLength(3);
    expect(buys[0][1].reason).toMatch(/EMA9 crossed above EMA21 on this candle/);
    expect(buys[1][1].reason).toMatch(/1 candle\(s\) ago/);
    expect(buys[1][1].confidence).toBeLessThan(buys[0][1].confidence + 40);
    expect(votes.slice(buys[2][0] + 1).every((v) => v.direction === 'NONE')).toBe(true);
    expect(votes.filter((v) => v.direction === 'SELL')).toHaveLength(0);
  });

  it('votes SELL on a downward cross and never during warm-up', () => {
    const s = new EmaCrossStrategy(9, 21, 3);
    const closes = [...Array.from({ length: 30 }, (_, i) => 100 + i * 0.05), ...Array.from({ length: 5 }, (_, i) => 101.5 - (i + 1) * 0.5)];
    const votes = candlesFromCloses(closes).map((c) => s.update(c));
    expect(votes.slice(0, 20).every((v) => v.direction === 'NONE' && v.reason === 'warming up')).toBe(true);
    expect(votes.find((v) => v.direction === 'SELL')?.reason).toMatch(/crossed below/);
    const quiet = new EmaCrossStrategy();
    expect(candlesFromCloses(flat(30)).map((c) => quiet.update(c)).filter((v) => v.direction !== 'NONE').length).toBeLessThan(30);
  });

  it('on real BTC candles votes only within 3 candles of a real cross, in its direction', () => {
    const candles = sampleCandles('BTCUSDT');
    const s = new EmaCrossStrategy(9, 21, 3);
    const [fast, slow] = [new EMA(9), new EMA(21)];
    const diff: number[] = [];
    let buys = 0;
    let sells = 0;
    candles.forEach((c, i) => {
      const v = s.update(c);
      diff.push(Number(fast.add(c.close)) - Number(slow.add(c.close)));
      if (v.direction === 'NONE') return;
      const sign = v.direction === 'BUY' ? 1 : -1;
      expect(Math.sign(diff[i])).toBe(sign);
      const crossed = [0, 1, 2].some((k) => i - k - 1 >= 21 && Math.sign(diff[i - k - 1]) === -sign);
      expect(crossed).toBe(true);
      if (sign > 0) buys++;
      else sells++;
    });
    expect(buys).toBeGreaterThan(50);
    expect(sells).toBeGreaterThan(50);
  });
});
