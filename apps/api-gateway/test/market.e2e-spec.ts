import type Redis from 'ioredis';
import request from 'supertest';
import type { Candle } from '@app/contracts';
import { MarketPublisher } from '@app/redis-streams';
import { startRedis, waitFor, type TestRedis } from '@app/testing';
import { healthy, makeSignal, newRedis, startTestGateway, type TestGateway } from './gateway-harness';

const candle = (symbol: string, minute: number, close: number): Candle => ({
  symbol,
  timeframe: '1m',
  open_time: minute * 60_000,
  close_time: minute * 60_000 + 59_999,
  open: close - 1,
  high: close + 2,
  low: close - 2,
  close,
  volume: 10,
});

/** GET /api/market/candles: the last candles per symbol from `market`, loaded at start and followed live. */
describe('api-gateway /api/market', () => {
  let server: TestRedis;
  let redis: Redis;
  let gw: TestGateway | undefined;

  beforeAll(async () => {
    server = await startRedis();
    redis = newRedis(server.url);
  });
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
    await redis.flushdb();
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('serves candles written before start and after, oldest first, skipping the signals between them', async () => {
    const market = new MarketPublisher(redis);
    await market.publish(candle('BTCUSDT', 1, 64_000));
    await market.publish(candle('ETHUSDT', 1, 3_000), [{ ...makeSignal(), metadata: { ...makeSignal().metadata, source: 'replay' } }]);
    gw = await startTestGateway(server.url, { MARKET_CANDLES_PER_SYMBOL: '2' });
    await healthy(gw.url);
    await market.publish(candle('BTCUSDT', 2, 64_100));
    await market.publish(candle('BTCUSDT', 3, 64_200));

    const res = await waitFor(
      async () => {
        const r = await request(gw!.url).get('/api/market/candles?symbol=btcusdt');
        return r.status === 200 && r.body.count === 2 && r.body.candles[1].close === 64_200 ? r : undefined;
      },
      { timeoutMs: 5000, what: 'the live candles to be served' },
    );
    expect(res.body).toEqual({
      status: 'success',
      symbol: 'BTCUSDT',
      count: 2,
      candles: [
        { kind: 'candle', ...candle('BTCUSDT', 2, 64_100) },
        { kind: 'candle', ...candle('BTCUSDT', 3, 64_200) },
      ],
      timestamp: expect.any(String),
    });
    const one = await request(gw.url).get('/api/market/candles?symbol=ETHUSDT&limit=1');
    expect(one.body.candles.map((c: Candle) => c.close)).toEqual([3_000]);
    const symbols = await request(gw.url).get('/api/market/symbols');
    expect(symbols.body.symbols.map((s: { symbol: string; close: number }) => [s.symbol, s.close])).toEqual([
      ['BTCUSDT', 64_200],
      ['ETHUSDT', 3_000],
    ]);
    const none = await request(gw.url).get('/api/market/candles?symbol=SOLUSDT');
    expect(none.body).toMatchObject({ status: 'success', count: 0, candles: [] });
  });

  it.each([
    ['', 'symbol: is required, e.g. ?symbol=BTCUSDT'],
    ['?symbol=BTC-USDT', 'symbol: symbol must be 2-20 letters or digits, e.g. BTCUSDT'],
    ['?symbol=BTCUSDT&limit=0', 'limit: must be a whole number from 1 to 1000'],
    ['?symbol=BTCUSDT&limit=abc', 'limit: must be a whole number from 1 to 1000'],
    ['?symbol=BTCUSDT&limit=5000', 'limit: must be a whole number from 1 to 1000'],
  ])('answers 400 naming the problem for %s', async (query, message) => {
    gw = await startTestGateway(server.url);
    await healthy(gw.url);
    const res = await request(gw.url).get(`/api/market/candles${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ status: 'error', message });
  });
});
