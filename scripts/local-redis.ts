/**
 * The redis-server `npm start` runs for itself, and what `npm run reset` clears: never the
 * machine's Redis. By default its data (AOF) lives under the project, `.data/redis/`, so a second
 * run continues where the first stopped; `--private-redis` asks for a throwaway one instead.
 *
 * A lock file beside the data (`launcher.json`: the launcher's and the redis-server's pids)
 * keeps two launchers off one data directory, lets a later run stop a redis-server an earlier
 * run left behind (a launcher killed -9), and lets reset refuse while either still runs.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import Redis from 'ioredis';

export const ROOT = join(__dirname, '..');
/** Default parent of the project Redis's data: `.data/redis/` (git-ignored). */
export const DEFAULT_DATA_DIR = join(ROOT, '.data');

export interface LocalRedis {
  url: string;
  /** Where its data lives, relative to the project when inside it. */
  dir: string;
  /** Kept after stop (the project Redis) or removed (a throwaway one). */
  persistent: boolean;
  stop(): Promise<void>;
}

interface Lock {
  launcherPid: number;
  redisPid: number;
  port: number;
}

/** The project Redis's data directory under `dataDir` (`--data-dir`, default `.data`). */
export function redisDataDir(dataDir: string = DEFAULT_DATA_DIR): string {
  return join(resolve(dataDir), 'redis');
}

/** True when a Redis answers PING at `url` within a second. */
export async function redisAnswers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Why `dir` cannot be used or cleared now (a launcher or its redis-server still runs), or null. */
export function busyReason(dir: string): string | null {
  const lock = readLock(dir);
  if (!lock) return null;
  if (lock.launcherPid !== process.pid && runs(lock.launcherPid, 'start')) {
    return `npm start (pid ${lock.launcherPid}) is running on ${shown(dir)}: stop it first (Ctrl-C)`;
  }
  if (runs(lock.redisPid, 'redis-server')) return `a redis-server (pid ${lock.redisPid}, port ${lock.port}) still runs on ${shown(dir)}`;
  return null;
}

/**
 * Starts the project's redis-server on `dir` (AOF, noeviction, as production), on port 6380 when
 * free; refuses while another launcher uses `dir`, and first stops a redis-server an earlier,
 * killed launcher left running on it (two servers on one AOF would corrupt it).
 */
export async function startProjectRedis(dir: string): Promise<LocalRedis> {
  const lock = readLock(dir);
  if (lock && lock.launcherPid !== process.pid && runs(lock.launcherPid, 'start')) throw new Error(busyReason(dir)!);
  if (lock && runs(lock.redisPid, 'redis-server')) await stopLeftover(lock.redisPid);
  mkdirSync(dir, { recursive: true });
  const server = await startRedisServer(dir);
  writeFileSync(join(dir, 'launcher.json'), JSON.stringify({ launcherPid: process.pid, redisPid: server.pid, port: server.port } satisfies Lock));
  return {
    url: server.url,
    dir: shown(dir),
    persistent: true,
    async stop() {
      await server.stop();
      rmSync(join(dir, 'launcher.json'), { force: true });
    },
  };
}

/** A throwaway redis-server in a temp dir, removed on stop (`npm start -- --private-redis`). */
export async function startThrowawayRedis(): Promise<LocalRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'signal-platform-redis-'));
  const server = await startRedisServer(dir).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    url: server.url,
    dir,
    persistent: false,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `npm run reset`: deletes the project Redis's data; refuses while anything still runs on it. */
export function resetProjectRedis(dir: string): string {
  const busy = busyReason(dir);
  if (busy) throw new Error(`${busy}; nothing was deleted`);
  if (!existsSync(dir)) return `nothing to reset: ${shown(dir)} does not exist`;
  rmSync(dir, { recursive: true, force: true });
  return `deleted ${shown(dir)}: signals, acknowledgements, positions and the generator's checkpoints are gone`;
}

async function startRedisServer(dir: string): Promise<{ url: string; port: number; pid: number; stop(): Promise<void> }> {
  const port = (await portFree(6380)) ? 6380 : await anyFreePort();
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'],
    // Detached: a terminal's Ctrl-C must not stop Redis before the services have drained.
    { stdio: 'ignore', detached: true },
  );
  const url = `redis://127.0.0.1:${port}`;
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  const deadline = Date.now() + 10_000;
  while (!(await redisAnswers(url))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`the redis-server on port ${port} did not start (data in ${shown(dir)})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    pid: proc.pid!,
    async stop() {
      // SIGTERM: Redis flushes the AOF and exits.
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

async function stopLeftover(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (runs(pid, 'redis-server')) {
    if (Date.now() > deadline) throw new Error(`a redis-server (pid ${pid}) left by an earlier run did not stop; stop it by hand`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function readLock(dir: string): Lock | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'launcher.json'), 'utf8')) as Lock;
  } catch {
    return null;
  }
}

/** Whether `pid` is alive and, where /proc tells, runs a command containing `what` (pids get reused). */
function runs(pid: number, what: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  return !existsSync('/proc/self') || (existsSync(cmdline) && readFileSync(cmdline, 'utf8').includes(what));
}

function shown(dir: string): string {
  const rel = relative(ROOT, dir);
  return rel && !rel.startsWith('..') ? rel : dir;
}

export function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

async function anyFreePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => res(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}
