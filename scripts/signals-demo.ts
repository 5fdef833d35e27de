/**
 * `npm run signals:demo`: publishes a few realistic signals to the `signals` stream (the guide's
 * "creates test signals" step), so the guide's curl lines show data right away.
 *
 *   npm run signals:demo                                   # REDIS_URL, default redis://127.0.0.1:6379
 *   REDIS_URL=redis://127.0.0.1:6380/2 npm run signals:demo
 *   REDIS_URL=redis://:pass@x REDIS_CLUSTER_NODES=10.0.0.1:7000 npm run signals:demo   # a Redis Cluster
 *
 * Prices start from the newest candle in the `market` stream when there is one, else from typical
 * levels. Every signal passes the shared schema (the publisher validates it) and carries
 * `metadata.source: "demo"`, so ATAS does not trade it and Telegram marks it.
 */
import type Redis from 'ioredis';
import {
  formatZodError,
  MarketEntrySchema,
  MicrosClock,
  STREAM_GROUPS,
  STREAMS,
  type Direction,
  type ProducedSignal,
  type Vote,
} from '@app/contracts';
import { redisConfigFromEnv, redisEnvSchema, registerRedisSecrets } from '@app/config';
import { connectOnce, ensureGroup, MarketPublisher, readTail } from '@app/redis-streams';

const FALLBACK_PRICES: Record<string, number> = { BTCUSDT: 96_500, ETHUSDT: 1_820 };

interface DemoSpec {
  symbol: string;
  timeframe: string;
  direction: Direction;
  /** Stop distance as a fraction of entry. */
  risk: number;
  rr: number;
  leverage: number;
  votes: [string, Direction | 'NONE', number, string][];
}

const SPECS: DemoSpec[] = [
  {
    symbol: 'BTCUSDT',
    timeframe: '1m',
    direction: 'BUY',
    risk: 0.004,
    rr: 2.4,
    leverage: 10,
    votes: [
      ['ema_cross', 'BUY', 78, 'EMA9 crossed above EMA21'],
      ['rsi_extreme', 'BUY', 71, 'RSI(14) 27 turning up'],
      ['macd_turn', 'BUY', 66, 'MACD histogram turned positive'],
      ['vwap_deviation', 'NONE', 0, 'price within 0.1% of VWAP'],
    ],
  },
  {
    symbol: 'ETHUSDT',
    timeframe: '1m',
    direction: 'SELL',
    risk: 0.005,
    rr: 2.0,
    leverage: 20,
    votes: [
      ['bollinger_reentry', 'SELL', 74, 'close back inside the upper band'],
      ['stochastic_cross', 'SELL', 69, '%K crossed below %D above 80'],
      ['volume_spike', 'SELL', 62, 'volume 3.1x the 20-bar mean on a red candle'],
    ],
  },
  {
    symbol: 'ETHUSDT',
    timeframe: '5m',
    direction: 'BUY',
    risk: 0.008,
    rr: 2.5,
    leverage: 5,
    votes: [
      ['ema_cross', 'BUY', 72, 'EMA9 crossed above EMA21'],
      ['macd_turn', 'BUY', 68, 'MACD crossed its signal line'],
      ['rsi_extreme', 'NONE', 0, 'RSI(14) 48'],
    ],
  },
];

/** Builds a schema-valid signal around `price`: stop and target on the right sides, rounded like the exchange. */
export function demoSignal(spec: DemoSpec, price: number, timestamp: string): ProducedSignal {
  const decimals = price >= 1000 ? 1 : 2;
  const round = (x: number) => Number(x.toFixed(decimals));
  const sign = spec.direction === 'BUY' ? 1 : -1;
  const stop = round(price * (1 - sign * spec.risk));
  const target = round(price * (1 + sign * spec.risk * spec.rr));
  const votes: Vote[] = spec.votes.map(([strategy, direction, confidence, reason]) => ({ strategy, direction, confidence, reason }));
  const agreeing = votes.filter((v) => v.direction === spec.direction);
  const confidence = agreeing.reduce((sum, v) => sum + v.confidence, 0) / agreeing.length;
  return {
    timestamp,
    symbol: spec.symbol,
    direction: spec.direction,
    entry_price: round(price),
    stop_loss: stop,
    take_profit: target,
    leverage: spec.leverage,
    signal_strength: Number(((confidence * agreeing.length) / votes.length).toFixed(1)),
    timeframe: spec.timeframe,
    strategy_name: 'ConsensusScalping',
    metadata: {
      consensus_confidence: Number(confidence.toFixed(1)),
      strategies_agree: agreeing.length,
      risk_reward_ratio: spec.rr,
      votes,
      candle_time: timestamp.slice(0, 16) + ':00',
      source: 'demo',
    },
  };
}

/** The newest close per symbol in the `market` stream, if the generator has been running. */
async function marketPrices(redis: Redis): Promise<Record<string, number>> {
  const prices: Record<string, number> = {};
  const entries = await readTail(redis, { stream: STREAMS.market, schema: MarketEntrySchema, reader: 'signals-demo', count: 200 });
  // Newest first, so the first candle seen for a symbol is its latest.
  for (const { payload } of entries.reverse()) {
    if (payload.kind === 'candle' && prices[payload.symbol] === undefined) prices[payload.symbol] = payload.close;
  }
  return prices;
}

async function main(): Promise<void> {
  const env = redisEnvSchema.safeParse(process.env);
  if (!env.success) throw new Error(`invalid configuration: ${formatZodError(env.error)}`);
  registerRedisSecrets(env.data.REDIS_URL);
  const cfg = redisConfigFromEnv(env.data);
  const where = cfg.clusterNodes ? `the Redis Cluster at ${cfg.clusterNodes}` : redactUrl(cfg.url);
  let redis: Redis;
  try {
    redis = await connectOnce(cfg, 'signals-demo');
  } catch (err) {
    throw new Error(`cannot reach Redis at ${where}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    // Consumer groups that start later (the notifier's) must still see these entries; the
    // position-closer reads `market` from its shards' cursors, so it sees them anyway.
    for (const stream of [STREAMS.signals, STREAMS.market]) {
      for (const group of STREAM_GROUPS[stream] ?? []) await ensureGroup(redis, stream, group, '0');
    }
    const prices = { ...FALLBACK_PRICES, ...(await marketPrices(redis)) };
    // As the generator writes them: on `signals`, and on `market` for the position-closer.
    const publisher = new MarketPublisher(redis);
    const clock = new MicrosClock();
    console.log(`publishing ${SPECS.length} demo signals to '${STREAMS.signals}' at ${where}`);
    for (const spec of SPECS) {
      const signal = demoSignal(spec, prices[spec.symbol], clock.nowTimestamp());
      const [id] = (await publisher.publish(null, [signal])).signalIds;
      console.log(
        `  ${id}  ${signal.timestamp}  ${signal.symbol} ${signal.timeframe} ${signal.direction}  entry ${signal.entry_price}  ` +
          `SL ${signal.stop_loss}  TP ${signal.take_profit}  x${signal.leverage}  strength ${signal.signal_strength}`,
      );
    }
    console.log('try: curl http://localhost:8888/api/signals');
  } finally {
    redis.disconnect();
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//[redacted]@');
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`signals:demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}

export const DEMO_SPECS = SPECS;
