import { equityCurve, exitLabel, liveR, maxDrawdown } from './positions';
import type { Position } from './types';

const closed = (closedAt: string, r: number, net?: number): Position => ({
  status: 'closed',
  position_id: closedAt,
  symbol: 'BTCUSDT',
  direction: 'BUY',
  strategy_name: 'x',
  entry_price: 100,
  stop_loss: 99,
  take_profit: 102,
  opened_at: closedAt,
  closed_at: closedAt,
  r_multiple: r,
  net_r_multiple: net,
});

describe('positions view logic', () => {
  it('live R is signed by direction, in units of the initial risk', () => {
    expect(liveR({ direction: 'BUY', entry_price: 100, stop_loss: 98 }, 103)).toBe(1.5);
    expect(liveR({ direction: 'SELL', entry_price: 100, stop_loss: 102 }, 103)).toBe(-1.5);
    expect(liveR({ direction: 'BUY', entry_price: 100, stop_loss: 98 }, undefined)).toBeNull();
  });
  it('equity is cumulative net R in close order (gross where no net), one point per second', () => {
    const curve = equityCurve([closed('2026-01-05T09:02:00Z', 2, 1.9), closed('2026-01-05T09:01:00Z', -1, -1.1), closed('2026-01-05T09:02:00Z', 1)]);
    expect(curve).toEqual([
      { time: Date.UTC(2026, 0, 5, 9, 1) / 1000, value: -1.1 },
      { time: Date.UTC(2026, 0, 5, 9, 2) / 1000, value: 1.8 },
    ]);
  });
  it('max drawdown is the deepest fall from a peak', () => {
    expect(maxDrawdown([{ time: 1, value: 2 }, { time: 2, value: -1 }, { time: 3, value: 3 }, { time: 4, value: 2.5 }])).toBe(-3);
    expect(maxDrawdown([])).toBe(0);
  });
  it('exit reasons read as words', () => {
    expect(exitLabel('take_profit')).toBe('Target');
    expect(exitLabel('opposite_signal')).toBe('Opposite signal');
    expect(exitLabel(undefined)).toBe('—');
  });
});
