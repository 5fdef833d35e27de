import type { Candle } from '@app/contracts';
import { CandleWindow } from './candle-window';

const candle = (symbol: string, minute: number, close = 100): Candle => ({
  symbol,
  timeframe: '1m',
  open_time: minute * 60_000,
  close_time: minute * 60_000 + 59_999,
  open: close,
  high: close + 1,
  low: close - 1,
  close,
  volume: 1,
});

describe('CandleWindow', () => {
  it('keeps the newest N per symbol, oldest first, apart per symbol', () => {
    const w = new CandleWindow(3);
    for (let m = 1; m <= 5; m++) w.add(candle('BTCUSDT', m));
    w.add(candle('ETHUSDT', 1));
    expect(w.last('BTCUSDT', 10).map((c) => c.open_time / 60_000)).toEqual([3, 4, 5]);
    expect(w.last('BTCUSDT', 2).map((c) => c.open_time / 60_000)).toEqual([4, 5]);
    expect(w.last('ETHUSDT', 10)).toHaveLength(1);
    expect(w.last('SOLUSDT', 10)).toEqual([]);
  });

  it('replaces a candle seen again and slots a late one in order', () => {
    const w = new CandleWindow(10);
    w.add(candle('BTCUSDT', 1));
    w.add(candle('BTCUSDT', 3));
    w.add(candle('BTCUSDT', 3, 105));
    w.add(candle('BTCUSDT', 2));
    expect(w.last('BTCUSDT', 10).map((c) => [c.open_time / 60_000, c.close])).toEqual([
      [1, 100],
      [2, 100],
      [3, 105],
    ]);
  });

  it('lists symbols with their newest close', () => {
    const w = new CandleWindow(10);
    w.add(candle('ETHUSDT', 1, 3000));
    w.add(candle('BTCUSDT', 1, 64000));
    w.add(candle('BTCUSDT', 2, 64100));
    expect(w.symbols().map((s) => [s.symbol, s.close, s.candles])).toEqual([
      ['BTCUSDT', 64100, 2],
      ['ETHUSDT', 3000, 1],
    ]);
  });
});
