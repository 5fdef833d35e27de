import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startRedis, startService, waitFor, type AppName, type ServiceProcess, type TestRedis } from '@app/testing';

/**
 * The Kubernetes probes of the four built services, as real processes: while Redis is down
 * every service turns unready (503 on /health/ready) but stays alive (200 on /health/live), so
 * the kubelet takes it out of the Service without restarting it; with Redis back, ready again.
 */
const APPS: AppName[] = ['api-gateway', 'notifier', 'position-closer', 'signal-generator'];
const ROOT = join(__dirname, '..', '..');
const missing = APPS.filter((a) => !existsSync(join(ROOT, 'dist', 'apps', a, 'src', 'main.js')));
const suite = missing.length ? describe.skip : describe;

async function status(url: string): Promise<number> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) }).catch(() => null);
  return res?.status ?? 0;
}

/** The parts a 503 health answer names as down (terminus `error` keys). */
async function down(url: string): Promise<string[]> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) }).catch(() => null);
  if (!res || res.status !== 503) return [];
  return Object.keys(((await res.json()) as { error?: Record<string, unknown> }).error ?? {});
}

suite(`probes: a Redis outage makes services unready, not dead${missing.length ? ' (skipped: run npm run build)' : ''}`, () => {
  let redis: TestRedis;
  const procs: ServiceProcess[] = [];
  const ports = {} as Record<AppName, number>;
  const url = (app: AppName, probe: 'live' | 'ready') => `http://127.0.0.1:${ports[app]}/health/${probe}`;
  const all = async (probe: 'live' | 'ready') => Promise.all(APPS.map(async (app) => [app, await status(url(app, probe))] as const));

  beforeAll(async () => {
    redis = await startRedis();
    for (const app of APPS) {
      ports[app] = await freePort();
      // A feed 3 s without a candle is stale: the generator's readiness notices the outage soon.
      procs.push(startService(app, { REDIS_URL: redis.url, PORT: String(ports[app]), HOST: '127.0.0.1', LOG_LEVEL: 'warn', REPLAY_SPEED: 'x60', FEED_STALE_SECONDS: '3' }));
    }
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    await redis?.stop();
  });

  it('keeps /health/live at 200 through a Redis outage while /health/ready says 503, then ready again', async () => {
    await waitFor(async () => (await all('ready')).every(([, s]) => s === 200), { timeoutMs: 30_000, intervalMs: 250, what: 'every service ready' });
    expect(await all('live')).toEqual(APPS.map((app) => [app, 200]));
    // The compatibility paths answer as before.
    expect(await status(`http://127.0.0.1:${ports['api-gateway']}/api/health`)).toBe(200);
    expect(await status(`http://127.0.0.1:${ports.notifier}/health`)).toBe(200);

    const port = redis.port;
    await redis.stop({ crash: true });
    await waitFor(async () => (await all('ready')).every(([, s]) => s === 503), { timeoutMs: 30_000, intervalMs: 250, what: 'every service unready' });
    expect(await all('live')).toEqual(APPS.map((app) => [app, 200]));
    // Still alive once the loops themselves are reported down for readiness (reads unanswered
    // for longer than their BLOCK timeout, the feed stalled), not just the PING.
    await waitFor(async () => (await Promise.all(APPS.map((app) => down(url(app, 'ready'))))).every((parts) => parts.some((p) => p !== 'redis')), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'a loop of every service reported down for readiness',
    });
    expect(await all('live')).toEqual(APPS.map((app) => [app, 200]));
    expect(await status(`http://127.0.0.1:${ports['api-gateway']}/api/health`)).toBe(503);

    redis = await startRedis({ port });
    await waitFor(async () => (await all('ready')).every(([, s]) => s === 200), { timeoutMs: 30_000, intervalMs: 250, what: 'every service ready after Redis came back' });
    expect(await all('live')).toEqual(APPS.map((app) => [app, 200]));
  }, 120_000);
});
