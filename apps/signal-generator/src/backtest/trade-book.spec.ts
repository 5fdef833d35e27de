import type { Candle } from '@app/contracts';
import { TradeBook } from './trade-book';

const T = 1_746_489_600_000;
const bar = (symbol: string, i: number, low: number, high: number): Candle => ({ symbol, timeframe: '1m', open_time: T + i * 60_000, close_time: T + i * 60_000 + 59_999, open: low, high, low, close: high, volume: 1 });

describe('TradeBook', () => {
  it('closes each symbol’s trades on that symbol’s later candles and scores them per source', () => {
    const book = new TradeBook(['a', 'b']);
    book.enter({ source: 'a', symbol: 'BTCUSDT', direction: 'BUY', entry: 100, stopLoss: 99, takeProfit: 102, enteredOn: T });
    book.enter({ source: 'b', symbol: 'BTCUSDT', direction: 'SELL', entry: 100, stopLoss: 101, takeProfit: 98.5, enteredOn: T });
    book.enter({ source: 'a', symbol: 'ETHUSDT', direction: 'BUY', entry: 10, stopLoss: 9, takeProfit: 12, enteredOn: T });
    book.onCandle(bar('BTCUSDT', 1, 99.5, 101)); // b's stop (101) hit
    book.onCandle(bar('ETHUSDT', 1, 9.5, 10.5)); // nothing
    book.onCandle(bar('BTCUSDT', 2, 100, 102.5)); // a's target
    book.voidOpen();
    const a = book.stats.get('a')!;
    const b = book.stats.get('b')!;
    expect([a.signals, a.wins, a.losses, a.unresolved, a.totalR]).toEqual([2, 1, 0, 1, 2]);
    expect([b.signals, b.wins, b.losses, b.unresolved, b.totalR]).toEqual([1, 0, 1, 0, -1]);
  });

  it('voids only the symbol asked', () => {
    const book = new TradeBook(['a']);
    book.enter({ source: 'a', symbol: 'BTCUSDT', direction: 'BUY', entry: 100, stopLoss: 99, takeProfit: 102, enteredOn: T });
    book.enter({ source: 'a', symbol: 'ETHUSDT', direction: 'BUY', entry: 10, stopLoss: 9, takeProfit: 12, enteredOn: T });
    book.voidOpen('ETHUSDT');
    book.onCandle(bar('BTCUSDT', 1, 100, 103));
    expect(book.stats.get('a')).toMatchObject({ wins: 1, unresolved: 1 });
  });
});
