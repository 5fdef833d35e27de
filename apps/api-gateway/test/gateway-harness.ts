import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import request from 'supertest';
import { waitFor } from '@app/testing';
import type { AddressInfo } from 'node:net';
import { MicrosClock, SignalSchema, STREAMS, type NewSignal, type Signal } from '@app/contracts';
import { StreamPublisher } from '@app/redis-streams';
import { loadConfig } from '../src/config';
import { startGateway } from '../src/gateway';

/**
 * The gateway's stream and key names are fixed, so each e2e file owns one Redis database of the
 * shared test server (and FLUSHDBs it between tests).
 */
export function testRedisUrl(db: number): string {
  const base = process.env.TEST_REDIS_URL;
  if (!base) throw new Error('TEST_REDIS_URL is not set: run through jest (its global setup starts redis-server)');
  return `${base}/${db}`;
}

export interface TestGateway {
  app: NestFastifyApplication;
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

/** The real gateway (same bootstrap as main.ts) on a free loopback port. */
export async function startTestGateway(redisUrl: string, env: Record<string, string> = {}): Promise<TestGateway> {
  const config = loadConfig({
    REDIS_URL: redisUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const app = await startGateway(config);
  const { port } = app.getHttpServer().address() as AddressInfo;
  let closed = false;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}

const clock = new MicrosClock();

/** A valid signal in the guide's shape; override any field. */
export function makeSignal(over: Partial<NewSignal> = {}): NewSignal {
  return {
    timestamp: clock.nowTimestamp(),
    symbol: 'ETHUSDT',
    direction: 'BUY',
    entry_price: 3500.0,
    stop_loss: 3482.5,
    take_profit: 3542.0,
    leverage: 20,
    signal_strength: 85.5,
    timeframe: '1m',
    strategy_name: 'HighFrequencyScalping',
    metadata: { consensus_confidence: 75.0, strategies_agree: 4, risk_reward_ratio: 2.4 },
    ...over,
  };
}

export const BTC = { symbol: 'BTCUSDT', entry_price: 64_000, stop_loss: 63_680, take_profit: 64_768 } as const;

/** Publishes like the signal-generator does; returns the signal as the gateway serves it. */
export async function publishSignal(redis: Redis, over: Partial<NewSignal> = {}): Promise<Signal> {
  const signal = makeSignal(over);
  const id = await new StreamPublisher(redis).publish(STREAMS.signals, SignalSchema, signal);
  return { ...signal, id };
}

/** The guide's response-level timestamp: `2024-11-21T10:31:00`. */
export const RESPONSE_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
/** The guide's signal timestamp: `2024-11-21T10:30:45.123456`. */
export const SIGNAL_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

/** One scrape of /metrics: the value of a series (labels in any order), 0 when absent. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export function newRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1 });
}

/** Waits for GET /api/health to answer 200 (every reader loaded) and returns that response. */
export async function healthy(url: string, timeoutMs = 10_000): Promise<request.Response> {
  return waitFor(
    async () => {
      const res = await request(url).get('/api/health');
      return res.status === 200 ? res : undefined;
    },
    { timeoutMs, what: 'GET /api/health to answer 200' },
  );
}
