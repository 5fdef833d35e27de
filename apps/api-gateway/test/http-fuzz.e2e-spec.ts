import fc from 'fast-check';
import { Agent } from 'node:http';
import type Redis from 'ioredis';
import { startRedis, type TestRedis } from '@app/testing';
import type { Signal } from '@app/contracts';
import { BTC, healthy, newRedis, publishSignal, startTestGateway, type TestGateway } from './gateway-harness';
import { rawExchange } from './raw-http';
import { describeRequest, fuzzRequest, problems, ROUTES, send, STACK } from './http-fuzz.cases';

const KEY = 'fuzz-key-0123456789';
const SEED = 20_261_129;
/** Requests in all: RUNS properties of BATCH requests sent at once. */
const RUNS = 1250;
const BATCH = 8;

describe('api-gateway HTTP fuzz (fast-check, seeded): no 5xx, only contract errors, still serving after', () => {
  let redis: TestRedis;
  let client: Redis;
  let gw: TestGateway;
  let agent: Agent;
  let signals: Signal[];
  let port: number;

  beforeAll(async () => {
    redis = await startRedis();
    client = newRedis(redis.url);
    signals = [await publishSignal(client), await publishSignal(client, BTC)];
    gw = await startTestGateway(redis.url, { API_KEY: KEY });
    port = Number(new URL(gw.url).port);
    await healthy(gw.url);
    agent = new Agent({ keepAlive: true, maxSockets: BATCH });
  });
  afterAll(async () => {
    agent?.destroy();
    await gw?.close();
    await client?.quit();
    await redis?.stop();
  });

  it(`${RUNS * BATCH} requests: methods, encoded paths, headers, bodies, content types`, async () => {
    let sent = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(fuzzRequest(KEY), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const results = await Promise.all(
          batch.map((req) =>
            send(port, agent, req).then(
              (res) => ({ req, res }),
              (err: Error) => {
                throw new Error(`${describeRequest(req)}: ${err.message}`);
              },
            ),
          ),
        );
        for (const { req, res } of results) {
          sent++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const broken = problems(req, res, KEY, signals.map((s) => s.timestamp));
          if (broken.length) throw new Error(`${describeRequest(req)} -> ${res.status} ${res.body.slice(0, 200)}: ${broken.join(', ')}`);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(sent).toBeGreaterThanOrEqual(10_000);
    // The fuzz reached the handlers, not only the error paths.
    expect(statuses.get(200)).toBeGreaterThan(500);
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThan(5);
    // Still serving.
    await healthy(gw.url, 5000);
  }, 120_000);

  it('raw request heads with broken lines, bytes and lengths: a contract answer or a clean close, never a 5xx', async () => {
    const line = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 60 });
    const head = fc.tuple(
      fc.constantFrom('GET', 'POST', 'HEAD', 'G ET', '', 'GET\t'),
      fc.oneof(fc.constantFrom(...ROUTES), line),
      fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 x', ''),
      fc.array(fc.oneof(line, fc.constantFrom('Host: gw', 'Content-Length: 5', 'Content-Length: -1', 'Transfer-Encoding: chunked', 'Content-Length: 1\r\nContent-Length: 2')), { maxLength: 4 }),
      line,
    );
    await fc.assert(
      fc.asyncProperty(head, async ([method, target, version, lines, tail]) => {
        const bytes = `${method} ${target} ${version}\r\n${lines.join('\r\n')}\r\n\r\n${tail}`;
        const { responses, ended } = await rawExchange(port, Buffer.from(bytes, 'latin1').toString('latin1'), { waitMs: 3000 });
        for (const r of responses) {
          expect(r.status).toBeLessThan(500);
          if (r.status >= 400 && method !== 'HEAD') expect(JSON.parse(r.body)).toEqual({ status: 'error', message: expect.any(String) });
          expect(r.body).not.toMatch(STACK);
        }
        expect(ended).not.toBe('reset');
      }),
      { seed: SEED, numRuns: 300, endOnFailure: true },
    );
    await healthy(gw.url, 5000);
  }, 120_000);
});
