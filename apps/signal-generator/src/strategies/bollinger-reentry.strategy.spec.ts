import { FasterBollingerBands as BollingerBands } from 'trading-signals';
import { candlesFromCloses, flat, sampleCandles } from '../../test/candles';
import { BollingerReentryStrategy } from './bollinger-reentry.strategy';

describe('BollingerReentryStrategy', () => {
  it('votes BUY when a close comes back inside after a close below the lower band, not during the drop', () => {
    const s = new BollingerReentryStrategy(20, 2);
    const votes = candlesFromCloses([...flat(25), 98, 100]).map((c) => s.update(c));
    expect(votes[25].direction).toBe('NONE'); // the excursion itself
    expect(votes[26].direction).toBe('BUY');
    expect(votes[26].reason).toMatch(/re-entered BB\(20,2\) from below/);
  });

  it('votes SELL on re-entry from above', () => {
    const s = new BollingerReentryStrategy(20, 2);
    const votes = candlesFromCloses([...flat(25), 102, 100]).map((c) => s.update(c));
    expect(votes[26].direction).toBe('SELL');
  });

  it('on real BTC candles votes only on a re-entry by separately computed bands', () => {
    const s = new BollingerReentryStrategy(20, 2);
    const ref = new BollingerBands(20, 2);
    let prev: { close: number; lower: number; upper: number } | undefined;
    let votes = 0;
    for (const c of sampleCandles('BTCUSDT')) {
      const v = s.update(c);
      const b = ref.add(c.close);
      const now = b ? { close: c.close, lower: Number(b.lower), upper: Number(b.upper) } : undefined;
      if (v.direction === 'BUY') expect(prev!.close < prev!.lower + 1e-6 && now!.close >= now!.lower - 1e-6).toBe(true);
      if (v.direction === 'SELL') expect(prev!.close > prev!.upper - 1e-6 && now!.close <= now!.upper + 1e-6).toBe(true);
      if (v.direction !== 'NONE') votes++;
      prev = now;
    }
    expect(votes).toBeGreaterThan(100);
  });
});
