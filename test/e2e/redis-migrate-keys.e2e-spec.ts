import { join } from 'node:path';
import Redis from 'ioredis';
import { KEYS, STREAMS } from '@app/contracts';
import { existsSync } from 'node:fs';
import { freePort, startNodeScript, startRedis, startService, type AppName, type TestRedis } from '@app/testing';

const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'redis-migrate-keys.ts');
const APPS: AppName[] = ['signal-generator', 'position-closer', 'api-gateway', 'notifier'];
const built = APPS.every((a) => existsSync(join(ROOT, 'dist', 'apps', a, 'src', 'main.js')));

/** `npm run redis:migrate-keys` as a process, on a Redis holding data under the old key names. */
describe('npm run redis:migrate-keys', () => {
  let server: TestRedis;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedis({ password: 'migrate-secret' });
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  const migrate = async () => {
    const proc = startNodeScript(SCRIPT, { REDIS_URL: server.url, REDIS_CLUSTER_NODES: '' }, 'redis:migrate-keys', [], ['-r', '@swc-node/register']);
    const code = await proc.exited;
    return { code, out: proc.output() };
  };

  (built ? it : it.skip)('every service refuses to start while Redis holds keys under the old names, and starts once they are migrated', async () => {
    await redis.flushall();
    await redis.set('generator:decided:live:BTCUSDT:1m', '1700000000000');
    const env = async () => ({ REDIS_URL: server.url, PORT: String(await freePort()), HOST: '127.0.0.1' });
    for (const app of APPS) {
      const proc = startService(app, await env());
      expect(await proc.exited).toBe(1);
      expect(proc.output()).toMatch(new RegExp(`${app} failed to start: (Error: )?Redis holds data under the key names from before the hash tags \\(generator:decided:live:BTCUSDT:1m\\)`));
      expect(proc.output()).not.toContain('migrate-secret');
    }
    expect((await migrate()).code).toBe(0);
    const gateway = startService('api-gateway', await env());
    await gateway.waitForOutput(/api-gateway listening on/, 30_000);
    await gateway.kill();
    expect(await redis.get(`${KEYS.generatorDecided}:live:BTCUSDT:1m`)).toBe('1700000000000');
  }, 120_000);

  it('refuses while a service is connected, then renames, then finds nothing to do; never prints the password', async () => {
    await redis.flushall();
    await redis.xadd('signals', '1-0', 'data', '{}');
    await redis.hset('signals:acks', '1-0', '2026-01-01T00:00:00Z');
    const service = new Redis(server.url, { connectionName: 'notifier:worker' });
    await service.ping();
    const refused = await migrate();
    service.disconnect();
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('refused: services are connected to this Redis (notifier:worker): stop every service first');
    expect(await redis.exists('signals')).toBe(1);

    const done = await migrate();
    expect(done.code).toBe(0);
    expect(done.out).toContain('renamed 2 keys to their hash-tagged names');
    expect(await redis.xlen(STREAMS.signals)).toBe(1);
    expect(await redis.hget(KEYS.acks, '1-0')).toBe('2026-01-01T00:00:00Z');

    const again = await migrate();
    expect(again.code).toBe(0);
    expect(again.out).toContain('nothing to migrate');
    for (const r of [refused, done, again]) expect(r.out).not.toContain('migrate-secret');
  }, 60_000);
});
