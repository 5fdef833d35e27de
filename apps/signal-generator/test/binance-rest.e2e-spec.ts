import { waitFor } from '@app/testing';
import { BinanceRestClient, BinanceRestError, fetchSymbolFilters } from '../src/market-data/binance';
import { CaptureLogger } from './fixtures/binance/capture-logger';
import { FakeBinance } from './fixtures/binance/fake-binance.server';
import { startFeed, type RunningFeed } from './fixtures/binance/feed-harness';
import { expectedCandle, loadRows } from './fixtures/binance/kline-fixture';

/** Gap fill under REST errors, and the exchangeInfo lookup the service rounds prices with. */
describe('Binance futures REST: gap-fill retries and exchangeInfo', () => {
  const btc = loadRows('BTCUSDT').slice(0, 60);
  const eth = loadRows('ETHUSDT').slice(0, 60);
  let server: FakeBinance;
  let feed: RunningFeed | undefined;

  afterEach(async () => {
    await feed?.source.stop();
    feed = undefined;
    await server?.close();
  });

  async function dropAndRecover(refuseForCandles: number): Promise<void> {
    await waitFor(() => feed!.count('BTCUSDT') >= 5, { what: '5 candles' });
    server.dropAll({ refuseForCandles });
    const lastOf = (s: string): number | undefined => feed!.delivered[s]?.at(-1)?.open_time;
    await waitFor(() => lastOf('BTCUSDT') === btc.at(-1)!.openTime && lastOf('ETHUSDT') === eth.at(-1)!.openTime, {
      timeoutMs: 20_000,
      what: 'the last candle of both symbols',
    });
    expect(feed!.delivered.BTCUSDT).toEqual(btc.map((r) => expectedCandle('BTCUSDT', r)));
    expect(feed!.delivered.ETHUSDT).toEqual(eth.map((r) => expectedCandle('ETHUSDT', r)));
  }

  it('honours Retry-After on a 429 during the gap fill, then completes the sequence', async () => {
    server = await FakeBinance.start({ markets: { BTCUSDT: btc, ETHUSDT: eth }, tickMs: 10 });
    feed = startFeed(server);
    server.failNextKlines({ status: 429, retryAfter: '1', body: '{"code":-1003,"msg":"Too many requests; current limit of IP is 2400 requests per minute."}' });
    await dropAndRecover(5);

    const [limited, retried] = server.klinesRequests();
    expect(limited.status).toBe(429);
    expect(retried.status).toBe(200);
    expect(retried.query).toEqual(limited.query);
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(1_000);
    const warn = feed.logs.find('warn', /HTTP 429 rate limited \(code -1003: Too many requests.*Retry-After 1; retry 1 in 1000 ms/);
    expect(warn).toHaveLength(1);
  });

  it('retries 5xx and network-level failures with backoff', async () => {
    server = await FakeBinance.start({ markets: { BTCUSDT: btc, ETHUSDT: eth } });
    feed = startFeed(server);
    server.failNextKlines(
      { status: 502, body: '<html>Bad Gateway</html>' },
      { status: 0 },
      { status: 503, body: '{"code":-1008,"msg":"Server is currently overloaded with other requests."}' },
    );
    await dropAndRecover(5);
    expect(server.klinesRequests().slice(0, 4).map((r) => r.status)).toEqual([502, 0, 503, 200]);
    expect(feed.logs.find('warn', /network error: fetch failed \(other side closed\); retry 2 in/)).toHaveLength(1);
    expect(feed.logs.find('warn', /HTTP 502 \(<html>Bad Gateway<\/html>\)/)).toHaveLength(1);
    expect(feed.logs.find('warn', /HTTP 503 \(code -1008/)).toHaveLength(1);
  });

  it('gives up on a ban longer than it will wait, logs it, and fills the range on the next live candle', async () => {
    server = await FakeBinance.start({ markets: { BTCUSDT: btc, ETHUSDT: eth } });
    feed = startFeed(server, { rest: { baseUrl: server.restBaseUrl, maxRetryAfterMs: 5_000, retryBaseMs: 20, retryMaxMs: 100 } });
    server.failNextKlines({ status: 418, retryAfter: '7200', body: '{"code":-1003,"msg":"Way too many requests; IP banned until 1746380000000."}' });
    await dropAndRecover(5);
    expect(feed.source.stats.gapFillFailures).toBe(1);
    expect(feed.logs.find('error', /gap fill for BTCUSDT failed/)).toHaveLength(1);
    expect(feed.logs.find('error', /IP banned.*Retry-After 7200.*giving up/)).toHaveLength(1);
    expect(server.klinesRequests()[0].status).toBe(418);
  });

  it('stop() interrupts a Retry-After wait', async () => {
    server = await FakeBinance.start({ markets: { BTCUSDT: btc, ETHUSDT: eth } });
    feed = startFeed(server);
    server.failNextKlines({ status: 429, retryAfter: '60' });
    await waitFor(() => feed!.count('BTCUSDT') >= 3, { what: 'candles' });
    server.dropAll({ refuseForCandles: 3 });
    await waitFor(() => feed!.logs.find('warn', /retry 1 in 60000 ms/).length === 1, { what: 'waiting out Retry-After' });
    const started = Date.now();
    await feed.source.stop();
    await feed.done;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(feed.source.stats.gapFillFailures).toBe(0);
  });

  it('reads tick and step sizes from exchangeInfo', async () => {
    server = await FakeBinance.start({ markets: { BTCUSDT: btc }, paused: true });
    const client = new BinanceRestClient({ baseUrl: server.restBaseUrl, logger: new CaptureLogger() });
    const filters = await fetchSymbolFilters(client, ['BTCUSDT', 'ETHUSDT', 'AVAXUSDT']);
    expect(Object.fromEntries(filters)).toEqual({
      BTCUSDT: { symbol: 'BTCUSDT', status: 'TRADING', tickSize: 0.1, priceDecimals: 1, stepSize: 0.001, quantityDecimals: 3 },
      ETHUSDT: { symbol: 'ETHUSDT', status: 'TRADING', tickSize: 0.01, priceDecimals: 2, stepSize: 0.001, quantityDecimals: 3 },
      AVAXUSDT: { symbol: 'AVAXUSDT', status: 'TRADING', tickSize: 0.001, priceDecimals: 3, stepSize: 1, quantityDecimals: 0 },
    });
    await expect(fetchSymbolFilters(client, ['BTCUSDT', 'DOGEUSDT'])).rejects.toThrow(
      'exchangeInfo: symbol DOGEUSDT is not listed on Binance USDT-M futures',
    );
  });

  it('fails at once with Binance\'s own message on a 4xx that retrying cannot fix', async () => {
    server = await FakeBinance.start({ markets: { BTCUSDT: btc }, paused: true });
    const client = new BinanceRestClient({ baseUrl: server.restBaseUrl, logger: new CaptureLogger() });
    const err = await client
      .klines({ symbol: 'NOPEUSDT', interval: '1m', limit: 10 }, { interval: '1m', intervalMs: 60_000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BinanceRestError);
    expect((err as BinanceRestError).message).toBe('GET /fapi/v1/klines?symbol=NOPEUSDT&interval=1m&limit=10: HTTP 400 (code -1121: Invalid symbol.)');
    expect((err as BinanceRestError).code).toBe(-1121);
    expect(server.klinesRequests()).toHaveLength(1);
  });
});
