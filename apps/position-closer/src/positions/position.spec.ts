import type { Candle, NewSignal } from '@app/contracts';
import { DEFAULT_COSTS } from '@app/trading';
import { closePosition, closeRequestFor, evaluateCandle, openPosition, type OpenPosition } from './position';
import { positionQuantity } from './position-sizing';

const T0 = Date.UTC(2025, 4, 6, 12, 0, 0);

function signal(over: Partial<NewSignal> = {}): NewSignal {
  return {
    timestamp: '2025-05-06T12:01:00.000123',
    symbol: 'BTCUSDT',
    direction: 'BUY',
    entry_price: 100,
    stop_loss: 98,
    take_profit: 104,
    leverage: 10,
    signal_strength: 80,
    timeframe: '1m',
    strategy_name: 'Consensus',
    metadata: {
      consensus_confidence: 70,
      strategies_agree: 2,
      risk_reward_ratio: 2,
      candle_time: new Date(T0).toISOString(),
      tick_size: 0.01,
      votes: [
        { strategy: 'ema_cross', direction: 'BUY', confidence: 80, reason: 'x' },
        { strategy: 'rsi', direction: 'SELL', confidence: 60, reason: 'y' },
        { strategy: 'macd', direction: 'BUY', confidence: 70, reason: 'z' },
      ],
    },
    ...over,
  };
}

function candle(minutesAfterT0: number, o: number, h: number, l: number, c: number, symbol = 'BTCUSDT'): Candle {
  const open_time = T0 + minutesAfterT0 * 60_000;
  return { symbol, timeframe: '1m', open_time, close_time: open_time + 59_999, open: o, high: h, low: l, close: c, volume: 1 };
}

const opened = new Date('2025-05-06T12:01:00.000Z');
const buy = (): OpenPosition => openPosition('1700000000000-0', signal(), { kind: 'notional', notional: 1000 }, opened);
const sell = (): OpenPosition =>
  openPosition('1700000000001-0', signal({ direction: 'SELL', entry_price: 200, stop_loss: 204, take_profit: 190, leverage: 5 }), { kind: 'notional', notional: 1000 }, opened);

describe('openPosition', () => {
  it('keys the position by the signal id, sizes it, and remembers the agreeing strategies and candle time', () => {
    const p = buy();
    expect(p).toMatchObject({
      type: 'opened',
      position_id: '1700000000000-0',
      signal_id: '1700000000000-0',
      entry_price: 100,
      stop_loss: 98,
      take_profit: 104,
      leverage: 10,
      quantity: 10, // 1000 USDT / 100
      opened_at: '2025-05-06T12:01:00.000Z',
      strategies: ['ema_cross', 'macd'], // rsi voted SELL
      market_time_ms: T0,
      tick_size: 0.01, // metadata.tick_size: prices the slippage
    });
  });

  it('carries the signal\'s source into the opened and the closed event, so a replayed result is never taken for a live one', () => {
    const replayed = openPosition('1-0', signal({ metadata: { ...signal().metadata, source: 'replay' } }), { kind: 'notional', notional: 1000 }, new Date(T0));
    expect(replayed.source).toBe('replay');
    expect(closePosition(replayed, 'take_profit', 104, new Date(T0 + 60_000), DEFAULT_COSTS).source).toBe('replay');
    expect('source' in openPosition('2-0', signal(), { kind: 'notional', notional: 1000 }, new Date(T0))).toBe(false);
  });

  it('falls back to the newest candle seen when the signal has no candle_time', () => {
    const s = signal();
    delete s.metadata.candle_time;
    expect(openPosition('1-0', s, { kind: 'notional', notional: 1000 }, opened, T0 + 5).market_time_ms).toBe(T0 + 5);
  });

  it('sizes by risk: 1% of 10,000 at a 2-point stop is 50 units', () => {
    expect(positionQuantity({ kind: 'risk', riskPct: 1, accountBalance: 10_000 }, 100, 98)).toBe(50);
  });
});

