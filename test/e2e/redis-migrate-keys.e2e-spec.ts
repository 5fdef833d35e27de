import { join } from 'node:path';
import Redis from 'ioredis';
import { KEYS, STREAMS } from '@app/contracts';
import { startNodeScript, startRedis, type TestRedis } from '@app/testing';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'redis-migrate-keys.ts');

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

  it('refuses while a service is connected, then renames, then finds nothing to do; never prints the password', async () => {
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
