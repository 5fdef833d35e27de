import { request as httpRequest } from 'node:http';
import type Redis from 'ioredis';
import { newRedis, publishSignal, startTestGateway, testRedisUrl, type TestGateway } from './gateway-harness';

const REDIS_URL = testRedisUrl(15);
const KEY = 'k3y-for-the-bypass-test';

/** Every route the gateway serves under /api, as the router knows them (health is public). */
const ROUTES: Array<[method: 'GET' | 'POST', path: string]> = [
  ['GET', '/api/signals'],
  ['GET', '/api/signals/latest'],
  ['GET', '/api/signals/history'],
  ['GET', '/api/signals/ETHUSDT'],
  ['GET', '/api/signals/stream'],
  ['POST', '/api/signals/acknowledge'],
  ['GET', '/api/stats'],
  ['GET', '/api/positions'],
  ['GET', '/api/positions/history'],
  ['GET', '/api/positions/close-requests'],
  ['GET', '/api/positions/some-id'],
  ['POST', '/api/positions/some-id/close'],
  ['GET', '/api/performance'],
  ['GET', '/api/control'],
  ['POST', '/api/control/pause'],
  ['POST', '/api/control/resume'],
  ['POST', '/api/control/flatten'],
];

/** The spellings an attacker tries for one path; the router may decode or normalise any of them. */
function spellings(path: string): string[] {
  const rest = path.slice('/api'.length);
  const encodeAll = (s: string) => s.replace(/[a-z]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
  const last = path.lastIndexOf('/');
  return [
    path,
    `/%61pi${rest}`,
    `/a%70i${rest}`,
    `/%41PI${rest}`,
    `${path.slice(0, last + 1)}${encodeAll(path.slice(last + 1))}`,
    `/${encodeAll('api')}${rest}`,
    `//api${rest}`,
    `/api/${rest}`,
    `/api/.${rest}`,
    `/x/..${path}`,
    `/api/%2e${rest}`,
    `/API${rest}`,
    `/Api${rest.toUpperCase()}`,
    `${path}/`,
    `${path}?x=1`,
    `${path}%3Fx=1`,
    `${path};x=1`,
    `${path}#x`,
  ];
}

/** A raw request: no client-side normalisation of the path (unlike fetch or supertest). */
function raw(method: string, port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
        // The SSE route streams forever once let through: its headers are the verdict.
        if (res.headers['content-type']?.startsWith('text/event-stream')) req.destroy();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? JSON.stringify({ id: '1-0' }) : undefined);
  });
}

describe('api-gateway API key: authorisation acts on the matched route, never the raw URL', () => {
  let redis: Redis;
  let gw: TestGateway;
  let port: number;

  beforeAll(async () => {
    redis = newRedis(REDIS_URL);
    await redis.flushdb();
    await publishSignal(redis);
    gw = await startTestGateway(REDIS_URL, { API_KEY: KEY });
    port = Number(new URL(gw.url).port);
  });
  afterAll(async () => {
    await gw?.close();
    await redis.quit();
  });

  it('refuses every /api route without the key, whatever the encoding, slashes, dot segments or case', async () => {
    const leaks: string[] = [];
    let tried = 0;
    for (const [method, path] of ROUTES) {
      for (const spelled of spellings(path)) {
        tried++;
        const res = await raw(method, port, spelled);
        // 401 (route matched, key missing), 404 (no route) or 405 (the path exists only under
        // another method; no handler ran): nothing else may come back.
        if (res.status !== 401 && res.status !== 404 && res.status !== 405) leaks.push(`${method} ${spelled} -> ${res.status} ${res.body.slice(0, 80)}`);
        else expect(JSON.parse(res.body)).toEqual({ status: 'error', message: expect.any(String) });
      }
    }
    expect(tried).toBeGreaterThan(200);
    expect(leaks).toEqual([]);
  });

  it('routes the percent-encoded spellings to the real handlers, which then need the key', async () => {
    // Proof that the spellings above reach the router's routes (so the 401s are the guard's).
    for (const path of ['/%61pi/signals', '/a%70i/signals/latest', '/api/signals/%6c%61test', '/%61pi/stats']) {
      expect((await raw('GET', port, path)).status).toBe(401);
      expect((await raw('GET', port, path, { 'x-api-key': KEY })).status).toBe(200);
    }
    expect((await raw('POST', port, '/%61pi/signals/acknowledge')).status).toBe(401);
  });

  it('keeps health, metrics and the endpoint index open to probes', async () => {
    expect((await raw('GET', port, '/api/health')).status).not.toBe(401);
    expect((await raw('GET', port, '/%61pi/health')).status).not.toBe(401);
    expect((await raw('GET', port, '/metrics')).status).toBe(200);
    expect((await raw('GET', port, '/')).status).toBe(200);
  });
});
