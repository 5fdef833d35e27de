import type { Candle } from '@app/contracts';
import { waitFor } from '@app/testing';
import { BinanceFuturesSource } from '../src/market-data/binance';
import { CaptureLogger } from './fixtures/binance/capture-logger';
import { FakeBinance } from './fixtures/binance/fake-binance.server';
import { startFeed, type RunningFeed } from './fixtures/binance/feed-harness';
import { expectedCandle, loadRows } from './fixtures/binance/kline-fixture';

/** The live feed's cheap paths: forming klines skipped unread, a slow consumer pausing the sockets. */
describe('Binance futures feed: hot path', () => {
  const btc = loadRows('BTCUSDT');
  let server: FakeBinance | undefined;
  let feed: RunningFeed | undefined;
  let source: BinanceFuturesSource | undefined;

  afterEach(async () => {
    await feed?.source.stop();
    await source?.stop();
    feed = undefined;
    source = undefined;
    await server?.close();
  });

  it('skips forming (x:false) klines before parsing them: even a garbled one is not read', async () => {
    server = await FakeBinance.start({ markets: { BTCUSDT: btc, ETHUSDT: loadRows('ETHUSDT') }, paused: true });
    feed = startFeed(server);
    const f = feed;
    await waitFor(() => f.source.connected, { what: 'feed connected' });
    server.sendRaw(JSON.stringify({ stream: 'btcusdt@kline_1m', data: { e: 'kline', k: { o: 'abc', x: false } } }));
    server.sendRaw('not json, but "x":true');
    server.resume();
    await waitFor(() => f.count('BTCUSDT') === btc.length, { what: 'all candles' });
    expect(f.delivered.BTCUSDT).toEqual(btc.map((r) => expectedCandle('BTCUSDT', r)));
    // Only the closed-looking garbage was parsed (and counted); the forming frames never were.
    expect(f.source.stats.malformedFrames).toBe(1);
  });

  it('pauses its sockets while the consumer is behind, then delivers everything in order', async () => {
    const rows = btc.slice(0, 40);
    const symbols = Array.from({ length: 150 }, (_, i) => `P${String(i).padStart(3, '0')}USDT`);
    server = await FakeBinance.start({ markets: Object.fromEntries(symbols.map((s) => [s, rows])), paused: true, tickMs: 2 });
    const fake = server;
    const logs = new CaptureLogger();
    source = new BinanceFuturesSource({
      symbols,
      wsBaseUrl: fake.wsBaseUrl,
      rest: { baseUrl: fake.restBaseUrl, retryBaseMs: 20, retryMaxMs: 100, timeoutMs: 2_000 },
      stallTimeoutMs: 20_000,
      reconnectBaseMs: 50,
      reconnectMaxMs: 200,
      now: () => fake.simNow(),
      logger: logs,
    });
    const delivered: Record<string, Candle[]> = {};
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The first candle holds the consumer up, as a stalled Redis would.
    const done = source.run(async (c) => {
      (delivered[c.symbol] ??= []).push(c);
      await held;
    });
    done.catch(() => undefined);
    const s = source;
    await waitFor(() => s.connected, { what: 'feed connected' });
    fake.resume();
    await waitFor(() => logs.find('warn', /pausing the Binance sockets/).length > 0, { timeoutMs: 20_000, what: 'the sockets paused' });
    expect(Object.values(delivered).flat()).toHaveLength(1);
    release();
    const last = rows.at(-1)!.openTime;
    await waitFor(() => symbols.every((sym) => delivered[sym]?.at(-1)?.open_time === last), { timeoutMs: 30_000, what: 'every candle' });
    for (const sym of symbols) expect(delivered[sym]).toEqual(rows.map((r) => ({ ...expectedCandle(sym, r) })));
    expect(logs.find('warn', /reading the Binance sockets again/).length).toBeGreaterThan(0);
    expect(s.stats.stalls).toBe(0);
  });
});
