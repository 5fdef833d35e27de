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

  it('sends a burst made in one turn together: each call gets its own reply, a refused one fails only itself, entries in call order, also after Redis lost its scripts', async () => {
    const leases = new ShardLeases(redis, { prefix: 'test:burst-shards', shards: 1, owner: 'a', leaseMs: 60_000 });
    expect((await leases.tick()).held).toEqual([0]);
    const stale = { ...leases.fence(0), token: 'not-the-holder' };
    const publisher = new MarketPublisher(redis);
    const symbols = ['S00USDT', 'S01USDT', 'S02USDT', 'S03USDT', 'S04USDT'];
    const of = (symbol: string, minute: number): Candle => ({ ...candle(minute), symbol });
    const marketSymbols = async (after: string) =>
      (await redis.xrange(STREAMS.market, `(${after}`, '+')).map(([, fields]) => (JSON.parse(fields[1]) as { symbol: string }).symbol);

    for (const round of [1, 2]) {
      // Round 2: as after a Redis restart, the scripts are gone and EVALSHA answers NOSCRIPT.
      if (round === 2) await redis.script('FLUSH');
      const [last] = await redis.xrevrange(STREAMS.market, '+', '-', 'COUNT', 1);
      const from = last?.[0] ?? '0-0';
      await publisher.publishOnce(`test:burst:${symbols[1]}`, of(symbols[1], round), [], leases.fence(0));
      const calls = symbols.map((s, i) =>
        publisher.publishOnce(`test:burst:${s}`, of(s, round), [], i === 3 ? stale : leases.fence(0)).then(
          (r) => r,
          (err: unknown) => (isFenced(err) ? 'fenced' : err),
        ),
      );
      const replies = await Promise.all(calls);
      expect(replies.map((r) => (r === undefined ? 'duplicate' : r === 'fenced' ? r : typeof (r as { candleId: unknown }).candleId))).toEqual(['string', 'duplicate', 'string', 'fenced', 'string']);
      expect(await marketSymbols(from)).toEqual([symbols[1], symbols[0], symbols[2], symbols[4]]);
      // The refused one wrote nothing, not even its checkpoint.
      expect(await redis.get(`test:burst:${symbols[3]}`)).toBeNull();
    }
  });
});
