import type { Candle } from '@app/contracts';
import { CandleSequence } from './candle-sequence';

const candle = (symbol: string, openTime: number): Candle => ({
  symbol, timeframe: '1m', open_time: openTime, close_time: openTime + 59_999,
  open: 1, high: 1, low: 1, close: 1, volume: 0,
});

describe('CandleSequence', () => {
  it('classifies per symbol: next, duplicate (at or before the cursor) and gap (with where it starts)', () => {
    const seq = new CandleSequence(60_000);
    expect(seq.classify(candle('BTCUSDT', 600_000))).toEqual({ kind: 'next' });
    seq.advance(candle('BTCUSDT', 600_000));
    expect(seq.nextOpenTime('BTCUSDT')).toBe(660_000);
    expect(seq.nextOpenTime('ETHUSDT')).toBeUndefined();
    expect(seq.classify(candle('BTCUSDT', 600_000))).toEqual({ kind: 'duplicate' });
    expect(seq.classify(candle('BTCUSDT', 540_000))).toEqual({ kind: 'duplicate' });
    expect(seq.classify(candle('BTCUSDT', 660_000))).toEqual({ kind: 'next' });
    expect(seq.classify(candle('BTCUSDT', 840_000))).toEqual({ kind: 'gap', from: 660_000 });
    expect(seq.classify(candle('ETHUSDT', 0))).toEqual({ kind: 'next' });
    expect(seq.isNew(candle('BTCUSDT', 600_000))).toBe(false);
    expect(seq.isNew(candle('BTCUSDT', 840_000))).toBe(true);
  });
});
