import { TradeStats } from './trade-stats';

describe('TradeStats', () => {
  it('matches a hand-checked sequence', () => {
    // R: +2, -1, -1, +1.5, -1, -1, -1, +2.5  → wins 3, losses 5, total +1.0
    // equity: 2, 1, 0, 1.5, 0.5, -0.5, -1.5, 1.0 → peak 2, trough -1.5: max drawdown 3.5
    // profit factor: (2 + 1.5 + 2.5) / 5 = 1.2; expectancy 3/8 × 2 − 5/8 × 1 = 0.125
    const s = new TradeStats();
    for (const r of [2, -1, -1, 1.5, -1, -1, -1, 2.5]) s.add(r);
    expect([s.trades, s.wins, s.losses]).toEqual([8, 3, 5]);
    expect(s.winRate).toBe(3 / 8);
    expect(s.average).toBeCloseTo(1 / 8, 12);
    expect(s.expectancy).toBeCloseTo(1 / 8, 12);
    expect(s.total).toBeCloseTo(1, 12);
    expect(s.profitFactor).toBeCloseTo(1.2, 12);
    expect([s.grossWon, s.grossLost]).toEqual([6, 5]);
    expect(s.maxDrawdown).toBeCloseTo(3.5, 12);
  });

  it('counts a drawdown from the start (losses first), a break-even as a trade only, and reports the edge cases', () => {
    const s = new TradeStats();
    expect([s.winRate, s.average, s.expectancy, s.profitFactor, s.maxDrawdown]).toEqual([undefined, undefined, undefined, undefined, 0]);
    s.add(-1);
    s.add(-1);
    s.add(0);
    expect(s.maxDrawdown).toBe(2);
    expect([s.trades, s.wins, s.losses, s.profitFactor]).toEqual([3, 0, 2, 0]);
    const w = new TradeStats();
    w.add(2);
    expect(w.profitFactor).toBe(Infinity);
  });
});
