import type Redis from 'ioredis';
import { encodeEntry, STREAMS, type Candle, type PositionEvent, type ProducedSignal } from '@app/contracts';
import { MarketPublisher } from '@app/redis-streams';
import { makeSignal } from './gateway-harness';

export const T0 = Date.UTC(2026, 0, 5, 9, 0);
const MIN = 60_000;

/** A deterministic random walk of 1m candles for `symbol` from T0. */
export function walk(symbol: string, count: number, start: number): Candle[] {
  const out: Candle[] = [];
  let price = start;
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
  for (let i = 0; i < count; i++) {
    const open = price;
    const close = open * (1 + rnd() * 0.004 + Math.sin(i / 9) * 0.0008);
    const high = Math.max(open, close) * (1 + Math.abs(rnd()) * 0.0015);
    const low = Math.min(open, close) * (1 - Math.abs(rnd()) * 0.0015);
    out.push({ symbol, timeframe: '1m', open_time: T0 + i * MIN, close_time: T0 + i * MIN + MIN - 1, open, high, low, close, volume: 10 + i });
    price = close;
  }
  return out;
}

/** A signal made on `candle` with the votes the generator puts in metadata. */
export function signalOn(candle: Candle, direction: 'BUY' | 'SELL', source: 'live' | 'replay' = 'live'): ProducedSignal {
  const entry = candle.close;
  const risk = entry * 0.003;
  const base = makeSignal();
  return {
    ...base,
    symbol: candle.symbol,
    direction,
    entry_price: entry,
    stop_loss: direction === 'BUY' ? entry - risk : entry + risk,
    take_profit: direction === 'BUY' ? entry + risk * 2 : entry - risk * 2,
    signal_strength: 78.4,
    strategy_name: 'FusedConsensus',
    metadata: {
      ...base.metadata,
      source,
      candle_time: new Date(candle.open_time).toISOString(),
      votes: [
        { strategy: 'rsi_extreme', direction, confidence: 82, reason: direction === 'BUY' ? 'RSI 24.1 < 30' : 'RSI 77.9 > 70' },
        { strategy: 'vwap_deviation', direction, confidence: 71, reason: 'price 1.9σ from VWAP' },
        { strategy: 'stochastic_cross', direction: 'NONE', confidence: 0, reason: 'no cross' },
      ],
    },
  };
}

/** Candles for two symbols with signals between them, written as the generator does. */
export async function seedMarket(redis: Redis): Promise<void> {
  const market = new MarketPublisher(redis);
  const btc = walk('BTCUSDT', 120, 64_000);
  const eth = walk('ETHUSDT', 120, 3_400);
  for (let i = 0; i < btc.length; i++) {
    await market.publish(btc[i], i === 40 ? [signalOn(btc[i], 'BUY', 'replay')] : i === 90 ? [signalOn(btc[i], 'SELL')] : []);
    await market.publish(eth[i], i === 70 ? [signalOn(eth[i], 'BUY')] : []);
  }
}

/** Closed and open positions as the position-closer's events on the `positions` stream, which the gateway rebuilds from. */
export async function seedPositions(redis: Redis): Promise<void> {
  const rs = [2, -1, 2, 1.4, -1, -1, 2, 0.6, 2, -1, 2, 2];
  const events: PositionEvent[] = rs.map((r, i) => {
    const entry = 64_000 + i * 10;
    const risk = 192;
    const opened = new Date(T0 + i * 7 * MIN).toISOString();
    return {
      type: 'closed',
      position_id: `${T0 + i}-0`,
      signal_id: `${T0 + i}-0`,
      signal_timestamp: opened.replace('Z', '000').slice(0, 26),
      symbol: i % 3 ? 'BTCUSDT' : 'ETHUSDT',
      direction: i % 2 ? 'SELL' : 'BUY',
      timeframe: '1m',
      strategy_name: 'FusedConsensus',
      strategies: i % 2 ? ['rsi_extreme', 'vwap_deviation'] : ['stochastic_cross', 'vwap_deviation'],
      entry_price: entry,
      stop_loss: entry - risk,
      take_profit: entry + risk * 2,
      leverage: 10,
      quantity: 0.01,
      opened_at: opened,
      reason: r >= 2 ? 'take_profit' : r <= -1 ? 'stop_loss' : 'max_hold',
      exit_price: entry + r * risk,
      closed_at: new Date(T0 + i * 7 * MIN + 5 * MIN).toISOString(),
      pnl_pct: (r * risk * 100) / entry,
      pnl_leveraged_pct: (r * risk * 1000) / entry,
      r_multiple: r,
      net_r_multiple: r - 0.45,
      net_pnl_pct: ((r - 0.45) * risk * 100) / entry,
      hold_seconds: 300,
    };
  });
  const { type: _t, reason: _r, exit_price: _x, closed_at: _c, pnl_pct: _p, pnl_leveraged_pct: _l, r_multiple: _m, net_r_multiple: _n, net_pnl_pct: _np, hold_seconds: _h, ...base } =
    events[events.length - 1] as Extract<PositionEvent, { type: 'closed' }>;
  const entry = 64_460;
  events.push({ ...base, type: 'opened', position_id: `${T0 + 100}-0`, signal_id: `${T0 + 100}-0`, symbol: 'BTCUSDT', direction: 'BUY', entry_price: entry, stop_loss: entry - 190, take_profit: entry + 380 });
  for (const e of events) await redis.xadd(STREAMS.positions, '*', ...encodeEntry(e));
}
