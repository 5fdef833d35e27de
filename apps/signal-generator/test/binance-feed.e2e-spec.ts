import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@app/testing';
import { BinanceFuturesSource, type AggTrade } from '../src/market-data/binance';
import { CaptureLogger } from './fixtures/binance/capture-logger';
import { FakeBinance } from './fixtures/binance/fake-binance.server';
import { startFeed, type RunningFeed } from './fixtures/binance/feed-harness';
import { expectedCandle, loadRows } from './fixtures/binance/kline-fixture';

/**
 * The live Binance feed against a local fake of the futures endpoints, replaying real candles:
 * what reaches the consumer, what goes over the wire, and what is left behind on stop.
 */
describe('Binance futures feed: stream handling', () => {
  const btc = loadRows('BTCUSDT').slice(0, 40);
  const eth = loadRows('ETHUSDT').slice(0, 40);
  let server: FakeBinance;
  let feed: RunningFeed | undefined;

  afterEach(async () => {
    await feed?.source.stop();
    feed = undefined;
    await server?.close();
  });

  it('delivers each closed candle once, in order, with the exact values; forming updates are ignored', async () => {
    server = await FakeBinance.start({ markets: { BTCUSDT: btc, ETHUSDT: eth }, paused: true });
    feed = startFeed(server);
    await waitFor(() => feed!.source.connected, { what: 'feed connected' });
    server.resume();
    await waitFor(() => feed!.count('BTCUSDT') === 40 && feed!.count('ETHUSDT') === 40, { what: '40 candles each' });

    expect(feed.delivered.BTCUSDT).toEqual(btc.map((r) => expectedCandle('BTCUSDT', r)));
    expect(feed.delivered.ETHUSDT).toEqual(eth.map((r) => expectedCandle('ETHUSDT', r)));
    // One connection, to the market route, asking for exactly the two kline streams.
    expect(server.connections).toHaveLength(1);
    expect(server.connections[0].streams).toEqual(['btcusdt@kline_1m', 'ethusdt@kline_1m']);
    expect(server.rejectedUpgrades).toEqual([]);
    expect(server.connections[0].inbound).toEqual([]);
    expect(server.klinesRequests()).toEqual([]);
    expect(feed.source.stats).toMatchObject({ reconnects: 0, malformedFrames: 0, gapFilledCandles: 0 });
    expect(feed.source.lastCandleAt).toBeGreaterThan(Date.now() - 10_000);
  });

  it('reads every field of a full Binance kline (taker volume, trades, quote volume), live and from REST', async () => {
    const avax = loadRows('AVAXUSDT');
    server = await FakeBinance.start({ markets: { AVAXUSDT: avax }, paused: true });
    feed = startFeed(server, { symbols: ['AVAXUSDT'] });
    await waitFor(() => feed!.source.connected, { what: 'feed connected' });
    server.resume();
    await waitFor(() => feed!.count('AVAXUSDT') >= 10, { what: '10 AVAX candles' });
    server.dropAll({ refuseForCandles: 5 });
    await waitFor(() => feed!.count('AVAXUSDT') === avax.length, { what: 'all AVAX candles' });

    const want = avax.map((r) => expectedCandle('AVAXUSDT', r));
    expect(want[0]).toEqual({
      symbol: 'AVAXUSDT', timeframe: '1m', open_time: 1738368000000, close_time: 1738368059999,
      open: 34.422, high: 34.426, low: 34.36, close: 34.36, volume: 9896,
      quote_volume: 340376.094, trades: 1391, taker_buy_volume: 3538,
    });
    expect(feed.delivered.AVAXUSDT).toEqual(want);
    expect(feed.source.stats.gapFilledCandles).toBeGreaterThanOrEqual(5);
  });

  it('answers server pings with the same payload and sends no data frames', async () => {
    server = await FakeBinance.start({ markets: { BTCUSDT: btc, ETHUSDT: eth } });
    feed = startFeed(server);
    const conn = await waitFor(() => server.openConnections()[0], { what: 'a connection' });
    const pong = await server.ping(conn, 'keepalive-1712');
    expect(pong.toString()).toBe('keepalive-1712');
    await waitFor(() => feed!.count('BTCUSDT') >= 3, { what: 'candles after the ping' });
    expect(conn.inbound).toEqual([]);
  });

  it('counts and skips malformed frames, keeps the connection and the candle sequence', async () => {
    server = await FakeBinance.start({ markets: { BTCUSDT: btc, ETHUSDT: eth }, paused: true });
    feed = startFeed(server);
    await waitFor(() => feed!.source.connected, { what: 'feed connected' });
    const goodKline = { e: 'kline', E: 1, s: 'BTCUSDT', k: { t: btc[0].openTime, T: btc[0].openTime + 59_999, s: 'BTCUSDT', i: '1m', o: '1', c: '1', h: '1', l: '1', v: '1', x: true } };
    const bad = [
      'not json at all',
      JSON.stringify({ result: null, id: 1 }),
      JSON.stringify({ stream: 'solusdt@kline_1m', data: { e: 'kline' } }),
      JSON.stringify({ stream: 'btcusdt@kline_1m', data: { e: 'markPriceUpdate' } }),
      JSON.stringify({ stream: 'btcusdt@kline_1m', data: { ...goodKline, k: { ...goodKline.k, o: 'abc' } } }),
      JSON.stringify({ stream: 'btcusdt@kline_1m', data: { ...goodKline, k: { ...goodKline.k, h: '0.5' } } }),
      JSON.stringify({ stream: 'btcusdt@kline_1m', data: { ...goodKline, k: { ...goodKline.k, T: goodKline.k.t + 1 } } }),
      JSON.stringify({ stream: 'ethusdt@kline_1m', data: goodKline }),
      // Well-formed for Binance but refused by the candle contract (prices must be positive): the
      // live candle's one schema check is the parser's, so it is counted and skipped here.
      JSON.stringify({ stream: 'btcusdt@kline_1m', data: { ...goodKline, k: { ...goodKline.k, o: '0', c: '0', h: '0', l: '0' } } }),
    ];
    for (const frame of bad) server.sendRaw(frame);
    server.sendRaw(Buffer.from([0x00, 0xff]), true);
    server.resume();
    await waitFor(() => feed!.count('BTCUSDT') === 40 && feed!.count('ETHUSDT') === 40, { what: 'all candles' });

    expect(feed.source.stats.malformedFrames).toBe(bad.length + 1);
    expect(feed.delivered.BTCUSDT).toEqual(btc.map((r) => expectedCandle('BTCUSDT', r)));
    expect(server.connections).toHaveLength(1);
    const reasons = feed.logs.find('warn', /malformed/).map((e) => (e.obj as { reason: string }).reason);
    expect(reasons).toEqual(['json', 'envelope', 'unexpected-stream', 'unknown-event', 'kline', 'kline', 'kline', 'kline', 'kline', 'binary']);
  });

  it('subscribes to aggTrade streams on request and hands each trade over once', async () => {
    const lines = readFileSync(join(__dirname, 'fixtures/binance/ETHUSDT-aggTrades-2023-02-02.head5.csv'), 'utf8').trim().split('\n').slice(1);
    const frames = lines.map((line) => {
      const [a, p, q, t, maker] = line.split(',');
      const data = { e: 'aggTrade', E: Number(t) + 5, s: 'ETHUSDT', a: Number(a), p, q, f: Number(a) * 3, l: Number(a) * 3 + 1, T: Number(t), m: maker === 'true' };
      return JSON.stringify({ stream: 'ethusdt@aggTrade', data });
    });
    server = await FakeBinance.start({ markets: { BTCUSDT: btc, ETHUSDT: eth }, paused: true });
    const trades: AggTrade[] = [];
    feed = startFeed(server, { aggTradeSymbols: ['ETHUSDT'], onAggTrade: (t) => trades.push(t) });
    await waitFor(() => feed!.source.connected, { what: 'feed connected' });
    for (const f of [frames[0], frames[1], frames[1], frames[0], frames[2], frames[3], frames[4]]) server.sendRaw(f);
    await waitFor(() => trades.length === 5, { what: '5 trades' });

    expect(server.connections[0].streams).toEqual(['btcusdt@kline_1m', 'ethusdt@kline_1m', 'ethusdt@aggTrade']);
    expect(trades.map((t) => t.id)).toEqual([1206419187, 1206419188, 1206419189, 1206419190, 1206419191]);
    expect(trades[1]).toEqual({ symbol: 'ETHUSDT', id: 1206419188, price: 1666.79, quantity: 0.152, time: 1675329600214, buyerIsMaker: true });
  });

  it('rejects run() with the consumer\'s error and closes the connection when onCandle throws', async () => {
    server = await FakeBinance.start({ markets: { BTCUSDT: btc, ETHUSDT: eth } });
    const source = new BinanceFuturesSource({
      symbols: ['BTCUSDT'], wsBaseUrl: server.wsBaseUrl, rest: { baseUrl: server.restBaseUrl }, logger: new CaptureLogger(),
    });
    let seen = 0;
    const done = source.run(() => {
      if (++seen === 3) throw new Error('redis is down');
    });
    await expect(done).rejects.toThrow('redis is down');
    expect(seen).toBe(3);
    expect(source.connected).toBe(false);
    await waitFor(() => server.openConnections().length === 0, { what: 'socket closed' });
    await source.stop();
  });

  it('stop() closes the socket, settles run() and leaves no timer or socket behind', async () => {
    server = await FakeBinance.start({ markets: { BTCUSDT: btc, ETHUSDT: eth } });
    const baseline = resources();
    feed = startFeed(server);
    await waitFor(() => feed!.count('BTCUSDT') >= 2, { what: 'candles' });
    await feed.source.stop();
    await expect(feed.done).resolves.toBeUndefined();
    await waitFor(() => server.openConnections().length === 0, { what: 'server sees the close' });
    expect(feed.source.connected).toBe(false);
    await waitFor(() => sameResources(resources(), baseline), { what: `resources back to ${JSON.stringify(baseline)}` });
    const delivered = feed.count('BTCUSDT');
    server.resume();
    // The market moves on; a stopped feed delivers nothing more.
    const closedAtStop = server.closedCount;
    await waitFor(() => server.closedCount >= closedAtStop + 3, { what: 'market moves on' });
    expect(feed.count('BTCUSDT')).toBe(delivered);
  });

  it('stop() during a reconnect backoff settles at once and leaves nothing behind', async () => {
    server = await FakeBinance.start({ markets: { BTCUSDT: btc, ETHUSDT: eth } });
    const baseline = resources();
    feed = startFeed(server, { reconnectBaseMs: 60_000, reconnectMaxMs: 60_000 });
    await waitFor(() => feed!.source.connected, { what: 'feed connected' });
    server.dropAll({ refuseForCandles: 1_000 });
    await waitFor(() => feed!.logs.find('info', /reconnecting to Binance in/).length > 0, { what: 'reconnect scheduled' });
    const started = Date.now();
    await feed.source.stop();
    await feed.done;
    expect(Date.now() - started).toBeLessThan(1_000);
    await waitFor(() => sameResources(resources(), baseline), { what: `resources back to ${JSON.stringify(baseline)}` });
  });
});

/** Timers and TCP handles of this process, by kind. */
function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) {
    if (r === 'Timeout' || r.startsWith('TCP')) out[r] = (out[r] ?? 0) + 1;
  }
  return out;
}

function sameResources(now: Record<string, number>, baseline: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(now), ...Object.keys(baseline)]);
  return [...keys].every((k) => (now[k] ?? 0) <= (baseline[k] ?? 0));
}
