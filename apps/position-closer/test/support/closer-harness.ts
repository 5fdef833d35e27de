import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import {
  CloseRequestSchema,
  decodeEntry,
  PositionEventSchema,
  STREAMS,
  type Candle,
  type CloseRequest,
  type NewSignal,
  type PositionEvent,
} from '@app/contracts';
import { PinoNestLogger } from '@app/observability';
import { MarketPublisher } from '@app/redis-streams';
import { loadConfig } from '../../src/config';
import { PositionCloserModule } from '../../src/position-closer.module';

export const T0 = Date.UTC(2025, 4, 6, 12, 0, 0);

/** A guide-shaped signal; `minute` is its candle's open time as minutes after T0. */
export function makeSignal(over: Partial<NewSignal> & { minute?: number } = {}): NewSignal {
  const { minute = 0, ...rest } = over;
  const buy = (rest.direction ?? 'BUY') === 'BUY';
  return {
    timestamp: '2025-05-06T12:01:00.000001',
    symbol: 'BTCUSDT',
    direction: 'BUY',
    entry_price: 100,
    stop_loss: buy ? 98 : 102,
    take_profit: buy ? 104 : 96,
    leverage: 10,
    signal_strength: 80,
    timeframe: '1m',
    strategy_name: 'Consensus',
    metadata: {
      consensus_confidence: 70,
      strategies_agree: 2,
      risk_reward_ratio: 2,
      candle_time: new Date(T0 + minute * 60_000).toISOString(),
      votes: [
        { strategy: 'ema_cross', direction: rest.direction ?? 'BUY', confidence: 80, reason: 'cross' },
        { strategy: 'rsi', direction: 'NONE', confidence: 0, reason: 'neutral' },
      ],
    },
    ...rest,
  };
}

export function makeCandle(minute: number, high: number, low: number, close: number, symbol = 'BTCUSDT'): Candle {
  const open_time = T0 + minute * 60_000;
  return { symbol, timeframe: '1m', open_time, close_time: open_time + 59_999, open: close, high, low, close, volume: 1 };
}

/**
 * Reads the `positions` and `close-requests` streams and publishes signals and candles as the
 * signal-generator does (a signal on `signals` and `market`).
 */
export class StreamsClient {
  readonly redis: Redis;
  private readonly publisher: MarketPublisher;

  constructor(url: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 3 });
    this.publisher = new MarketPublisher(this.redis);
  }

  /** The signal's id on `signals`: the id of the position it opens. A live signal unless it says otherwise. */
  async signal(s: NewSignal): Promise<string> {
    return (await this.publisher.publish(null, [{ ...s, metadata: { ...s.metadata, source: s.metadata.source ?? 'live' } }])).signalIds[0];
  }

  /** The candle's id on `market`. */
  async candle(c: Candle): Promise<string> {
    return (await this.publisher.publish(c)).candleId!;
  }

  async events(): Promise<(PositionEvent & { id: string })[]> {
    const rows = (await this.redis.xrange(STREAMS.positions, '-', '+')) as [string, string[]][];
    return rows.map(([id, f]) => ({ id, ...decodeEntry(PositionEventSchema, id, f) }));
  }

  async closeRequests(): Promise<(CloseRequest & { id: string })[]> {
    const rows = (await this.redis.xrange(STREAMS.closeRequests, '-', '+')) as [string, string[]][];
    return rows.map(([id, f]) => ({ id, ...decodeEntry(CloseRequestSchema, id, f) }));
  }

  async closedEvents(): Promise<Extract<PositionEvent, { type: 'closed' }>[]> {
    return (await this.events()).filter((e): e is Extract<PositionEvent, { type: 'closed' }> & { id: string } => e.type === 'closed');
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

/** The position-closer app in this process (real Redis, real BullMQ), its config from `env`. */
export async function startCloserApp(env: Record<string, string>): Promise<NestFastifyApplication> {
  const config = loadConfig({ LOG_LEVEL: 'warn', CLAIM_INTERVAL_MS: '200', STALLED_INTERVAL_MS: '500', ...env });
  const moduleRef = await Test.createTestingModule({ imports: [PositionCloserModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: new PinoNestLogger() });
  app.enableShutdownHooks();
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
