import type { Candle } from '@app/contracts';
import { BacktestTrade, tradeExit, tradeR } from './trade-outcome';

const T = 1_746_489_600_000;
const bar = (i: number, low: number, high: number): Candle => ({ symbol: 'BTCUSDT', timeframe: '1m', open_time: T + i * 60_000, close_time: T + i * 60_000 + 59_999, open: (low + high) / 2, high, low, close: (low + high) / 2, volume: 1 });
const buy: BacktestTrade = { source: 'x', symbol: 'BTCUSDT', direction: 'BUY', entry: 100, stopLoss: 99, takeProfit: 102, enteredOn: T };
const sell: BacktestTrade = { ...buy, direction: 'SELL', stopLoss: 101, takeProfit: 98 };

describe('tradeExit', () => {
  it('ignores the entry candle itself', () => {
    expect(tradeExit(buy, bar(0, 90, 110))).toBeUndefined();
  });

  it('takes profit when the range reaches TP, stops out when it reaches SL, else stays open', () => {
    expect(tradeExit(buy, bar(1, 99.5, 101.9))).toBeUndefined();
    expect(tradeExit(buy, bar(1, 99.5, 102))).toBe('take_profit');
    expect(tradeExit(buy, bar(1, 99, 101))).toBe('stop_loss');
    expect(tradeExit(sell, bar(1, 98, 100.5))).toBe('take_profit');
    expect(tradeExit(sell, bar(1, 99, 101))).toBe('stop_loss');
  });

  it('counts the stop first when one candle touches both', () => {
    expect(tradeExit(buy, bar(1, 98, 103))).toBe('stop_loss');
    expect(tradeExit(sell, bar(1, 97, 102))).toBe('stop_loss');
  });
});

describe('tradeR', () => {
  it('is reward/risk at the target and -1 at the stop', () => {
    expect(tradeR(buy, 'take_profit')).toBe(2);
    expect(tradeR(sell, 'take_profit')).toBe(2);
    expect(tradeR(buy, 'stop_loss')).toBe(-1);
  });
});
