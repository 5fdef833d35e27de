import { BacktestStats } from './backtest-stats';

describe('BacktestStats', () => {
  it('matches a hand-checked sequence', () => {
    // R: +2, -1, -1, +1.5, -1, -1, -1, +2.5  → wins 3, losses 5, total +1.0
    // equity: 2, 1, 0, 1.5, 0.5, -0.5, -1.5, 1.0 → peak 2, trough -1.5: max drawdown 3.5
    // profit factor: (2 + 1.5 + 2.5) / 5 = 1.2
    const s = new BacktestStats();
    for (const r of [2, -1, -1, 1.5, -1, -1, -1, 2.5]) {
      s.opened();
      s.closed(r);
    }
    s.opened();
    s.voided();
    expect(s.signals).toBe(9);
    expect(s.closedTrades).toBe(8);
    expect(s.unresolved).toBe(1);
    expect(s.winRate).toBe(3 / 8);
    expect(s.averageR).toBeCloseTo(1 / 8, 12);
    expect(s.totalR).toBeCloseTo(1, 12);
    expect(s.profitFactor).toBeCloseTo(1.2, 12);
    expect(s.maxDrawdownR).toBeCloseTo(3.5, 12);
  });

  it('counts a drawdown from the start (losses first) and reports the edge cases', () => {
    const s = new BacktestStats();
    expect([s.winRate, s.averageR, s.profitFactor, s.maxDrawdownR]).toEqual([undefined, undefined, undefined, 0]);
    s.closed(-1);
    s.closed(-1);
    expect(s.maxDrawdownR).toBe(2);
    const w = new BacktestStats();
    w.closed(2);
    expect(w.profitFactor).toBe(Infinity);
  });
});
