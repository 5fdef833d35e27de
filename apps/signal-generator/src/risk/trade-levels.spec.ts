import { SignalSchema } from '@app/contracts';
import { DEFAULT_RISK_PARAMS, RiskParams } from './risk-params';
import { computeLevels, LevelsResult, TradeLevels } from './trade-levels';

const P: RiskParams = { ...DEFAULT_RISK_PARAMS };
const ok = (r: LevelsResult): TradeLevels => {
  if (!r.ok) throw new Error(r.reason);
  return r.levels;
};
const onGrid = (x: number, tick: number) => Math.abs(x / tick - Math.round(x / tick)) < 1e-6;

describe('computeLevels', () => {
  it('puts SL at 1.5 ATR and TP at 3 ATR from entry, on the tick grid, for BUY and SELL', () => {
    const buy = ok(computeLevels('BUY', 100000, 200, 0.1, P));
    expect(buy).toEqual({ entry: 100000, stopLoss: 99700, takeProfit: 100600, riskReward: 2, leverage: 10 });
    const sell = ok(computeLevels('SELL', 100000, 200, 0.1, P));
    expect(sell).toEqual({ entry: 100000, stopLoss: 100300, takeProfit: 99400, riskReward: 2, leverage: 10 });
  });

  it('applies the percentage floor and cap to the stop', () => {
    expect(ok(computeLevels('BUY', 1000, 0.01, 0.01, P)).stopLoss).toBe(998.5); // floor 0.15 %
    expect(ok(computeLevels('BUY', 1000, 100, 0.01, P)).stopLoss).toBe(985); // cap 1.5 %
  });

  it('raises the target to reach MIN_RR, and refuses when the cap forbids it', () => {
    const l = ok(computeLevels('BUY', 1000, 2, 0.01, { ...P, tpAtrMult: 1 }));
    expect(l.riskReward).toBeGreaterThanOrEqual(1.5);
    const r = computeLevels('BUY', 1000, 100, 0.01, { ...P, tpMaxPct: 1 });
    expect(r).toEqual({ ok: false, reason: 'target for RR 1.5 exceeds the 1% cap' });
  });

  it('never lets rounding put SL/TP on the wrong side or push RR under MIN_RR, even on a coarse tick', () => {
    for (const tick of [0.1, 0.5, 1, 5, 10]) {
      for (const atr of [0.3, 1, 7.7, 33.3, 150]) {
        for (const dir of ['BUY', 'SELL'] as const) {
          const r = computeLevels(dir, 95478.1, atr, tick, P);
          if (!r.ok) continue;
          const l = r.levels;
          expect(onGrid(l.stopLoss, tick) && onGrid(l.takeProfit, tick) && onGrid(l.entry, tick)).toBe(true);
          expect(Math.abs(l.takeProfit - l.entry) / Math.abs(l.entry - l.stopLoss)).toBeGreaterThanOrEqual(P.minRr);
          expect(l.riskReward).toBeGreaterThanOrEqual(P.minRr);
          const signal = {
            timestamp: '2025-05-06T00:00:00.000000', symbol: 'BTCUSDT', direction: dir, entry_price: l.entry, stop_loss: l.stopLoss, take_profit: l.takeProfit,
            leverage: l.leverage, signal_strength: 50, timeframe: '1m', strategy_name: 'x', metadata: { consensus_confidence: 50, strategies_agree: 3, risk_reward_ratio: l.riskReward },
          };
          expect(SignalSchema.safeParse(signal).success).toBe(true);
        }
      }
    }
  });

  it('keeps the stop at least one tick away when the tick is wider than the stop distance', () => {
    const l = ok(computeLevels('SELL', 1.2345, 0.00001, 0.01, P));
    expect(l.entry).toBe(1.23);
    expect(l.stopLoss).toBeGreaterThan(l.entry);
    expect(l.takeProfit).toBeLessThan(l.entry);
  });

  it('caps leverage at MAX_LEVERAGE and keeps it an integer', () => {
    expect(ok(computeLevels('BUY', 100, 0.5, 0.01, { ...P, leverage: 50, maxLeverage: 20 })).leverage).toBe(20);
    expect(ok(computeLevels('BUY', 100, 0.5, 0.01, { ...P, leverage: 7.9 })).leverage).toBe(7);
  });
});
