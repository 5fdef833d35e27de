import type Redis from 'ioredis';
import request from 'supertest';
import { encodeEntry, KEYS, STREAMS } from '@app/contracts';
import { freePort, startRedis, waitFor, type TestRedis } from '@app/testing';
import { BTC, healthy, makeSignal, metricValue, newRedis, publishSignal, startTestGateway, testRedisUrl, type TestGateway } from './gateway-harness';
import { connectSse } from './sse-test-client';

const REDIS_URL = testRedisUrl(13);
const API = '/api/signals';

/** The gateway is a read model of Redis: restarts, replicas, bad entries and Redis outages. */
describe('api-gateway materialisation', () => {
  let redis: Redis;
  const gateways: TestGateway[] = [];

  beforeAll(() => {
    redis = newRedis(REDIS_URL);
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(async () => {
    await redis.flushdb();
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.close()));
  });

  async function gateway(url = REDIS_URL, env: Record<string, string> = {}): Promise<TestGateway> {
    const g = await startTestGateway(url, env);
    gateways.push(g);
    return g;
  }
  const get = async (g: TestGateway, path: string) => (await request(g.url).get(path).expect(200)).body;

  it('keeps acks and lists across a restart: everything is rebuilt from Redis', async () => {
    const a = await gateway();
    const s1 = await publishSignal(redis);
    const s2 = await publishSignal(redis, { ...BTC });
    const s3 = await publishSignal(redis, { timeframe: '5m' });
    await waitFor(async () => (await get(a, API)).count === 3);
    const ack = (await request(a.url).post(`${API}/acknowledge`).send({ timestamp: s2.timestamp }).expect(200)).body;
    const active = (await get(a, API)).signals;
    const history = (await get(a, `${API}/history`)).signals;
    await a.close();

    const b = await gateway();
    expect((await get(b, API)).signals).toEqual(active);
    expect((await get(b, API)).signals).toEqual([s3, s1]);
    expect((await get(b, `${API}/history`)).signals).toEqual(history);
    expect((await get(b, `${API}/latest`)).signal).toEqual(s3);
    const again = (await request(b.url).post(`${API}/acknowledge`).send({ timestamp: s2.timestamp }).expect(200)).body;
    expect(again).toEqual({ ...ack, message: 'Signal was already acknowledged', already_acknowledged: true });
    // And it keeps following the stream after the rebuild, from where the rebuild stopped.
    const s4 = await publishSignal(redis, { ...BTC });
    await waitFor(async () => (await get(b, API)).count === 3);
    expect((await get(b, API)).signals).toEqual([s4, s3, s1]);
    expect((await get(b, '/api/stats')).signals.received).toBe(4);
  });

  it('two replicas agree on acks within moments, and a double ack across them is detected', async () => {
    const a = await gateway();
    const b = await gateway();
    const s = await publishSignal(redis);
    await waitFor(async () => (await get(a, API)).count === 1 && (await get(b, API)).count === 1);
    const sseOnB = await connectSse(`${b.url}${API}/stream`);
    try {
      const first = (await request(a.url).post(`${API}/acknowledge`).send({ timestamp: s.timestamp }).expect(200)).body;
      await waitFor(async () => (await get(b, API)).count === 0, { timeoutMs: 2000, what: 'replica B to see the ack' });
      expect((await get(b, `${API}/history`)).signals[0]).toEqual({ ...s, state: 'acknowledged', acknowledged_at: first.acknowledged_at });
      const second = (await request(b.url).post(`${API}/acknowledge`).send({ id: s.id }).expect(200)).body;
      expect(second).toEqual({ ...first, message: 'Signal was already acknowledged', already_acknowledged: true });
      // B's SSE clients hear of A's ack.
      await waitFor(() => sseOnB.frames.some((f) => f.event === 'ack'), { what: 'ack event on replica B' });
      expect(JSON.parse(sseOnB.frames.find((f) => f.event === 'ack')!.data!)).toEqual({
        id: s.id,
        timestamp: s.timestamp,
        symbol: 'ETHUSDT',
        acknowledged_at: first.acknowledged_at,
      });
    } finally {
      sseOnB.close();
    }
  });

  it('two replicas acking the same signal at once: exactly one is first', async () => {
    const a = await gateway();
    const b = await gateway();
    const s = await publishSignal(redis);
    await waitFor(async () => (await get(a, API)).count === 1 && (await get(b, API)).count === 1);
    const replies = await Promise.all(
      [a, b, a, b, a, b].map(async (g) => (await request(g.url).post(`${API}/acknowledge`).send({ timestamp: s.timestamp }).expect(200)).body),
    );
    expect(replies.filter((r) => !r.already_acknowledged)).toHaveLength(1);
    expect(new Set(replies.map((r) => r.acknowledged_at)).size).toBe(1);
    expect(await redis.xlen(STREAMS.acks)).toBe(1);
  });

  it('counts and skips bad stream entries, live and at rebuild, without stopping the reader', async () => {
    const metric = async (g: TestGateway, reader: string) =>
      metricValue((await request(g.url).get('/metrics')).text, 'stream_malformed_entries_total', { stream: 'signals', reader });
    await redis.xadd(STREAMS.signals, '*', 'data', '{not json');
    const good1 = await publishSignal(redis);
    const a = await gateway();
    expect((await get(a, API)).signals).toEqual([good1]);
    const rebuildSkips = await metric(a, 'api-gateway-rebuild');
    expect(rebuildSkips).toBeGreaterThanOrEqual(1);

    const liveBefore = await metric(a, 'api-gateway');
    await redis.xadd(STREAMS.signals, '*', 'data', '{not json');
    await redis.xadd(STREAMS.signals, '*', ...encodeEntry({ ...makeSignal(), stop_loss: 9999 })); // stop on the wrong side
    await redis.xadd(STREAMS.signals, '*', 'other', 'field');
    const good2 = await publishSignal(redis, { ...BTC });
    await waitFor(async () => (await get(a, API)).count === 2, { what: 'the good signal after the bad ones' });
    expect((await get(a, API)).signals).toEqual([good2, good1]);
    expect(await metric(a, 'api-gateway')).toBe(liveBefore + 3);
    await request(a.url).get('/api/health').expect(200);
  });

  it('reports 503 with the detail while Redis is down, keeps serving from memory, and recovers', async () => {
    const own: TestRedis = await startRedis();
    try {
      const ownRedis = newRedis(own.url);
      const s = await publishSignal(ownRedis);
      ownRedis.disconnect();
      const g = await gateway(own.url);
      await healthy(g.url);
      await own.stop({ keepDir: true });

      const down = await waitFor(
        async () => {
          const res = await request(g.url).get('/api/health');
          return res.status === 503 ? res.body : null;
        },
        { what: 'health 503' },
      );
      expect(down).toEqual({
        status: 'error',
        message: expect.stringMatching(/^unhealthy: redis/),
        info: expect.any(Object),
        error: expect.objectContaining({ redis: { status: 'down', message: expect.any(String) } }),
        details: expect.objectContaining({ redis: { status: 'down', message: expect.any(String) } }),
      });
      // Reads need no Redis: the ATAS client keeps getting the last known signals.
      expect((await get(g, API)).signals).toEqual([s]);

      const again = await startRedis({ port: own.port, dir: own.dir });
      try {
        await waitFor(async () => (await request(g.url).get('/api/health')).status === 200, { timeoutMs: 15_000, what: 'health back to 200' });
        const after = newRedis(again.url);
        const s2 = await publishSignal(after, { ...BTC });
        after.disconnect();
        await waitFor(async () => (await get(g, API)).count === 2, { what: 'signals flowing again' });
        expect((await get(g, `${API}/latest`)).signal).toEqual(s2);
      } finally {
        await g.close();
        await again.stop();
      }
    } finally {
      await own.stop();
    }
  });

  it('starts while Redis is down: answers 503 "still loading" (never an empty list), then loads once Redis is up', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const g = await gateway(url); // waits up to 5 s for the first load, then listens anyway
    expect((await request(g.url).get(API).expect(503)).body).toEqual({ status: 'error', message: 'signals are still loading from Redis; retry shortly' });
    expect((await request(g.url).get(`${API}/latest`).expect(503)).body.status).toBe('error');
    expect((await request(g.url).get('/api/health').expect(503)).body.error).toEqual(
      expect.objectContaining({ signals_reader: { status: 'down', stream: 'signals', state: 'loading from Redis' } }),
    );
    const own = await startRedis({ port });
    try {
      const r = newRedis(own.url);
      const s = await publishSignal(r);
      r.disconnect();
      await waitFor(async () => (await request(g.url).get(API)).status === 200, { timeoutMs: 15_000, what: 'load after Redis came up' });
      expect((await get(g, API)).signals).toEqual([s]);
      await waitFor(async () => (await request(g.url).get('/api/health')).status === 200, { what: 'healthy' });
    } finally {
      await g.close();
      await own.stop();
    }
  });

  it('stores acks where every replica and restart reads them (the hash and the acks stream)', async () => {
    const a = await gateway();
    const s = await publishSignal(redis);
    await waitFor(async () => (await get(a, API)).count === 1);
    const { acknowledged_at } = (await request(a.url).post(`${API}/acknowledge`).send({ id: s.id }).expect(200)).body;
    expect(await redis.hgetall(KEYS.acks)).toEqual({ [s.id]: acknowledged_at });
  });
});
