import Redis from 'ioredis';
import request from 'supertest';
import { KEYS, STREAMS } from '@app/contracts';
import { startRedis, waitFor, type TestRedis } from '@app/testing';
import { AckPruner } from '../src/signals/ack-pruner';
import { healthy, metricValue, publishSignal, startTestGateway, type TestGateway } from './gateway-harness';

const API = '/api/signals';

/**
 * The `signals:acks` hash stays bounded, and pruning it never makes a signal executable again:
 * after each pruning pass a gateway rebuilt from Redis serves no acknowledged signal as active.
 */
describe('acknowledgement retention (real Redis, real gateway)', () => {
  let redis: TestRedis;
  let client: Redis;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });
  beforeEach(async () => {
    await client.flushall();
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.close()));
  });

  async function gateway(env: Record<string, string> = {}): Promise<TestGateway> {
    const g = await startTestGateway(redis.url, { ACK_PRUNE_INTERVAL_MS: '0', HISTORY_MAX: '100', ...env });
    gateways.push(g);
    await healthy(g.url);
    return g;
  }
  const active = async (g: TestGateway) => (await request(g.url).get(API).expect(200)).body as { count: number };
  const restart = async (g: TestGateway, env: Record<string, string> = {}) => {
    await g.close();
    return gateway(env);
  };
  async function publishAndAck(g: TestGateway, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await publishSignal(client, { symbol: `S${i}USDT` })).id);
    await waitFor(async () => (await active(g)).count === Math.min(n, 50), { what: `${n} signals served` });
    for (const id of ids) await request(g.url).post(`${API}/acknowledge`).send({ id }).expect(200);
    expect((await active(g)).count).toBe(0);
    return ids;
  }

  it('deletes the acks of signals trimmed from the stream and keeps the others; a rebuilt gateway serves none of them', async () => {
    let g = await gateway();
    const ids = await publishAndAck(g, 30);
    expect(await client.hlen(KEYS.acks)).toBe(30);
    // The generator's MAXLEN trims the oldest 20 signals.
    await client.xtrim(STREAMS.signals, 'MAXLEN', 10);

    expect(await g.app.get(AckPruner).prune()).toBe(20);
    expect((await client.hkeys(KEYS.acks)).sort()).toEqual(ids.slice(20).sort());
    expect(metricValue((await request(g.url).get('/metrics')).text, 'gateway_acks_pruned_total')).toBe(20);

    g = await restart(g);
    expect((await active(g)).count).toBe(0);
    const history = (await request(g.url).get(`${API}/history`).expect(200)).body as { signals: { id: string; state: string }[] };
    expect(history.signals.map((s) => [s.id, s.state]).sort()).toEqual(ids.slice(20).map((id) => [id, 'acknowledged']).sort());
  });

  it('deletes acks older than ACK_RETENTION_HOURS, by then expired signals: a rebuilt gateway shows them expired, never active', async () => {
    // TTL 1 s, acks kept 3.6 s: the shortest retention the config allows for that TTL.
    const env = { SIGNAL_TTL_SECONDS: '1', ACK_RETENTION_HOURS: '0.001' };
    let g = await gateway(env);
    const ids = await publishAndAck(g, 5);
    const pruner = g.app.get(AckPruner);
    expect(await pruner.prune()).toBe(0); // young: kept
    await waitFor(async () => (await pruner.prune()) > 0 && (await client.hlen(KEYS.acks)) === 0, { what: 'acks past the retention deleted', timeoutMs: 15_000, intervalMs: 250 });

    g = await restart(g, env);
    expect((await active(g)).count).toBe(0);
    const history = (await request(g.url).get(`${API}/history`).expect(200)).body as { signals: { id: string; state: string }[] };
    expect(history.signals.map((s) => [s.id, s.state]).sort()).toEqual(ids.map((id) => [id, 'expired']).sort());
  });

  it('prunes by itself every ACK_PRUNE_INTERVAL_MS', async () => {
    const g = await gateway({ ACK_PRUNE_INTERVAL_MS: '100' });
    await publishAndAck(g, 3);
    await client.xtrim(STREAMS.signals, 'MAXLEN', 1);
    await waitFor(async () => (await client.hlen(KEYS.acks)) === 1, { what: 'two acks pruned by the timer' });
  });
});
