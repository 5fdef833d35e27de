import { DEFAULT_COSTS, NO_COSTS, tradeResult } from './costs';

describe('tradeResult (hand-checked)', () => {
  const buy = { direction: 'BUY' as const, entry: 100, stopLoss: 98, tick: 0.01 };

  it('defaults are Binance USDT-M VIP 0: taker 5 bps, maker 2 bps, one tick of slippage', () => {
    expect(DEFAULT_COSTS).toEqual({ takerFeeBps: 5, makerFeeBps: 2, slippageTicks: 1 });
  });

  it('a target: market entry (taker, one tick worse), limit exit (maker, at its price)', () => {
    // entry fill 100.01; fees (100.01 × 5 + 104 × 2) / 10^4 = 0.070805
    // net 104 − 100.01 − 0.070805 = 3.919195 → 3.919195 / 2 = 1.9595975 R, 3.919195 %
    const r = tradeResult({ ...buy, reason: 'take_profit', exitPrice: 104 }, DEFAULT_COSTS);
    expect(r.grossR).toBe(2);
    expect(r.grossPnlPct).toBe(4);
    expect(r.netR).toBeCloseTo(1.9595975, 10);
    expect(r.netPnlPct).toBeCloseTo(3.919195, 10);
    expect(r.feesPerUnit).toBeCloseTo(0.070805, 10);
    expect(r.slippagePerUnit).toBeCloseTo(0.01, 10);
  });

  it('a stop: taker on both sides, one tick of slippage on each', () => {
    // fills 100.01 and 97.99; fees (100.01 + 97.99) × 5 / 10^4 = 0.099
    // net 97.99 − 100.01 − 0.099 = −2.119 → −1.0595 R: worse than −1 R after costs
    const r = tradeResult({ ...buy, reason: 'stop_loss', exitPrice: 98 }, DEFAULT_COSTS);
    expect(r.grossR).toBe(-1);
    expect(r.netR).toBeCloseTo(-1.0595, 10);
    expect(r.feesPerUnit).toBeCloseTo(0.099, 10);
    expect(r.slippagePerUnit).toBeCloseTo(0.02, 10);
  });

  it('a SELL stop gapped through to 206: slippage below entry and above the gap', () => {
    // tick 0.1: fills 199.9 and 206.1; fees (199.9 + 206.1) × 5 / 10^4 = 0.203
    // net 199.9 − 206.1 − 0.203 = −6.403, risk 4 → −1.60075 R (gross −6 / 4 = −1.5 R)
    const r = tradeResult({ direction: 'SELL', entry: 200, stopLoss: 204, tick: 0.1, reason: 'stop_loss', exitPrice: 206 }, DEFAULT_COSTS);
    expect(r.grossR).toBe(-1.5);
    expect(r.netR).toBeCloseTo(-1.60075, 10);
  });

  it('early exits are market orders: taker fee and slippage', () => {
    const manual = tradeResult({ ...buy, reason: 'manual', exitPrice: 101 }, DEFAULT_COSTS);
    // fills 100.01 and 100.99; fees (100.01 + 100.99) × 5 / 10^4 = 0.1005; net 0.98 − 0.1005 = 0.8795
    expect(manual.netR).toBeCloseTo(0.43975, 10);
    expect(manual.grossR).toBe(0.5);
  });

  it('an unknown tick prices no slippage; no costs leaves the gross figures', () => {
    const r = tradeResult({ ...buy, tick: undefined, reason: 'stop_loss', exitPrice: 98 }, DEFAULT_COSTS);
    expect(r.slippagePerUnit).toBeCloseTo(0, 12);
    expect(r.netR).toBeCloseTo((-2 - 0.099) / 2, 10);
    const free = tradeResult({ ...buy, reason: 'take_profit', exitPrice: 104 }, NO_COSTS);
    expect([free.netR, free.netPnlPct, free.feesPerUnit]).toEqual([2, 4, 0]);
  });
});
