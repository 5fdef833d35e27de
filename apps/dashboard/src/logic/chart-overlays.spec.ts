import { priceLevels, signalMarkers, toBars } from './chart-overlays';
import type { Candle, Signal } from './types';

const T0 = Date.UTC(2026, 0, 5, 9, 0);
const candles: Candle[] = [0, 1, 2, 3].map((i) => ({
  symbol: 'BTCUSDT',
  timeframe: '1m',
  open_time: T0 + i * 60_000,
  close_time: T0 + i * 60_000 + 59_999,
  open: 100,
  high: 101,
  low: 99,
  close: 100,
  volume: 1,
}));
const sig = (id: string, direction: 'BUY' | 'SELL', at: string, candleTime?: string): Signal => ({
  id,
  timestamp: at,
  symbol: 'BTCUSDT',
  direction,
  entry_price: 100,
  stop_loss: direction === 'BUY' ? 99 : 101,
  take_profit: direction === 'BUY' ? 102 : 98,
  leverage: 1,
  signal_strength: 81.6,
  timeframe: '1m',
  strategy_name: 'x',
  metadata: { consensus_confidence: 1, strategies_agree: 1, risk_reward_ratio: 2, candle_time: candleTime },
});

describe('chart overlays', () => {
  it('marks each signal on its candle (candle_time, else the candle open at its timestamp), in time order', () => {
    const bars = toBars(candles);
    const markers = signalMarkers(
      [sig('b', 'SELL', '2026-01-05T09:03:10.000000'), sig('a', 'BUY', '2026-01-05T09:02:30.000000', '2026-01-05T09:01:00.000Z')],
      bars,
    );
    expect(markers.map((m) => [m.id, (m.time * 1000 - T0) / 60_000, m.shape, m.position, m.text])).toEqual([
      ['a', 1, 'arrowUp', 'belowBar', 'BUY 82'],
      ['b', 3, 'arrowDown', 'aboveBar', 'SELL 82'],
    ]);
  });
  it('leaves out signals before the candles shown', () => {
    expect(signalMarkers([sig('old', 'BUY', '2026-01-04T09:00:00.000000')], toBars(candles))).toEqual([]);
  });
  it('draws entry, stop and target', () => {
    expect(priceLevels(sig('a', 'BUY', '2026-01-05T09:00:00.000000')).map((l) => [l.title, l.price])).toEqual([
      ['Entry', 100],
      ['SL', 99],
      ['TP', 102],
    ]);
  });
});
