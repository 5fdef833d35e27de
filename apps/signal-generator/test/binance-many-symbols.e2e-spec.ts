import { WebSocket } from 'ws';
import { waitFor } from '@app/testing';
import { FakeBinance } from './fixtures/binance/fake-binance.server';
import { startFeed, type RunningFeed } from './fixtures/binance/feed-harness';
import { expectedCandle, loadRows } from './fixtures/binance/kline-fixture';

/**
 * The whole market on one process: more symbols than Binance's 200 streams per connection means
 * several combined-stream connections, each with its own reconnect, and still every candle of
 * every symbol exactly once and in order.
 */
describe('Binance futures feed: more than 200 symbols', () => {
  const rows = loadRows('BTCUSDT').slice(0, 40);
  const symbols = Array.from({ length: 250 }, (_, i) => `S${String(i).padStart(3, '0')}USDT`);
  const markets = Object.fromEntries(symbols.map((s) => [s, rows]));
  let server: FakeBinance;
  let feed: RunningFeed | undefined;

  afterEach(async () => {
    await feed?.source.stop();
    feed = undefined;
    await server?.close();
  });

  it('opens 2 connections for 250 symbols and repairs a cut of one without gaps or doubles', async () => {
    server = await FakeBinance.start({ markets, paused: true, tickMs: 10 });
    feed = startFeed(server, { symbols });
    const f = feed;
    await waitFor(() => f.source.connected, { what: 'feed connected' });
    expect(f.source.connectionCount).toBe(2);
    const opened = server.openConnections();
    expect(opened.map((c) => c.streams.length).sort()).toEqual([200, 50]);
    expect(new Set(opened.flatMap((c) => c.streams))).toEqual(new Set(symbols.map((s) => `${s.toLowerCase()}@kline_1m`)));
    expect(server.rejectedUpgrades).toEqual([]);
    server.resume();

    await waitFor(() => f.count(symbols[0]) >= 8 && f.count(symbols[249]) >= 8, { what: '8 candles on both connections' });
    const cut = opened.find((c) => c.streams.length === 50)!;
    const kept = opened.find((c) => c.streams.length === 200)!;
    server.drop(cut, { refuseForCandles: 6 });

    const last = rows.at(-1)!.openTime;
    await waitFor(() => symbols.every((s) => f.delivered[s]?.at(-1)?.open_time === last), {
      timeoutMs: 30_000,
      what: 'the last candle of every symbol',
    });
    const want = rows.map((r) => expectedCandle('X', r));
    for (const s of symbols) expect(f.delivered[s]).toEqual(want.map((c) => ({ ...c, symbol: s })));

    // Only the cut connection was replaced and only its symbols were filled from REST.
    expect(kept.closedAt).toBeUndefined();
    expect(f.source.stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(f.source.stats.gapFilledCandles).toBeGreaterThanOrEqual(50 * 6);
    const filled = new Set(server.klinesRequests().map((r) => r.query.symbol));
    expect([...filled].sort()).toEqual(symbols.slice(200));
  });

  it('a fake Binance turns away a connection asking for more than 200 streams', async () => {
    server = await FakeBinance.start({ markets, paused: true });
    const url = `${server.wsBaseUrl}/stream?streams=${symbols.map((s) => `${s.toLowerCase()}@kline_1m`).join('/')}`;
    const ws = new WebSocket(url);
    const status = await new Promise<number>((resolve) =>
      ws.on('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      }),
    );
    expect(status).toBe(400);
  });
});
