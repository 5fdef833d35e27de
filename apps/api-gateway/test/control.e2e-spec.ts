import type Redis from 'ioredis';
import request from 'supertest';
import { STREAMS } from '@app/contracts';
import { startRedis, waitFor, type TestRedis } from '@app/testing';
import { BTC, newRedis, publishSignal, RESPONSE_TS, startTestGateway, type TestGateway } from './gateway-harness';
import { connectSse } from './sse-test-client';

const API = '/api/signals';
const KEY = 'control-test-key';

/** The kill switch: state in Redis, every replica agreeing, signals held back while it is off. */
describe('api-gateway kill switch', () => {
  let server: TestRedis;
  let redis: Redis;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    // Its own Redis: the switch's key and stream names are fixed, and no other file may see them.
    server = await startRedis();
    redis = newRedis(server.url);
  });
  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });
  beforeEach(async () => {
    await redis.flushdb();
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.close()));
  });

  async function gateway(env: Record<string, string> = {}): Promise<TestGateway> {
    const g = await startTestGateway(server.url, env);
    gateways.push(g);
    return g;
  }
  const get = async (g: TestGateway, path: string) => (await request(g.url).get(path).expect(200)).body;
  const post = (g: TestGateway, action: string, body?: object) => request(g.url).post(`/api/control/${action}`).send(body);

  it('starts enabled; pause makes /latest offer null until resume, and history records the held signals as paused', async () => {
    const gw = await gateway();
    expect(await get(gw, '/api/control')).toEqual({ status: 'success', trading: 'enabled', since: '1970-01-01T00:00:00.000Z', by: 'default', timestamp: expect.stringMatching(RESPONSE_TS) });
    const before = await publishSignal(redis);
    await waitFor(async () => (await get(gw, `${API}/latest`)).signal?.id === before.id);

    const paused = (await post(gw, 'pause', { by: 'alice' }).expect(200)).body;
    expect(paused).toEqual({ status: 'success', trading: 'paused', since: expect.any(String), by: 'alice', changed: true, timestamp: expect.stringMatching(RESPONSE_TS) });
    expect(await get(gw, '/api/control')).toMatchObject({ trading: 'paused', since: paused.since, by: 'alice' });
    // The signal that was active when the switch went off is no longer offered.
    expect((await get(gw, `${API}/latest`)).signal).toBeNull();

    const during = await publishSignal(redis, { ...BTC });
    await waitFor(async () => (await get(gw, `${API}/history`)).count === 2, { what: 'the paused signal in history' });
    expect((await get(gw, `${API}/latest`)).signal).toBeNull();
    expect((await get(gw, API)).signals).toEqual([]);
    expect((await get(gw, `${API}/BTCUSDT`)).signals).toEqual([]);
    const history = (await get(gw, `${API}/history`)).signals;
    expect(history.map((s: { id: string; state: string }) => [s.id, s.state])).toEqual([
      [during.id, 'paused'],
      [before.id, 'paused'],
    ]);

    // Pausing again changes nothing: same since, same by.
    expect((await post(gw, 'pause', { by: 'bob' }).expect(200)).body).toMatchObject({ trading: 'paused', since: paused.since, by: 'alice', changed: false });

    await post(gw, 'resume', { by: 'alice' }).expect(200);
    // Held signals stay held: a signal from before the resume is stale.
    expect((await get(gw, `${API}/latest`)).signal).toBeNull();
    const after = await publishSignal(redis);
    await waitFor(async () => (await get(gw, `${API}/latest`)).signal?.id === after.id, { what: 'a new signal offered after resume' });
    expect((await get(gw, API)).signals).toEqual([after]);
  });

  it('flatten holds signals back like pause; the client address is recorded without a by', async () => {
    const gw = await gateway();
    const res = (await post(gw, 'flatten').expect(200)).body;
    expect(res).toMatchObject({ trading: 'flatten', by: '127.0.0.1', changed: true });
    await publishSignal(redis);
    await waitFor(async () => (await get(gw, `${API}/history`)).count === 1);
    expect((await get(gw, `${API}/latest`)).signal).toBeNull();
  });

  it('sends the state on connect and a control event on each change; no signal event while paused', async () => {
    const gw = await gateway();
    const sse = await connectSse(`${gw.url}${API}/stream`);
    try {
      await waitFor(() => sse.frames.some((f) => f.event === 'control'), { what: 'the control frame on connect' });
      expect(JSON.parse(sse.frames.find((f) => f.event === 'control')!.data!)).toEqual({ trading: 'enabled', since: '1970-01-01T00:00:00.000Z', by: 'default' });
      const paused = (await post(gw, 'pause', { by: 'ops' }).expect(200)).body;
      await waitFor(() => sse.frames.filter((f) => f.event === 'control').length === 2, { what: 'the control event of the pause' });
      expect(JSON.parse(sse.frames.filter((f) => f.event === 'control')[1].data!)).toEqual({ trading: 'paused', since: paused.since, by: 'ops' });
      await publishSignal(redis);
      await waitFor(async () => (await get(gw, `${API}/history`)).count === 1);
      await post(gw, 'resume').expect(200);
      const live = await publishSignal(redis, { ...BTC });
      await waitFor(() => sse.signals().length > 0, { what: 'the signal after resume' });
      // Only the signal published after resume went out, and the resume came before it.
      expect(sse.signals().map((s) => s.id)).toEqual([live.id]);
      expect(sse.frames.filter((f) => f.event === 'control').map((f) => JSON.parse(f.data!).trading)).toEqual(['enabled', 'paused', 'enabled']);
    } finally {
      sse.close();
    }
  });

  it('a resuming SSE client is not handed the signals held while paused', async () => {
    const gw = await gateway();
    const first = await publishSignal(redis);
    await waitFor(async () => (await get(gw, API)).count === 1);
    await post(gw, 'pause').expect(200);
    await publishSignal(redis, { ...BTC });
    await waitFor(async () => (await get(gw, `${API}/history`)).count === 2);
    const sse = await connectSse(`${gw.url}${API}/stream`, { 'Last-Event-ID': first.id });
    try {
      await post(gw, 'resume').expect(200);
      const live = await publishSignal(redis);
      await waitFor(() => sse.signals().length > 0);
      expect(sse.signals().map((s) => s.id)).toEqual([live.id]);
    } finally {
      sse.close();
    }
  });

  it('needs the API key when one is set, and rejects unknown actions and bad bodies with a 400', async () => {
    const gw = await gateway({ API_KEY: KEY });
    expect((await request(gw.url).get('/api/control').expect(401)).body).toEqual({ status: 'error', message: 'missing or invalid X-API-Key header' });
    expect((await post(gw, 'pause').expect(401)).body.status).toBe('error');
    expect((await request(gw.url).get('/api/control').set('X-API-Key', KEY).expect(200)).body.trading).toBe('enabled');
    await request(gw.url).post('/api/control/pause').set('X-API-Key', KEY).send({ by: 'ops' }).expect(200);
    expect((await request(gw.url).post('/api/control/stop').set('X-API-Key', KEY).expect(400)).body).toEqual({ status: 'error', message: 'action must be pause, resume or flatten' });
    expect((await request(gw.url).post('/api/control/resume').set('X-API-Key', KEY).send({ by: 7 }).expect(400)).body).toEqual({ status: 'error', message: 'by: must be a string' });
    expect((await request(gw.url).get('/api/control').set('X-API-Key', KEY).expect(200)).body.trading).toBe('paused');
  });

  it('two replicas on one Redis agree within milliseconds, and a restarted replica rebuilds the paused history', async () => {
    const a = await gateway();
    const b = await gateway();
    const s = await publishSignal(redis);
    await waitFor(async () => (await get(b, `${API}/latest`)).signal?.id === s.id);
    const sseOnB = await connectSse(`${b.url}${API}/stream`);
    try {
      const t0 = performance.now();
      await post(a, 'pause', { by: 'alice' }).expect(200);
      await waitFor(async () => (await get(b, `${API}/latest`)).signal === null, { timeoutMs: 1000, intervalMs: 2, what: 'replica B to stop offering the signal' });
      const agreedMs = performance.now() - t0;
      expect(agreedMs).toBeLessThan(500);
      expect(await get(b, '/api/control')).toMatchObject({ trading: 'paused', by: 'alice' });
      await waitFor(() => sseOnB.frames.filter((f) => f.event === 'control').length === 2, { what: "B's SSE clients told of A's pause" });
    } finally {
      sseOnB.close();
    }
    const held = await publishSignal(redis, { ...BTC });
    await waitFor(async () => (await get(b, `${API}/history`)).count === 2);
    await post(b, 'resume').expect(200);
    await waitFor(async () => (await get(a, '/api/control')).trading === 'enabled');
    const history = (await get(a, `${API}/history`)).signals;
    await a.close();
    await b.close();
    // A fresh replica replays the switch's changes between the signals: the same states.
    const c = await gateway();
    expect((await get(c, `${API}/history`)).signals).toEqual(history);
    expect(history.find((h: { id: string }) => h.id === held.id).state).toBe('paused');
    expect((await get(c, '/api/control')).trading).toBe('enabled');
    expect(await redis.xlen(STREAMS.control)).toBe(2);
  });
});
