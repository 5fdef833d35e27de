import { FasterEMA as EMA, FasterMACD as MACD } from 'trading-signals';
import { candlesFromCloses, sampleCandles } from '../../test/candles';
import { MacdTurnStrategy } from './macd-turn.strategy';

describe('MacdTurnStrategy', () => {
  it('votes BUY when the histogram turns up below zero after a decline', () => {
    const s = new MacdTurnStrategy(12, 26, 9);
    const closes = [...Array.from({ length: 40 }, () => 100), ...Array.from({ length: 12 }, (_, i) => 100 - (i + 1) * 0.3), 96.6, 97.2, 97.8];
    const votes = candlesFromCloses(closes).map((c) => s.update(c));
    const buy = votes.findIndex((v) => v.direction === 'BUY');
    expect(buy).toBeGreaterThan(51);
    expect(votes[buy].reason).toMatch(/MACD histogram turned up below zero \(-\d/);
    expect(votes.some((v) => v.direction === 'SELL')).toBe(false);
  });

  it('on real ETH candles votes only at a separately computed histogram turn on the right side of zero', () => {
    const s = new MacdTurnStrategy(12, 26, 9);
    const ref = new MACD(new EMA(12), new EMA(26), new EMA(9));
    const h: number[] = [];
    let votes = 0;
    for (const c of sampleCandles('ETHUSDT')) {
      const v = s.update(c);
      const r = ref.add(c.close);
      if (r) h.push(Number(r.histogram));
      if (v.direction === 'NONE') continue;
      votes++;
      const [h0, h1, h2] = [h[h.length - 1], h[h.length - 2], h[h.length - 3]];
      if (v.direction === 'BUY') expect(h0 < 0 && h1 <= h2 && h0 >= h1).toBe(true);
      else expect(h0 > 0 && h1 >= h2 && h0 <= h1).toBe(true);
    }
    expect(votes).toBeGreaterThan(200);
  });
});
