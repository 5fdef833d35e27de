import request from 'supertest';
import { ProducedSignalSchema, STREAMS } from '@app/contracts';
import { freePort, runTsScript, startService, waitFor, type ServiceProcess } from '@app/testing';
import { newRedis, testRedisUrl } from './gateway-harness';
import { connectSse } from './sse-test-client';

/**
 * The README's path from a clean checkout: the built gateway as a real process, fed by
 * `npm run signals:demo`, answering the guide's curl lines. Needs `npm run build` (npm test does).
 */
const REDIS_URL = testRedisUrl(14);

const runDemo = (redisUrl: string) => runTsScript('scripts/signals-demo.ts', [], { REDIS_URL: redisUrl });

describe('api-gateway as a process, with npm run signals:demo', () => {
  let gateway: ServiceProcess | undefined;

  afterEach(async () => {
    await gateway?.kill();
    gateway = undefined;
  });

  it('serves the guide\'s curl lines with the demo signals, and stops cleanly on SIGTERM with an SSE client attached', async () => {
    const redis = newRedis(REDIS_URL);
    await redis.flushdb();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    gateway = startService('api-gateway', { REDIS_URL, PORT: String(port), HOST: '127.0.0.1', API_KEY: '' });
    await waitFor(async () => (await request(base).get('/api/health').catch(() => null))?.status === 200, { timeoutMs: 15_000, what: 'gateway healthy' });

    const demo = await runDemo(REDIS_URL);
    expect(demo.code).toBe(0);
    const lines = demo.out.split('\n').filter((l) => /^\s+\d+-\d+\s/.test(l));
    expect(lines).toHaveLength(3);
    const stored = await redis.xrange(STREAMS.signals, '-', '+');
    expect(stored).toHaveLength(3);
    for (const [, fields] of stored) expect(ProducedSignalSchema.parse(JSON.parse(fields[1])).metadata.source).toBe('demo');
    await redis.quit();

    // The guide's curl lines.
    expect((await request(base).get('/').expect(200)).body.status).toBe('success');
    const list = await waitFor(async () => {
      const body = (await request(base).get('/api/signals').expect(200)).body;
      return body.count === 3 ? body : null;
    });
    expect(list.signals.map((s: { symbol: string; timeframe: string }) => `${s.symbol} ${s.timeframe}`)).toEqual(['ETHUSDT 5m', 'ETHUSDT 1m', 'BTCUSDT 1m']);
    for (const s of list.signals) expect(lines.some((l) => l.includes(s.id) && l.includes(s.timestamp))).toBe(true);
    const latest = (await request(base).get('/api/signals/latest').expect(200)).body;
    expect(latest.signal).toEqual(list.signals[0]);
    expect((await request(base).get('/api/signals/ETHUSDT').expect(200)).body.count).toBe(2);
    expect((await request(base).get('/api/health').expect(200)).body.status).toBe('ok');
    for (const s of list.signals) expect(s.metadata.source).toBe('demo');
    expect((await request(base).get('/api/stats').expect(200)).body.signals).toMatchObject({
      received: 3,
      active: 3,
      history: 3,
      by_source: { live: 0, replay: 0, backtest: 0, demo: 3, unknown: 0 },
    });
    const ack = await request(base).post('/api/signals/acknowledge').set('Content-Type', 'application/json').send(JSON.stringify({ timestamp: latest.signal.timestamp }));
    expect(ack.status).toBe(200);
    expect(ack.body.message).toBe('Signal acknowledged');

    const sse = await connectSse(`${base}/api/signals/stream`);
    await waitFor(() => sse.frames.length >= 1);
    const code = await gateway.kill('SIGTERM');
    await sse.closed;
    // Nest re-raises the signal after its shutdown hooks ran: the conventional exit for SIGTERM.
    expect(code).toBe('SIGTERM');
    expect(gateway.output()).not.toMatch(/"level":"error"/);
  });

  it('refuses to start on invalid configuration, naming the variable and not printing secrets', async () => {
    gateway = startService('api-gateway', { REDIS_URL, PORT: 'eighty', SIGNAL_TTL_SECONDS: '-5', API_KEY: 'short' });
    expect(await gateway.exited).toBe(2);
    const out = gateway.output();
    expect(out).toMatch(/api-gateway: invalid configuration: .*PORT/);
    expect(out).toContain('SIGNAL_TTL_SECONDS');
    expect(out).toContain('API_KEY: API_KEY must be at least 8 characters');
    expect(out).not.toContain('short');
    expect(out).not.toMatch(/\n\s+at /);
  });

  it('signals:demo fails with a clear message when Redis is unreachable', async () => {
    const port = await freePort();
    const demo = await runDemo(`redis://127.0.0.1:${port}`);
    expect(demo.code).toBe(1);
    expect(demo.out).toMatch(new RegExp(`^signals:demo failed: cannot reach Redis at redis://127.0.0.1:${port}: .*ECONNREFUSED`, 'm'));
  });
});
