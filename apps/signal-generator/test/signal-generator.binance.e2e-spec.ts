import Redis from 'ioredis';
import { decodeEntry, MarketEntrySchema, SignalSchema, STREAMS, type Candle } from '@app/contracts';
import { freePort, startService, waitFor, ServiceProcess } from '@app/testing';
import { FakeBinance } from './fixtures/binance/fake-binance.server';
import { loadRows } from './fixtures/binance/kline-fixture';

// Its own database: `signals` and `market` are fixed stream names.
const redisUrl = `${process.env.TEST_REDIS_URL as string}/12`;

/**
 * The service wired to the live adapter (MARKET_SOURCE=binance) against the local fake exchange,
 * which replays real futures klines over the WebSocket and serves exchangeInfo: what the service
 * adds on top of the feed (ticks from exchangeInfo, publishing, health) end to end.
 */
describe('signal-generator with MARKET_SOURCE=binance (fake exchange, real Redis)', () => {
  let redis: Redis;
  let exchange: FakeBinance;
  let svc: ServiceProcess | undefined;
  const markets = () => ({ BTCUSDT: loadRows('BTCUSDT'), ETHUSDT: loadRows('ETHUSDT') });
  const start = async (extra: Record<string, string> = {}) => {
    const port = await freePort();
    svc = startService('signal-generator', {
      REDIS_URL: redisUrl,
      PORT: String(port),
      MARKET_SOURCE: 'binance',
      BINANCE_WS_URL: exchange.wsBaseUrl,
      BINANCE_REST_URL: exchange.restBaseUrl,
      COOLDOWN_SECONDS: '0',
      ...extra,
    });
    return port;
  };
  /** The candles of `market`, without the signals between them. */
  const candlesOnMarket = async (): Promise<Candle[]> =>
    (await redis.xrange(STREAMS.market, '-', '+')).flatMap(([id, f]) => {
      const e = decodeEntry(MarketEntrySchema, id, f);
      return e.kind === 'candle' ? [e] : [];
    });

  beforeAll(() => {
    redis = new Redis(redisUrl);
  });
  beforeEach(async () => {
    await redis.flushdb();
  });
  afterEach(async () => {
    await svc?.kill();
    svc = undefined;
    await exchange?.close();
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('publishes every live closed candle to `market`, signals priced on the exchange tick, and reports the feed healthy', async () => {
    exchange = await FakeBinance.start({ markets: markets(), paused: true });
    const port = await start();
    await waitFor(() => exchange.connections.length > 0, { timeoutMs: 20_000, what: 'the service to connect' });
    exchange.resume();
    await waitFor(async () => (await redis.xlen(STREAMS.market)) - (await redis.xlen(STREAMS.signals)) === 240, { timeoutMs: 30_000, what: '240 candles on market' });

    const market = await candlesOnMarket();
    const btc = market.filter((c) => c.symbol === 'BTCUSDT');
    expect(btc.map((c) => c.open_time)).toEqual(loadRows('BTCUSDT').map((r) => r.openTime));
    expect(btc[0]).toMatchObject({ open: 95505.4, close: 95502.7 });

    const signals = (await redis.xrange(STREAMS.signals, '-', '+')).map(([id, f]) => decodeEntry(SignalSchema, id, f));
    expect(signals.length).toBeGreaterThan(0);
    for (const s of signals) expect(s.metadata.tick_size).toBe(s.symbol === 'BTCUSDT' ? 0.1 : 0.01);
    expect(new Set(signals.map((s) => s.metadata.source))).toEqual(new Set(['live']));

    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { details: { feed: Record<string, unknown> } };
    expect(health.details.feed).toMatchObject({ status: 'up', connected: true, state: 'running' });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^signal_generator_candles_total\{symbol="ETHUSDT",service="signal-generator"\} 120$/m);
    expect(metrics).toMatch(/^signal_generator_feed_connected\{service="signal-generator"\} 1$/m);
    expect(exchange.restRequests.filter((r) => r.path === '/fapi/v1/exchangeInfo').map((r) => r.status)).toEqual([200]);
  });

  it('warms the indicators on recent REST klines without publishing them, then continues with the live candles', async () => {
    // 80 ms per candle: the market is already 30+ candles in when the service starts.
    exchange = await FakeBinance.start({ markets: markets(), tickMs: 20 });
    await waitFor(() => exchange.closedCount >= 30, { what: '30 candles closed before start' });
    const port = await start();
    await waitFor(() => exchange.finished && exchange.openConnections().length > 0, { timeoutMs: 30_000, what: 'the fake market to play out' });
    const warm = await waitFor(() => /"candles":\{"BTCUSDT":(\d+),"ETHUSDT":(\d+)\},"msg":"indicators warmed up on recent history"/.exec(svc!.output()), { what: 'the warm-up log' });
    const history = Number(warm[1]);
    expect(history).toBeGreaterThanOrEqual(30);
    expect(Number(warm[2])).toBeGreaterThanOrEqual(30);
    expect(exchange.klinesRequests().map((r) => r.query.limit)).toEqual(['121', '121']);

    // The last entry is the last candle, or a signal made on it.
    await waitFor(async () => (await redis.xrevrange(STREAMS.market, '+', '-', 'COUNT', 2)).some(([, f]) => f[1]?.includes('"open_time":1746379920000')), {
      timeoutMs: 15_000,
      what: 'the last candle on market',
    });
    const market = await candlesOnMarket();
    const btc = market.filter((c) => c.symbol === 'BTCUSDT').map((c) => c.open_time);
    const all = loadRows('BTCUSDT').map((r) => r.openTime);
    // History was not published: the stream starts after it, then has every live candle once, in order.
    expect(btc[0]).toBeGreaterThan(all[history - 1]);
    expect(btc).toEqual(all.slice(all.indexOf(btc[0])));
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const processed = Number(/^signal_generator_candles_total\{symbol="BTCUSDT",service="signal-generator"\} (\d+)$/m.exec(metrics)?.[1]);
    expect(processed).toBe(history + btc.length);
  });
});
