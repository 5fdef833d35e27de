import type Redis from 'ioredis';
import request from 'supertest';
import { startRedis, waitFor, type TestRedis } from '@app/testing';
import { healthy, newRedis, publishSignal, startTestGateway, type TestGateway } from './gateway-harness';
import { contractError, rawExchange } from './raw-http';
import { connectSse } from './sse-test-client';

const KEY = 'the-right-key-1234';
const DASHBOARD = 'https://dash.example.com';

describe('api-gateway HTTP limits: rate limit, security headers, CORS, timeouts', () => {
  let redis: TestRedis;
  let client: Redis;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    client = newRedis(redis.url);
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.close()));
  });
  afterAll(async () => {
    await client?.quit();
    await redis?.stop();
  });

  async function gateway(env: Record<string, string> = {}, { waitHealthy = true } = {}): Promise<TestGateway> {
    const gw = await startTestGateway(redis.url, env);
    gateways.push(gw);
    if (waitHealthy) await healthy(gw.url);
    return gw;
  }

  describe('rate limit', () => {
    it('429 with Retry-After in the contract shape past RATE_LIMIT_MAX, wrong keys included', async () => {
      const gw = await gateway({ API_KEY: KEY, RATE_LIMIT_MAX: '20', RATE_LIMIT_WINDOW_MS: '60000', RATE_LIMIT_LOOPBACK: 'true' }, { waitHealthy: false });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await request(gw.url).get('/api/signals').set('X-API-Key', `wrong-${i}`)).status);
      expect(statuses).toEqual([...Array(20).fill(401), ...Array(10).fill(429)]);
      // The client is limited whatever it sends now, the right key included.
      const res = await request(gw.url).get('/api/signals').set('X-API-Key', KEY).expect(429);
      expect(res.body).toEqual({ status: 'error', message: expect.stringMatching(/^rate limit exceeded: at most 20 requests per 60 s per client; retry in \d+ s$/) });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    });

    it('the window ends: requests pass again after Retry-After', async () => {
      const gw = await gateway({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '1000', RATE_LIMIT_LOOPBACK: 'true' });
      await waitFor(async () => (await request(gw.url).get('/api/signals/latest')).status === 429, { what: 'the limit to be reached' });
      await waitFor(async () => (await request(gw.url).get('/api/signals/latest')).status === 200, { timeoutMs: 3000, what: 'the window to end' });
    });

    it('loopback clients are not limited by default', async () => {
      const gw = await gateway({ RATE_LIMIT_MAX: '5' });
      for (let i = 0; i < 30; i++) await request(gw.url).get('/api/signals/latest').expect(200);
    });
  });

  describe('security headers', () => {
    it('on answers, errors (404, 405, 400 from the parser aside) and the SSE stream', async () => {
      const gw = await gateway();
      for (const res of [
        await request(gw.url).get('/api/signals'),
        await request(gw.url).get('/nope'),
        await request(gw.url).post('/api/signals'),
        await request(gw.url).get('/api/signals/x!'),
      ]) {
        expect(res.headers).toMatchObject({
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'SAMEORIGIN',
          'content-security-policy': expect.stringContaining("default-src 'self'"),
          'referrer-policy': 'no-referrer',
        });
      }
      const sse = await connectSse(`${gw.url}/api/signals/stream`);
      expect(sse.response.headers['x-content-type-options']).toBe('nosniff');
      sse.close();
    });
  });

  describe('CORS', () => {
    it('sends no CORS headers by default (the guide\'s C# client needs none)', async () => {
      const gw = await gateway();
      const res = await request(gw.url).get('/api/signals').set('Origin', DASHBOARD).expect(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('allows the configured origins, with X-API-Key in a preflight, and the SSE route still streams', async () => {
      const gw = await gateway({ CORS_ORIGINS: `${DASHBOARD}, https://other.example.com` });
      const res = await request(gw.url).get('/api/signals').set('Origin', DASHBOARD).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(DASHBOARD);
      const preflight = await request(gw.url)
        .options('/api/signals/acknowledge')
        .set('Origin', DASHBOARD)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type,x-api-key')
        .expect(204);
      expect(preflight.headers['access-control-allow-headers']).toMatch(/X-API-Key/);
      expect(preflight.headers['access-control-allow-methods']).toMatch(/POST/);
      // Another origin gets no grant.
      expect((await request(gw.url).get('/api/signals').set('Origin', 'https://evil.example.com')).headers['access-control-allow-origin']).toBeUndefined();

      const sse = await connectSse(`${gw.url}/api/signals/stream`, { Origin: DASHBOARD });
      expect(sse.response.headers['access-control-allow-origin']).toBe(DASHBOARD);
      const signal = await publishSignal(client);
      await waitFor(() => sse.signals().some((s) => s.id === signal.id), { what: 'the signal on the cross-origin stream' });
      sse.close();
    });
  });

  describe('timeouts', () => {
    it('an idle keep-alive connection is closed after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
      const gw = await gateway({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000' });
      const { responses, ended, elapsedMs } = await rawExchange(Number(new URL(gw.url).port), 'GET /api/signals/latest HTTP/1.1\r\nHost: gw\r\n\r\n', {
        waitMs: 6000,
      });
      expect(responses.map((r) => r.status)).toEqual([200]);
      expect(ended).toBe('closed');
      expect(elapsedMs).toBeGreaterThanOrEqual(900);
      expect(elapsedMs).toBeLessThan(4000);
    });

    it('an SSE stream outlives HTTP_IDLE_TIMEOUT_MS: its heartbeats are traffic', async () => {
      const gw = await gateway({ HTTP_IDLE_TIMEOUT_MS: '1500', SSE_HEARTBEAT_MS: '300' });
      const sse = await connectSse(`${gw.url}/api/signals/stream`);
      await waitFor(() => sse.frames.filter((f) => f.comments.length > 0).length >= 10, { what: '10 heartbeats, 3 s' });
      const signal = await publishSignal(client);
      await waitFor(() => sse.signals().some((s) => s.id === signal.id), { what: 'a signal after 3 s of idle stream' });
      sse.close();
    });

    it('a stalled request body is cut with 408 in the contract shape (the default timeouts, shortened)', async () => {
      const gw = await gateway({ HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '1000' });
      const { responses } = await rawExchange(
        Number(new URL(gw.url).port),
        'POST /api/signals/acknowledge HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{',
        { waitMs: 6000 },
      );
      expect(responses.map((r) => r.status)).toEqual([408]);
      expect(contractError(responses[0].body)).toMatch(/within 1000 ms/);
    });
  });
});
