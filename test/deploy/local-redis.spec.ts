import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { busyReason, redisDataDir, resetProjectRedis, startProjectRedis, type LocalRedis } from '../../scripts/local-redis';

/**
 * The Redis npm start runs for itself (scripts/local-redis.ts), without the services: a redis-server
 * left behind by a launcher killed -9 is stopped before another one starts on the same AOF, and
 * neither a start nor a reset goes ahead while another launcher holds the data directory.
 */
describe('npm start: its own Redis', () => {
  let dataDir: string;
  const started: LocalRedis[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'local-redis-'));
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((r) => r.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const lockOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'launcher.json'), 'utf8')) as { launcherPid: number; redisPid: number; port: number };
  const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid;

  it('stops the redis-server a killed launcher left on the data, then continues with that data', async () => {
    const dir = redisDataDir(dataDir);
    const first = await startProjectRedis(dir);
    const c1 = new Redis(first.url);
    await c1.set('checkpoint', '42');
    c1.disconnect();
    const leftover = lockOf(dir).redisPid;
    // The launcher was killed -9: its pid is gone, its detached redis-server still runs.
    writeFileSync(join(dir, 'launcher.json'), JSON.stringify({ ...lockOf(dir), launcherPid: deadPid() }));

    const second = await startProjectRedis(dir);
    started.push(second);
    expect(lockOf(dir).redisPid).not.toBe(leftover);
    expect(() => process.kill(leftover, 0)).toThrow(); // stopped, not left writing the same AOF
    const c2 = new Redis(second.url);
    expect(await c2.get('checkpoint')).toBe('42');
    c2.disconnect();
  });

  it('refuses to start or reset while another launcher holds the data', async () => {
    const dir = redisDataDir(dataDir);
    const own = await startProjectRedis(dir);
    started.push(own);
    // Another npm start (a live process whose command line says so) holds it.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'scripts/start.ts'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, 'launcher.json'), JSON.stringify({ ...lockOf(dir), launcherPid: other.pid }));
      expect(busyReason(dir)).toMatch(new RegExp(`npm start \\(pid ${other.pid}\\) is running on`));
      await expect(startProjectRedis(dir)).rejects.toThrow(/npm start \(pid \d+\) is running/);
      expect(() => resetProjectRedis(dir)).toThrow(/nothing was deleted/);
    } finally {
      other.kill('SIGKILL');
    }
  });
});
