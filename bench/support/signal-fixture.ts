import Redis from 'ioredis';
import { encodeEntry, MicrosClock, STREAMS, type NewSignal } from '@app/contracts';

/** A realistic signal (guide fields, seven votes, `source`), about 1.3 KB of JSON. */
export function benchSignal(clock: MicrosClock, i: number): NewSignal {
  const buy = i % 3 !== 0;
  const entry = 3500 + i;
  return {
    timestamp: clock.nowTimestamp(),
    symbol: `S${i % 60}X`,
    direction: buy ? 'BUY' : 'SELL',
    entry_price: entry,
    stop_loss: buy ? entry - 17.5 : entry + 17.5,
    take_profit: buy ? entry + 42 : entry - 42,
    leverage: 20,
    signal_strength: 85.5,
    timeframe: i % 2 ? '1m' : '5m',
    strategy_name: 'ConsensusScalping',
    metadata: {
      consensus_confidence: 75,
      strategies_agree: 4,
      risk_reward_ratio: 2.4,
      source: 'replay',
      votes: [
        { strategy: 'ema_cross', direction: 'BUY', confidence: 78, reason: 'EMA9 crossed above EMA21' },
        { strategy: 'rsi_extreme', direction: 'BUY', confidence: 71, reason: 'RSI(14) 27 turning up' },
        { strategy: 'bollinger_reentry', direction: 'BUY', confidence: 66, reason: 'close back inside the lower band' },
        { strategy: 'macd_turn', direction: 'BUY', confidence: 62, reason: 'MACD histogram turned positive' },
        { strategy: 'vwap_deviation', direction: 'NONE', confidence: 0, reason: 'price within 0.1% of VWAP' },
        { strategy: 'stochastic_cross', direction: 'NONE', confidence: 0, reason: '%K 48 between the bands' },
        { strategy: 'volume_spike', direction: 'NONE', confidence: 0, reason: 'volume 1.1x its 20-candle mean' },
      ],
    },
  };
}

/** XADDs `n` signals (one pipeline): with the gateway's caps, 500 fill history and 50 stay active. */
export async function seedSignals(redisUrl: string, n: number): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    const clock = new MicrosClock();
    const p = redis.pipeline();
    for (let i = 0; i < n; i++) p.xadd(STREAMS.signals, '*', ...encodeEntry(benchSignal(clock, i)));
    await p.exec();
  } finally {
    redis.disconnect();
  }
}
