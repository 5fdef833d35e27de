import type { Candle, NewSignal, Vote } from '@app/contracts';

/** Signals and candles for the positions specs, as the signal-generator writes them to `market`. */
export const T0 = Date.UTC(2025, 4, 6, 12, 0, 0);

export function sig(symbol: string, direction: 'BUY' | 'SELL', entry: number, stop: number, target: number, agree: string[], minute = 0): NewSignal {
  const votes: Vote[] = agree.map((strategy) => ({ strategy, direction, confidence: 70, reason: 'agrees' }));
  return {
    timestamp: '2025-05-06T12:01:00.000001',
    symbol,
    direction,
    entry_price: entry,
    stop_loss: stop,
    take_profit: target,
    leverage: 10,
    signal_strength: 75,
    timeframe: '1m',
    strategy_name: 'Consensus',
    metadata: {
      consensus_confidence: 70,
      strategies_agree: agree.length,
      risk_reward_ratio: 2,
      votes,
      candle_time: new Date(T0 + minute * 60_000).toISOString(),
    },
  };
}

export function bar(symbol: string, minute: number, high: number, low: number, close: number): Candle {
  const open_time = T0 + minute * 60_000;
  return { symbol, timeframe: '1m', open_time, close_time: open_time + 59_999, open: close, high, low, close, volume: 1 };
}
