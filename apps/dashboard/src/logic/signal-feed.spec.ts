import { EMPTY_FEED, feedReducer } from './signal-feed';
import type { HistorySignal, Signal } from './types';

const signal = (id: string, over: Partial<Signal> = {}): Signal => ({
  id,
  timestamp: '2026-01-05T09:00:00.000000',
  symbol: 'BTCUSDT',
  direction: 'BUY',
  entry_price: 100,
  stop_loss: 99,
  take_profit: 102,
  leverage: 10,
  signal_strength: 80,
  timeframe: '1m',
  strategy_name: 'Fused',
  metadata: { consensus_confidence: 70, strategies_agree: 2, risk_reward_ratio: 2, source: 'live' },
  ...over,
});

describe('feedReducer', () => {
  it('puts a live signal first, active, and supersedes the active one of its symbol and timeframe only', () => {
    let s = feedReducer(EMPTY_FEED, { type: 'signal', signal: signal('1-0') });
    s = feedReducer(s, { type: 'signal', signal: signal('2-0', { symbol: 'ETHUSDT' }) });
    s = feedReducer(s, { type: 'signal', signal: signal('3-0', { timeframe: '5m' }) });
    s = feedReducer(s, { type: 'signal', signal: signal('4-0') });
    expect(s.items.map((i) => [i.id, i.state])).toEqual([
      ['4-0', 'active'],
      ['3-0', 'active'],
      ['2-0', 'active'],
      ['1-0', 'superseded'],
    ]);
  });

  it('ignores a signal it already has (an SSE replay after reconnect)', () => {
    const once = feedReducer(EMPTY_FEED, { type: 'signal', signal: signal('1-0') });
    expect(feedReducer(once, { type: 'signal', signal: signal('1-0') })).toBe(once);
  });

  it('marks an ack with its time, and history overrides states and fills in older signals', () => {
    let s = feedReducer(EMPTY_FEED, { type: 'signal', signal: signal('5-0') });
    s = feedReducer(s, { type: 'ack', id: '5-0', acknowledged_at: '2026-01-05T09:00:02Z' });
    expect(s.items[0]).toMatchObject({ state: 'acknowledged', acknowledged_at: '2026-01-05T09:00:02Z' });
    const history: HistorySignal[] = [
      { ...signal('10-0'), state: 'paused', acknowledged_at: null },
      { ...signal('2-0', { metadata: { consensus_confidence: 1, strategies_agree: 1, risk_reward_ratio: 1 } }), state: 'expired', acknowledged_at: null },
    ];
    s = feedReducer(s, { type: 'history', items: history });
    expect(s.items.map((i) => [i.id, i.state, i.source])).toEqual([
      ['10-0', 'paused', 'live'],
      ['5-0', 'acknowledged', 'live'],
      ['2-0', 'expired', 'unknown'],
    ]);
  });

  it('orders stream ids numerically, not as text', () => {
    let s = feedReducer(EMPTY_FEED, { type: 'signal', signal: signal('999-0', { symbol: 'AAUSDT' }) });
    s = feedReducer(s, { type: 'signal', signal: signal('1000-0', { symbol: 'BBUSDT' }) });
    expect(s.items.map((i) => i.id)).toEqual(['1000-0', '999-0']);
  });
});