describe('evaluateCandle', () => {
  it('ignores the signal candle itself and candles of other symbols', () => {
    expect(evaluateCandle(buy(), candle(0, 100, 110, 90, 100))).toBeNull();
    expect(evaluateCandle(buy(), candle(1, 100, 110, 90, 100, 'ETHUSDT'))).toBeNull();
  });

  it('closes a BUY at the target when the high reaches it, at the stop when the low does', () => {
    expect(evaluateCandle(buy(), candle(1, 100, 104, 99, 103))).toEqual({ reason: 'take_profit', price: 104 });
    expect(evaluateCandle(buy(), candle(1, 100, 101, 98, 99))).toEqual({ reason: 'stop_loss', price: 98 });
    expect(evaluateCandle(buy(), candle(1, 100, 103.9, 98.1, 99))).toBeNull();
  });

  it('closes a SELL the other way round', () => {
    expect(evaluateCandle(sell(), candle(1, 200, 201, 190, 191))).toEqual({ reason: 'take_profit', price: 190 });
    expect(evaluateCandle(sell(), candle(1, 200, 204, 199, 203))).toEqual({ reason: 'stop_loss', price: 204 });
  });

  it('takes the stop when one candle touches both levels', () => {
    expect(evaluateCandle(buy(), candle(1, 100, 105, 97, 101))).toEqual({ reason: 'stop_loss', price: 98 });
    expect(evaluateCandle(sell(), candle(1, 200, 205, 189, 195))).toEqual({ reason: 'stop_loss', price: 204 });
  });

  it('fills a stop gapped through at the open', () => {
    expect(evaluateCandle(buy(), candle(1, 97, 97.5, 96, 96.5))).toEqual({ reason: 'stop_loss', price: 97 });
    expect(evaluateCandle(sell(), candle(1, 206, 207, 205, 206))).toEqual({ reason: 'stop_loss', price: 206 });
  });
});

describe('closePosition', () => {
  const later = new Date('2025-05-06T12:31:30.000Z'); // 30.5 min after opening

  it('BUY at target: +4 % move, ×10 leverage = +40 %, +2 R', () => {
    // (104 − 100) / 100 = 4 %; risk |100 − 98| = 2, so 4 / 2 = 2 R
    expect(closePosition(buy(), 'take_profit', 104, later, DEFAULT_COSTS)).toMatchObject({
      type: 'closed',
      reason: 'take_profit',
      exit_price: 104,
      closed_at: '2025-05-06T12:31:30.000Z',
      pnl_pct: 4,
      pnl_leveraged_pct: 40,
      r_multiple: 2,
      hold_seconds: 1830,
    });
  });

  it('BUY at stop is −1 R, −2 %, −20 % leveraged', () => {
    expect(closePosition(buy(), 'stop_loss', 98, later, DEFAULT_COSTS)).toMatchObject({ pnl_pct: -2, pnl_leveraged_pct: -20, r_multiple: -1 });
  });

  it('SELL: profit is positive when the price falls', () => {
    // (200 − 190) / 200 = 5 %, ×5 = 25 %; risk 4, so 10 / 4 = 2.5 R
    expect(closePosition(sell(), 'take_profit', 190, later, DEFAULT_COSTS)).toMatchObject({ pnl_pct: 5, pnl_leveraged_pct: 25, r_multiple: 2.5 });
    // exit above entry on a SELL: (200 − 201) / 200 = −0.5 %, −1 / 4 = −0.25 R
    expect(closePosition(sell(), 'manual', 201, later, DEFAULT_COSTS)).toMatchObject({ pnl_pct: -0.5, pnl_leveraged_pct: -2.5, r_multiple: -0.25 });
  });

  it('adds the result after costs beside the gross one: fees and slippage for the quantity', () => {
    // Defaults (taker 5 bps, maker 2 bps, 1 tick = 0.01). Target: fills 100.01 (market) and 104
    // (limit); fees per unit (100.01 × 5 + 104 × 2) / 10^4 = 0.070805, × 10 units = 0.70805;
    // net per unit 104 − 100.01 − 0.070805 = 3.919195 → 1.9595975 R, 3.919195 %
    const tp = closePosition(buy(), 'take_profit', 104, later, DEFAULT_COSTS);
    expect(tp.net_r_multiple).toBeCloseTo(1.9595975, 5); // stored to 6 decimals
    expect(tp).toMatchObject({
      r_multiple: 2,
      pnl_pct: 4,
      net_pnl_pct: 3.919195,
      fees_quote: 0.70805,
      slippage_quote: 0.1,
    });
    // Stop: both sides taker with a tick of slippage: (−2.02 − 0.099) / 2 = −1.0595 R
    expect(closePosition(buy(), 'stop_loss', 98, later, DEFAULT_COSTS)).toMatchObject({ r_multiple: -1, net_r_multiple: -1.0595, fees_quote: 0.99, slippage_quote: 0.2 });
  });

  it('makes a close request naming the position, symbol, side and reason', () => {
    const closed = closePosition(sell(), 'opposite_signal', 195, later, DEFAULT_COSTS);
    expect(closeRequestFor(closed)).toEqual({
      position_id: '1700000000001-0',
      signal_id: '1700000000001-0',
      signal_timestamp: '2025-05-06T12:01:00.000123',
      symbol: 'BTCUSDT',
      direction: 'SELL',
      reason: 'opposite_signal',
      requested_at: '2025-05-06T12:31:30.000Z',
    });
  });
});
