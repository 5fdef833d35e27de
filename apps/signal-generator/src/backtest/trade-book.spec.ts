import type { Candle } from '@app/contracts';
import { DEFAULT_COSTS, NO_COSTS } from '@app/trading';
import { TradeBook, type BookTrade, type ClosedTrade } from './trade-book';

const T = 1_746_489_600_000;
const bar = (symbol: string, i: number, low: number, high: number, open = low, close = high): Candle => ({ symbol, timeframe: '1m', open_time: T + i * 60_000, close_time: T + i * 60_000 + 59_999, open, high, low, close, volume: 1 });
const trade = (over: Partial<BookTrade>): BookTrade => ({ source: 'a', symbol: 'BTCUSDT', direction: 'BUY', entry: 100, stopLoss: 99, takeProfit: 102, enteredOn: T, enteredAt: T + 60_000, ...over });
const summary = (b: TradeBook, source: string) => {
  const s = b.stats.get(source)!;
  return [s.signals, s.gross.wins, s.gross.losses, s.unresolved, s.gross.total];
};

describe('TradeBook', () => {
  it('closes each symbol’s trades on that symbol’s later candles and scores them per source', () => {
    const book = new TradeBook(['a', 'b'], { costs: NO_COSTS });
    book.signal(trade({ source: 'a' }));
    book.signal(trade({ source: 'b', direction: 'SELL', stopLoss: 101, takeProfit: 98.5 }));
    book.signal(trade({ source: 'a', symbol: 'ETHUSDT', entry: 10, stopLoss: 9, takeProfit: 12 }));
    book.onCandle(bar('BTCUSDT', 1, 99.5, 101)); // b's stop (101) hit
    book.onCandle(bar('ETHUSDT', 1, 9.5, 10.5)); // nothing
    book.onCandle(bar('BTCUSDT', 2, 100, 102.5)); // a's target
    book.voidOpen();
    expect(summary(book, 'a')).toEqual([2, 1, 0, 1, 2]);
    expect(summary(book, 'b')).toEqual([1, 0, 1, 0, -1]);
  });

  it('voids only the symbol asked', () => {
    const book = new TradeBook(['a'], { costs: NO_COSTS });
    book.signal(trade({}));
    book.signal(trade({ symbol: 'ETHUSDT', entry: 10, stopLoss: 9, takeProfit: 12 }));
    book.voidOpen('ETHUSDT');
    book.onCandle(bar('BTCUSDT', 1, 100, 103));
    expect(book.stats.get('a')!.gross.wins).toBe(1);
    expect(book.stats.get('a')!.unresolved).toBe(1);
  });

  it('keeps one position per symbol and source, as the position-closer: same direction ignored, opposite reverses at its entry', () => {
    const closed: ClosedTrade[] = [];
    const book = new TradeBook(['a'], { costs: NO_COSTS, onClose: (t) => closed.push(t) });
    expect(book.signal(trade({}))).toBe('open');
    expect(book.signal(trade({ enteredOn: T + 60_000, entry: 100.5 }))).toBe('ignore');
    expect(book.signal(trade({ direction: 'SELL', entry: 101, stopLoss: 102, takeProfit: 99, enteredOn: T + 120_000 }))).toBe('reverse');
    // the BUY closed at the SELL's entry: +1 / 1 = +1 R; the SELL is open
    expect(closed.map((t) => [t.direction, t.reason, t.exitPrice, t.result.grossR])).toEqual([['BUY', 'opposite_signal', 101, 1]]);
    expect(book.stats.get('a')).toMatchObject({ signals: 3, ignored: 1 });
  });

  it('fills a stop gapped through at the open (worse than −1 R), as the closer does', () => {
    const closed: ClosedTrade[] = [];
    const book = new TradeBook(['a'], { costs: NO_COSTS, onClose: (t) => closed.push(t) });
    book.signal(trade({}));
    book.onCandle(bar('BTCUSDT', 1, 97.5, 98.2, 98, 97.8)); // opens at 98, below the 99 stop
    expect(closed.map((t) => [t.reason, t.exitPrice, t.result.grossR])).toEqual([['stop_loss', 98, -2]]);
  });

  it('closes at the candle close when the max hold ends, and scores net of costs beside gross', () => {
    const closed: ClosedTrade[] = [];
    const book = new TradeBook(['a'], { costs: DEFAULT_COSTS, maxHoldMs: 2 * 60_000, onClose: (t) => closed.push(t) });
    book.signal(trade({ tick: 0.01 })); // entered at T + 1 min; held until T + 3 min
    book.onCandle(bar('BTCUSDT', 1, 99.5, 101, 100, 100.5)); // ends at T + 2 min: still held
    expect(closed).toEqual([]);
    book.onCandle(bar('BTCUSDT', 2, 99.5, 101, 100.5, 100.8)); // ends at T + 3 min: closed at 100.8
    expect(closed.map((t) => [t.reason, t.exitPrice])).toEqual([['max_hold', 100.8]]);
    // gross 0.8 R; net: fills 100.01 and 100.79, fees (100.01 + 100.79) × 5 / 10^4 = 0.1004 → 0.6796 R
    const s = book.stats.get('a')!;
    expect(s.gross.total).toBeCloseTo(0.8, 10);
    expect(s.net.total).toBeCloseTo(0.6796, 10);
  });
});
