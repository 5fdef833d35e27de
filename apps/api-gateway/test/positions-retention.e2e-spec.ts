import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import type { AddressInfo } from 'node:net';
import { KEYS, STREAMS, type NewSignal } from '@app/contracts';
import { MarketPublisher } from '@app/redis-streams';
import { freePort, startRedis, startService, waitFor, type ServiceProcess, type TestRedis } from '@app/testing';
import { loadConfig } from '../src/config';
import { startGateway } from '../src/gateway';
import { bar, sig } from './position-fixtures';

/** Closed positions kept, by the closer's stream and by every gateway alike. */
const KEPT = 3;

/**
 * The positions view comes from the `positions` stream alone, and the position-closer trims that
 * stream: a gateway started after trimming must still show every open position (however long
 * ago it opened) and the newest POSITIONS_HISTORY_MAX closed ones, exactly as a gateway that has
 * followed the stream all along. A real position-closer process (`npm run build` first).
 */
describe('api-gateway positions after the positions stream was trimmed', () => {
  let redis: TestRedis;
  let client: Redis;
  let publisher: MarketPublisher;
  let closer: ServiceProcess;
  const gateways: NestFastifyApplication[] = [];
  let minute = 0;

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    publisher = new MarketPublisher(client);
    const port = await freePort();
    closer = startService('position-closer', { REDIS_URL: redis.url, PORT: String(port), HOST: '127.0.0.1', CONSUMER_NAME: 'retention', POSITIONS_HISTORY_MAX: String(KEPT) });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200, { timeoutMs: 15_000, what: 'closer healthy' });
  });
  afterAll(async () => {
    for (const g of gateways) await g.close();
    await closer?.kill();
    await client?.quit();
    await redis?.stop();
  });

  async function startGw(): Promise<string> {
    const app = await startGateway(loadConfig({ REDIS_URL: redis.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', POSITIONS_HISTORY_MAX: String(KEPT) }));
    gateways.push(app);
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    await waitFor(async () => (await fetch(`${url}/api/positions`)).status === 200, { what: 'positions loaded' });
    return url;
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies, asserted field by field
  const get = async (url: string, path: string): Promise<any> => (await fetch(`${url}${path}`)).json();
  const post = async (url: string, path: string) => {
    const res = await fetch(`${url}${path}`, { method: 'POST' });
    return { status: res.status, body: (await res.json()) as { message?: string } };
  };
  const openIds = async (url: string) => ((await get(url, '/api/positions')).positions as { position_id: string }[]).map((p) => p.position_id);
  const historyIds = async (url: string) => ((await get(url, '/api/positions/history')).positions as { position_id: string }[]).map((p) => p.position_id);
  const signal = async (s: NewSignal) => (await publisher.publish(null, [{ ...s, metadata: { ...s.metadata, source: 'live' as const } }])).signalIds[0];

  /** A BTC position opened and then closed at its target by the next candle; waits for `url` to show it closed. */
  async function roundTrip(url: string): Promise<string> {
    const m = (minute += 2);
    const id = await signal(sig('BTCUSDT', 'BUY', 100, 98, 104, ['ema'], m));
    await publisher.publish(bar('BTCUSDT', m + 1, 104.5, 99.5, 104));
    await waitFor(async () => (await historyIds(url))[0] === id, { what: `${id} closed` });
    return id;
  }

  /** Every positions endpoint answers the same on both gateways (response time aside). */
  async function expectSameView(a: string, b: string): Promise<void> {
    for (const path of ['/api/positions', '/api/positions/history', '/api/performance']) {
      const [x, y] = [await get(a, path), await get(b, path)];
      expect({ path, ...y, timestamp: 'x' }).toEqual({ path, ...x, timestamp: 'x' });
    }
  }

  it('a gateway started after trimming shows the long-open position and the last POSITIONS_HISTORY_MAX closes, as one that followed all along', async () => {
    const following = await startGw();
    const early: string[] = [];
    for (let i = 0; i < 4; i++) early.push(await roundTrip(following));
    const sol = await signal(sig('SOLUSDT', 'BUY', 50, 49, 53, ['macd'], minute));
    await waitFor(async () => (await openIds(following)).includes(sol), { what: 'SOL open' });
    const late: string[] = [];
    for (let i = 0; i < 4; i++) late.push(await roundTrip(following));

    // The closer trimmed everything before SOL's opened event (17 events written, 9 kept), and
    // nothing after it: SOL is still open.
    const rows = (await client.xrange(STREAMS.positions, '-', '+')) as [string, string[]][];
    expect(rows).toHaveLength(1 + 2 * late.length);
    expect(rows[0][1][1]).toContain(`"position_id":"${sol}"`);
    expect(rows[0][1][1]).toContain('"type":"opened"');

    const rebuilt = await startGw();
    expect(await openIds(rebuilt)).toEqual([sol]);
    expect(await historyIds(rebuilt)).toEqual(late.slice(-KEPT).reverse());
    expect((await get(rebuilt, '/api/performance')).overall).toMatchObject({ trades: KEPT, wins: KEPT });
    await expectSameView(following, rebuilt);

    // Manual close answers from that view: 404 for what it does not hold, 202 for the open one.
    expect(await post(rebuilt, `/api/positions/${early[0]}/close`)).toEqual({ status: 404, body: { status: 'error', message: `position ${early[0]} not found` } });
    const closedOne = late[late.length - 1];
    expect(await post(rebuilt, `/api/positions/${closedOne}/close`)).toMatchObject({ status: 404, body: { message: expect.stringMatching(new RegExp(`^position ${closedOne} is already closed \\(take_profit at 104`)) } });
    await publisher.publish(bar('SOLUSDT', minute + 1, 50.5, 49.5, 50.2)); // SOL's last price, neither stop nor target
    await waitFor(async () => (await client.hget(KEYS.lastPrice, 'SOLUSDT')) !== null, { what: 'SOL price' });
    expect((await post(rebuilt, `/api/positions/${sol}/close`)).status).toBe(202);
    await waitFor(async () => (await historyIds(following))[0] === sol && (await historyIds(rebuilt))[0] === sol, { what: 'SOL closed on both' });

    // SOL closed: the stream is trimmed down to the newest closes, and a third gateway agrees.
    expect(await client.xlen(STREAMS.positions)).toBe(4);
    const third = await startGw();
    expect(await openIds(third)).toEqual([]);
    expect(await historyIds(third)).toEqual([sol, ...late.slice(-(KEPT - 1)).reverse()]);
    await expectSameView(following, third);
    await expectSameView(following, rebuilt);
  });
});
