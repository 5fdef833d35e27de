import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import type { AddressInfo } from 'node:net';
import { KEYS, type Candle, type NewSignal } from '@app/contracts';
import { MarketPublisher } from '@app/redis-streams';
import { freePort, startRedis, startService, waitFor, type ServiceProcess, type TestRedis } from '@app/testing';
import { loadConfig } from '../src/config';
import { startGateway } from '../src/gateway';
import { bar, sig, T0 } from './position-fixtures';

/**
 * The gateway's positions endpoints against a real position-closer process (`npm run build`
 * first) and a private redis-server: signals and candles go in through the streams, the
 * answers come out of the gateway's read model.
 */
describe('api-gateway positions endpoints', () => {
  let redis: TestRedis;
  let client: Redis;
  let publisher: MarketPublisher;
  let closer: ServiceProcess;
  const gateways: NestFastifyApplication[] = [];
  let base: string;

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    publisher = new MarketPublisher(client);
    const port = await freePort();
    closer = startService('position-closer', { REDIS_URL: redis.url, PORT: String(port), HOST: '127.0.0.1', CONSUMER_NAME: 'gw-test' });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200, { timeoutMs: 15_000, what: 'closer healthy' });
    base = await startGw();
  });
  afterAll(async () => {
    for (const g of gateways) await g.close();
    await closer?.kill();
    await client?.quit();
    await redis?.stop();
  });

  async function startGw(): Promise<string> {
    const app = await startGateway(loadConfig({ REDIS_URL: redis.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }));
    gateways.push(app);
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    await waitFor(async () => (await fetch(`${url}/api/positions`)).status === 200, { what: 'positions loaded' });
    return url;
  }

  const get = async (path: string, url = base) => {
    const res = await fetch(`${url}${path}`);
    return { status: res.status, body: (await res.json()) as Body };
  };
  const post = async (path: string) => {
    const res = await fetch(`${base}${path}`, { method: 'POST' });
    return { status: res.status, body: (await res.json()) as Body };
  };
  // As the signal-generator writes them: a signal on `signals` and `market`, a candle on `market`.
  const signal = async (s: NewSignal) => (await publisher.publish(null, [{ ...s, metadata: { ...s.metadata, source: 'live' as const } }])).signalIds[0];
  const candle = (c: Candle) => publisher.publish(c);
  const closedIds = async () => ((await get('/api/positions/history')).body.positions as { position_id: string }[]).map((p) => p.position_id);

  // Filled by the first test, used by the later ones (one scenario told in steps).
  const ids: Record<string, string> = {};

  it('serves open positions, one position and the history as the closer opens and closes them', async () => {
    ids.btc = await signal(sig('BTCUSDT', 'BUY', 100, 98, 104, ['ema', 'rsi']));
    ids.eth = await signal(sig('ETHUSDT', 'SELL', 200, 204, 190, ['ema', 'rsi']));
    ids.sol = await signal(sig('SOLUSDT', 'BUY', 50, 49, 53, ['macd']));
    ids.xrp = await signal(sig('XRPUSDT', 'BUY', 40, 39, 43, ['macd']));
    await waitFor(async () => (await get('/api/positions')).body.count === 4, { what: 'four open' });

    const open = await get('/api/positions?symbol=btcusdt');
    expect(open).toEqual({
      status: 200,
      body: {
        status: 'success',
        count: 1,
        positions: [
          {
            status: 'open',
            position_id: ids.btc,
            signal_id: ids.btc,
            signal_timestamp: '2025-05-06T12:01:00.000001',
            symbol: 'BTCUSDT',
            direction: 'BUY',
            timeframe: '1m',
            strategy_name: 'Consensus',
            entry_price: 100,
            stop_loss: 98,
            take_profit: 104,
            leverage: 10,
            quantity: 10,
            opened_at: expect.any(String),
            strategies: ['ema', 'rsi'],
            market_time_ms: T0,
            source: 'live',
          },
        ],
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
      },
    });

    await candle(bar('BTCUSDT', 1, 104.5, 99.5, 104)); // BTC reaches its target
    await candle(bar('ETHUSDT', 1, 204.5, 199, 203)); // ETH SELL stopped at 204
    await waitFor(async () => (await closedIds()).length === 2, { what: 'two closed' });
    expect((await get('/api/positions')).body.positions.map((p: { symbol: string }) => p.symbol).sort()).toEqual(['SOLUSDT', 'XRPUSDT']);
    const one = await get(`/api/positions/${ids.btc}`);
    expect(one.body.position).toMatchObject({ status: 'closed', reason: 'take_profit', exit_price: 104, pnl_pct: 4, pnl_leveraged_pct: 40, r_multiple: 2 });
    expect((await get('/api/positions/history?limit=1')).body).toMatchObject({ count: 1, total: 2 });
  });

  it('POST /api/positions/{id}/close: 202 with a request id, then the closer closes it at the last price (manual)', async () => {
    await candle(bar('SOLUSDT', 1, 50.2, 49.3, 49.5)); // last SOL close 49.5
    await waitFor(async () => (await client.hget(KEYS.lastPrice, 'SOLUSDT'))?.includes('49.5'), { what: 'SOL price' });
    const res = await post(`/api/positions/${ids.sol}/close`);
    expect(res).toEqual({
      status: 202,
      body: {
        status: 'success',
        message: 'close requested; the position-closer closes it at the last price',
        request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        position_id: ids.sol,
        requested_at: expect.any(String),
        timestamp: expect.any(String),
      },
    });
    await waitFor(async () => (await closedIds()).includes(ids.sol), { what: 'manual close' });
    expect((await get(`/api/positions/${ids.sol}`)).body.position).toMatchObject({ reason: 'manual', exit_price: 49.5, pnl_pct: -1, r_multiple: -0.5 });

    expect(await post(`/api/positions/${ids.sol}/close`)).toEqual({
      status: 404,
      body: { status: 'error', message: expect.stringMatching(new RegExp(`^position ${ids.sol} is already closed \\(manual at 49.5`)) },
    });
    expect(await post('/api/positions/1700000000000-0/close')).toEqual({ status: 404, body: { status: 'error', message: 'position 1700000000000-0 not found' } });
    expect(await post('/api/positions/not-an-id/close')).toEqual({
      status: 400,
      body: { status: 'error', message: 'position id must be a signal id like 1732185045123-0' },
    });
    expect((await get('/api/positions/1700000000000-0')).status).toBe(404);
  });

  it('an opposite signal closes XRP and ATAS gets close requests it can page through', async () => {
    ids.xrpSell = await signal(sig('XRPUSDT', 'SELL', 41.5, 42.5, 38.5, ['macd'], 2));
    await waitFor(async () => (await closedIds()).includes(ids.xrp), { what: 'opposite close' });
    expect((await get(`/api/positions/${ids.xrp}`)).body.position).toMatchObject({ reason: 'opposite_signal', exit_price: 41.5, r_multiple: 1.5 });

    const all = await waitFor(async () => {
      const r = await get('/api/positions/close-requests');
      return r.body.count === 2 ? r.body : null;
    }, { what: 'two close requests' });
    expect(all).toEqual({
      status: 'success',
      count: 2,
      close_requests: [
        {
          id: expect.stringMatching(/^\d+-\d+$/),
          position_id: ids.sol,
          signal_id: ids.sol,
          signal_timestamp: '2025-05-06T12:01:00.000001',
          symbol: 'SOLUSDT',
          direction: 'BUY',
          reason: 'manual',
          requested_at: expect.any(String),
        },
        expect.objectContaining({ position_id: ids.xrp, symbol: 'XRPUSDT', direction: 'BUY', reason: 'opposite_signal' }),
      ],
      last_id: all.close_requests[1].id,
      timestamp: expect.any(String),
    });
    const [first, second] = all.close_requests as { id: string; requested_at: string }[];
    expect((await get(`/api/positions/close-requests?since=${first.id}`)).body).toMatchObject({ count: 1, close_requests: [{ id: second.id }], last_id: second.id });
    expect((await get(`/api/positions/close-requests?since=${second.id}`)).body).toMatchObject({ count: 0, close_requests: [], last_id: second.id });
    expect((await get('/api/positions/close-requests?symbol=XRPUSDT')).body.close_requests.map((r: { id: string }) => r.id)).toEqual([second.id]);
    expect((await get('/api/positions/close-requests?since=2000-01-01T00:00:00Z')).body.count).toBe(2);
    expect((await get('/api/positions/close-requests?since=2999-01-01T00:00:00Z')).body.count).toBe(0);
    expect(await get('/api/positions/close-requests?since=yesterday')).toEqual({
      status: 400,
      body: { status: 'error', message: 'since: must be a close-request id like 1732185045123-0 or an ISO time like 2024-11-21T10:30:45Z' },
    });
    expect((await get('/api/positions/history?limit=0')).status).toBe(400);
  });

  it('/api/performance agrees with the hand check of the four closed positions', async () => {
    // 1000 USDT per position, quantity = 1000 / entry; pnl = quantity × signed move.
    //   BTC  BUY  100 → 104  TP      qty 10   +40    +4 %     +2 R    ema, rsi
    //   ETH  SELL 200 → 204  SL      qty 5    −20    −2 %     −1 R    ema, rsi
    //   SOL  BUY  50 → 49.5  manual  qty 20   −10    −1 %     −0.5 R  macd
    //   XRP  BUY  40 → 41.5  opposite qty 25  +37.5  +3.75 %  +1.5 R  macd
    // overall: 2 wins / 4 = 50 %; PF (40 + 37.5) / (20 + 10) = 2.5833; R 2 → avg 0.5; net 47.5;
    //          avg pnl % (4 − 2 − 1 + 3.75) / 4 = 1.1875
    const perf = (await get('/api/performance')).body;
    expect(perf).toMatchObject({
      status: 'success',
      open_positions: 1, // the XRP SELL
      overall: { trades: 4, wins: 2, losses: 2, win_rate: 50, profit_factor: 2.5833, average_r: 0.5, total_r: 2, net_pnl: 47.5, average_pnl_pct: 1.1875 },
      // BUY: BTC, SOL, XRP: 2 / 3; PF 77.5 / 10 = 7.75; R 3 / 3 = 1; net 67.5; pnl % 6.75 / 3 = 2.25
      // SELL: ETH alone: no profit, PF 0 / 20 = 0
      by_direction: {
        BUY: { trades: 3, wins: 2, losses: 1, win_rate: 66.6667, profit_factor: 7.75, average_r: 1, total_r: 3, net_pnl: 67.5, average_pnl_pct: 2.25 },
        SELL: { trades: 1, wins: 0, losses: 1, win_rate: 0, profit_factor: 0, average_r: -1, total_r: -1, net_pnl: -20, average_pnl_pct: -2 },
      },
      by_symbol: {
        BTCUSDT: { trades: 1, wins: 1, profit_factor: null, average_r: 2, net_pnl: 40 },
        ETHUSDT: { trades: 1, losses: 1, average_r: -1, net_pnl: -20 },
        SOLUSDT: { trades: 1, losses: 1, average_r: -0.5, net_pnl: -10 },
        XRPUSDT: { trades: 1, wins: 1, average_r: 1.5, net_pnl: 37.5 },
      },
      // ema and rsi: BTC + ETH: PF 40 / 20 = 2, R 1 / 2 = 0.5, net 20
      // macd: SOL + XRP: PF 37.5 / 10 = 3.75, R 1 / 2 = 0.5, net 27.5; Consensus: all four
      by_strategy: {
        Consensus: { trades: 4, profit_factor: 2.5833 },
        ema: { trades: 2, wins: 1, losses: 1, win_rate: 50, profit_factor: 2, average_r: 0.5, net_pnl: 20 },
        rsi: { trades: 2, profit_factor: 2, net_pnl: 20 },
        macd: { trades: 2, wins: 1, losses: 1, profit_factor: 3.75, average_r: 0.5, net_pnl: 27.5 },
      },
    });
    expect(Object.keys(perf.by_strategy).sort()).toEqual(['Consensus', 'ema', 'macd', 'rsi']);
    // Beside every gross figure, the one after the default costs (taker 5 bps, maker 2 bps on the
    // TP): the BTC target alone pays (100 × 5 + 104 × 2) / 10^4 = 0.0708 per unit, × 10 = 0.708 USDT.
    expect(perf.costs).toEqual({ taker_fee_bps: 5, maker_fee_bps: 2, slippage_ticks: 1 });
    expect(perf.by_symbol.BTCUSDT.fees_quote).toBeCloseTo(0.708, 3);
    expect(perf.overall.net_total_r).toBeLessThan(perf.overall.total_r);
    expect(perf.overall.net_profit_factor).toBeLessThan(perf.overall.profit_factor);
    expect(perf.overall.pnl_after_costs).toBeCloseTo(47.5 - perf.overall.fees_quote - perf.overall.slippage_quote, 3);
  });

  it('a gateway started now rebuilds the same view from Redis', async () => {
    const second = await startGw();
    for (const path of ['/api/positions', '/api/positions/history', '/api/performance', '/api/positions/close-requests']) {
      const [a, b] = [await get(path), await get(path, second)];
      expect({ path, ...b.body, timestamp: 'x' }).toEqual({ path, ...a.body, timestamp: 'x' });
    }
  });
});

// Response bodies are asserted field by field; any shape goes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
