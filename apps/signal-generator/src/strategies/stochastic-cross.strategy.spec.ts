import { FasterStochasticOscillator as StochasticOscillator } from 'trading-signals';
import { candlesFromCloses, sampleCandles } from '../../test/candles';
import { StochasticCrossStrategy } from './stochastic-cross.strategy';

describe('StochasticCrossStrategy', () => {
  it('votes BUY when %K crosses above %D deep in oversold after a sell-off', () => {
    const s = new StochasticCrossStrategy(14, 3, 3, 20);
    const closes = [...Array.from({ length: 25 }, (_, i) => 100 - i * 0.5), 87.9, 88.3];
    const votes = candlesFromCloses(closes).map((c) => s.update(c));
    const buy = votes.find((v) => v.direction === 'BUY');
    expect(buy?.reason).toMatch(/%K crossed above %D in oversold zone/);
    expect(votes.some((v) => v.direction === 'SELL')).toBe(false);
  });

  it('on real ETH candles votes only on a separately computed %K/%D cross inside the zone', () => {
    const s = new StochasticCrossStrategy(14, 3, 3, 20);
    const ref = new StochasticOscillator(14, 3, 3);
    let prevDiff: number | undefined;
    let votes = 0;
    for (const c of sampleCandles('ETHUSDT')) {
      const v = s.update(c);
      const r = ref.add({ high: c.high, low: c.low, close: c.close });
      const diff = r ? Number(r.stochK) - Number(r.stochD) : undefined;
      if (v.direction === 'BUY') expect(prevDiff! <= 1e-9 && diff! > -1e-9 && Number(r!.stochD) < 20 + 1e-9).toBe(true);
      if (v.direction === 'SELL') expect(prevDiff! >= -1e-9 && diff! < 1e-9 && Number(r!.stochD) > 80 - 1e-9).toBe(true);
      if (v.direction !== 'NONE') votes++;
      prevDiff = diff;
    }
    expect(votes).toBeGreaterThan(100);
  });
});
