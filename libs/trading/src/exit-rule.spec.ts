import type { Candle } from '@app/contracts';
import { exitOnCandle, type ExitLevels } from './exit-rule';

const T0 = Date.UTC(2025, 4, 6, 12, 0, 0);
const bar = (minute: number, o: number, h: number, l: number): Pick<Candle, 'open_time' | 'open' | 'high' | 'low'> => ({ open_time: T0 + minute * 60_000, open: o, high: h, low: l });
const buy: ExitLevels = { direction: 'BUY', stopLoss: 98, takeProfit: 104, marketTimeMs: T0 };
const sell: ExitLevels = { direction: 'SELL', stopLoss: 204, takeProfit: 190, marketTimeMs: T0 };

describe('exitOnCandle', () => {
  it('ignores the signal candle itself and earlier ones', () => {
    expect(exitOnCandle(buy, bar(0, 100, 110, 90))).toBeNull();
    expect(exitOnCandle(buy, bar(-1, 100, 110, 90))).toBeNull();
  });

  it('closes a BUY at the target when the high reaches it, at the stop when the low does, else not', () => {
    expect(exitOnCandle(buy, bar(1, 100, 104, 99))).toEqual({ reason: 'take_profit', price: 104 });
    expect(exitOnCandle(buy, bar(1, 100, 101, 98))).toEqual({ reason: 'stop_loss', price: 98 });
    expect(exitOnCandle(buy, bar(1, 100, 103.9, 98.1))).toBeNull();
  });

  it('closes a SELL the other way round', () => {
    expect(exitOnCandle(sell, bar(1, 200, 201, 190))).toEqual({ reason: 'take_profit', price: 190 });
    expect(exitOnCandle(sell, bar(1, 200, 204, 199))).toEqual({ reason: 'stop_loss', price: 204 });
    expect(exitOnCandle(sell, bar(1, 200, 203.9, 190.1))).toBeNull();
  });

  it('takes the stop when one candle touches both levels', () => {
    expect(exitOnCandle(buy, bar(1, 100, 105, 97))).toEqual({ reason: 'stop_loss', price: 98 });
    expect(exitOnCandle(sell, bar(1, 200, 205, 189))).toEqual({ reason: 'stop_loss', price: 204 });
  });

  it('fills a stop gapped through at the open, and a target gapped through at its limit price', () => {
    expect(exitOnCandle(buy, bar(1, 97, 97.5, 96))).toEqual({ reason: 'stop_loss', price: 97 });
    expect(exitOnCandle(sell, bar(1, 206, 207, 205))).toEqual({ reason: 'stop_loss', price: 206 });
    expect(exitOnCandle(buy, bar(1, 106, 107, 105))).toEqual({ reason: 'take_profit', price: 104 });
    expect(exitOnCandle(sell, bar(1, 188, 189, 187))).toEqual({ reason: 'take_profit', price: 190 });
  });
});
