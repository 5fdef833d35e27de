import Redis from 'ioredis';
import { STREAMS, type Candle } from '@app/contracts';
import { startRedis, type TestRedis } from '@app/testing';
import { isFenced } from './fence';
import { MarketPublisher } from './market.publisher';
import { ShardLeases } from './shard-leases';

const candle = (minute: number): Candle => ({
  symbol: 'BTCUSDT',
  timeframe: '1m',
  open_time: Date.UTC(2025, 4, 6) + minute * 60_000,
  close_time: Date.UTC(2025, 4, 6) + minute * 60_000 + 59_999,
  open: 100,
  high: 101,
  low: 99,
  close: 100.5,
  volume: 1,
});

describe('MarketPublisher.publishOnce under a shard lease', () => {
  let server: TestRedis;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });

  it('writes while the lease is held, refuses (FENCED, nothing written) once another replica holds it, and once a candle is published refuses it again', async () => {
    const a = new ShardLeases(redis, { prefix: 'test:shards', shards: 1, owner: 'a', leaseMs: 60_000 });
    const b = new ShardLeases(redis, { prefix: 'test:shards', shards: 1, owner: 'b', leaseMs: 60_000 });
    const publisher = new MarketPublisher(redis);
    expect((await a.tick()).held).toEqual([0]);

    expect(await publisher.publishOnce('test:decided', candle(1), [], a.fence(0))).toMatchObject({ candleId: expect.any(String) });
    expect(await publisher.publishOnce('test:decided', candle(1), [], a.fence(0))).toBeUndefined();

    await a.leave();
    expect((await b.tick()).held).toEqual([0]);
    const refused = await publisher.publishOnce('test:decided', candle(2), [], a.fence(0)).catch((err: unknown) => err);
    expect(isFenced(refused)).toBe(true);
    expect(await redis.xlen(STREAMS.market)).toBe(1);
    expect(await redis.get('test:decided')).toBe(String(candle(1).open_time));

    expect(await publisher.publishOnce('test:decided', candle(2), [], b.fence(0))).toMatchObject({ candleId: expect.any(String) });
    expect(await redis.xlen(STREAMS.market)).toBe(2);
  });
});
