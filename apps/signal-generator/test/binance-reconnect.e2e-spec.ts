import { metricsRegistry } from '@app/observability';
import { waitFor } from '@app/testing';
import { FakeBinance } from './fixtures/binance/fake-binance.server';
import { startFeed, type RunningFeed } from './fixtures/binance/feed-harness';
import { expectedCandle, loadRows } from './fixtures/binance/kline-fixture';

const STREAMS = ['btcusdt@kline_1m', 'ethusdt@kline_1m'];

/**
 * Losing the connection must not lose, repeat or reorder a candle: the consumer sees the same
 * 120 real candles per symbol whatever happens to the socket.
 */
describe('Binance futures feed: reconnect, stall, rotation and gap fill', () => {
  const btc = loadRows('BTCUSDT');
  const eth = loadRows('ETHUSDT');
  const wantBtc = btc.map((r) => expectedCandle('BTCUSDT', r));
  const wantEth = eth.map((r) => expectedCandle('ETHUSDT', r));
  let server: FakeBinance;
  let feed: RunningFeed | undefined;

  async function startConnected(overrides: Parameters<typeof startFeed>[1] = {}): Promise<RunningFeed> {
    server = await FakeBinance.start({ markets: { BTCUSDT: btc, ETHUSDT: eth }, paused: true });
    const f = startFeed(server, overrides);
    await waitFor(() => f.source.connected, { what: 'feed connected' });
    server.resume();
    return f;
  }

  async function expectCompleteSequence(f: RunningFeed): Promise<void> {
    // Wait for the last candle, not for a count: a feed that skips candles fails on the diff below, fast.
    const lastOf = (s: string): number | undefined => f.delivered[s]?.at(-1)?.open_time;
    await waitFor(() => lastOf('BTCUSDT') === wantBtc.at(-1)!.open_time && lastOf('ETHUSDT') === wantEth.at(-1)!.open_time, {
      timeoutMs: 20_000,
      what: 'the last candle of both symbols',
    });
    expect(f.delivered.BTCUSDT).toEqual(wantBtc);
    expect(f.delivered.ETHUSDT).toEqual(wantEth);
  }

  afterEach(async () => {
    await feed?.source.stop();
    feed = undefined;
    await server?.close();
  });

  it('reconnects after the server drops the socket, resubscribes, and gap-fills the candles closed meanwhile', async () => {
    feed = await startConnected();
    await waitFor(() => feed!.count('BTCUSDT') >= 10, { what: '10 candles' });
    server.dropAll({ refuseForCandles: 8 });
    // Read after the feed has seen the drop: a frame already in its socket when the drop was asked
    // for is still delivered, and the fill rightly starts after it.
    await waitFor(() => !feed!.source.connected, { what: 'the drop seen by the feed' });
    const lastBeforeDrop = feed.delivered.BTCUSDT.at(-1)!.open_time;
    await expectCompleteSequence(feed);

    expect(server.connections.length).toBeGreaterThanOrEqual(2);
    for (const c of server.connections) expect(c.streams).toEqual(STREAMS);
    expect(server.rejectedUpgrades.every((r) => r.status === 503)).toBe(true);
    // The first REST call asks for the candle right after the last one delivered.
    const firstFill = server.klinesRequests().find((r) => r.query.symbol === 'BTCUSDT')!;
    expect(Number(firstFill.query.startTime)).toBe(lastBeforeDrop + 60_000);
    // Filled on reconnect (open-ended), not only when the next live candle reveals the hole.
    expect(firstFill.query.endTime).toBeUndefined();
    expect(firstFill.query.interval).toBe('1m');
    expect(feed.source.stats.gapFilledCandles).toBeGreaterThanOrEqual(2 * 8);
    expect(feed.source.stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(feed.logs.find('warn', /disconnected from Binance/)).not.toHaveLength(0);
    expect(feed.logs.find('info', /gap filled \d+ BTCUSDT candles/)).not.toHaveLength(0);
  });

  it('reconnects when the server closes with a close frame (the 24 h cut)', async () => {
    feed = await startConnected();
    await waitFor(() => feed!.count('ETHUSDT') >= 5, { what: '5 candles' });
    server.closeAll(1001, 'going away');
    await expectCompleteSequence(feed);
    expect(feed.logs.find('warn', /closed by server 1001 going away/)).toHaveLength(1);
  });

  it('treats a silent connection as dead within the stall timeout, reconnects and gap-fills', async () => {
    const stallTimeoutMs = 400;
    const stallsBefore = await counterValue('binance_ws_stalls_total');
    feed = await startConnected({ stallTimeoutMs });
    await waitFor(() => feed!.count('BTCUSDT') >= 10, { what: '10 candles' });
    const stalledConn = server.openConnections()[0];
    const stalledAt = Date.now();
    server.stallAll();
    await waitFor(() => stalledConn.closedAt !== undefined, { what: 'client gives up on the silent socket' });
    const detectedAfter = stalledConn.closedAt! - stalledAt;
    expect(detectedAfter).toBeGreaterThanOrEqual(stallTimeoutMs - 50);
    expect(detectedAfter).toBeLessThan(stallTimeoutMs + 1_500);
    await expectCompleteSequence(feed);

    expect(feed.source.stats.stalls).toBe(1);
    expect((await counterValue('binance_ws_stalls_total')) - stallsBefore).toBe(1);
    expect(feed.source.stats.gapFilledCandles).toBeGreaterThan(0);
    expect(feed.logs.find('warn', /stall \(no frame for 400 ms\)/)).toHaveLength(1);
  });

  it('rotates the connection before its maximum age without losing or repeating a candle', async () => {
    feed = await startConnected({ maxConnectionAgeMs: 250 });
    await expectCompleteSequence(feed);

    expect(feed.source.stats.rotations).toBeGreaterThanOrEqual(3);
    // Make-before-break: never a moment without a socket, so nothing to fill and no reconnect.
    expect(feed.source.stats.reconnects).toBe(0);
    expect(feed.source.stats.gapFilledCandles).toBe(0);
    expect(server.klinesRequests()).toEqual([]);
    expect(server.maxConcurrent).toBe(2);
    for (const c of server.connections) expect(c.streams).toEqual(STREAMS);
    // Each replaced socket was closed by the client, so at most the current one is open.
    expect(server.openConnections().length).toBeLessThanOrEqual(1);
  });

  it('keeps the current connection while a replacement is refused, then rotates', async () => {
    feed = await startConnected({ maxConnectionAgeMs: 150 });
    server.refuseNew({ forCandles: 30 });
    await waitFor(() => server.rejectedUpgrades.length >= 2, { what: 'refused replacements' });
    expect(feed.source.connected).toBe(true);
    await expectCompleteSequence(feed);

    expect(feed.logs.find('warn', /rotation connection failed; keeping the current one/).length).toBeGreaterThanOrEqual(2);
    expect(feed.source.stats).toMatchObject({ reconnects: 0, gapFilledCandles: 0 });
    expect(feed.source.stats.rotations).toBeGreaterThanOrEqual(1);
  });

  it('fills a hole in a healthy stream (closed klines lost upstream) before the next live candle', async () => {
    feed = await startConnected();
    await waitFor(() => feed!.count('BTCUSDT') >= 10, { what: '10 candles' });
    server.omitClosedFrames(3);
    await expectCompleteSequence(feed);

    expect(feed.source.stats).toMatchObject({ reconnects: 0, gapFilledCandles: 6 });
    expect(server.connections).toHaveLength(1);
    // Bounded by the live candle that revealed the hole, so the forming candle is never asked for.
    const fills = server.klinesRequests();
    expect(fills).toHaveLength(2);
    for (const r of fills) expect(Number(r.query.endTime) - Number(r.query.startTime)).toBe(3 * 60_000 - 1);
  });

  it('keeps backing off while the server refuses connections, then recovers everything', async () => {
    feed = await startConnected();
    await waitFor(() => feed!.count('BTCUSDT') >= 5, { what: '5 candles' });
    server.dropAll({ refuseForCandles: 25 });
    await waitFor(() => server.rejectedUpgrades.length >= 2, { what: 'refused reconnects' });
    await expectCompleteSequence(feed);
    expect(feed.source.stats.reconnects).toBeGreaterThanOrEqual(3);
    expect(feed.logs.find('warn', /connection attempt failed.*503/)).not.toHaveLength(0);
  });
});

/** Current value of an unlabelled counter in the process registry (what /metrics would show). */
async function counterValue(name: string): Promise<number> {
  const metric = metricsRegistry.getSingleMetric(name);
  if (!metric) return 0;
  return (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
}
