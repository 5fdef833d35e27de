import { FasterRSI as RSI } from 'trading-signals';
import { candlesFromCloses, sampleCandles } from '../../test/candles';
import { RsiExtremeStrategy } from './rsi-extreme.strategy';

describe('RsiExtremeStrategy', () => {
  it('votes BUY in a steady sell-off and SELL in a steady rally, more confident the deeper', () => {
    const down = new RsiExtremeStrategy(14, 30, 70);
    const falling = candlesFromCloses(Array.from({ length: 30 }, (_, i) => 100 - i * 0.3 + (i % 3 === 0 ? 0.1 : 0))).map((c) => down.update(c));
    const last = falling[falling.length - 1];
    expect(last.direction).toBe('BUY');
    expect(last.reason).toMatch(/^RSI\(14\) \d+\.\d <= 30: oversold$/);
    expect(last.confidence).toBeGreaterThan(75);
    const up = new RsiExtremeStrategy(14, 30, 70);
    const rising = candlesFromCloses(Array.from({ length: 30 }, (_, i) => 100 + i * 0.3)).map((c) => up.update(c));
    expect(rising[29].direction).toBe('SELL');
    expect(rising[29].reason).toMatch(/overbought/);
  });

  it('on real ETH candles votes exactly when a separately computed RSI(14) is beyond 30/70', () => {
    const s = new RsiExtremeStrategy(14, 30, 70);
    const ref = new RSI(14);
    const counts = { BUY: 0, SELL: 0, NONE: 0 };
    for (const c of sampleCandles('ETHUSDT')) {
      const v = s.update(c);
      const r = ref.add(c.close);
      counts[v.direction]++;
      if (r === null) continue;
      const x = Number(r);
      if (Math.abs(x - 30) < 1e-6 || Math.abs(x - 70) < 1e-6) continue;
      expect(v.direction).toBe(x < 30 ? 'BUY' : x > 70 ? 'SELL' : 'NONE');
      if (v.direction !== 'NONE') expect(v.reason).toContain(`RSI(14) ${x.toFixed(1)}`);
    }
    expect(counts.BUY).toBeGreaterThan(50);
    expect(counts.SELL).toBeGreaterThan(50);
  });
});
