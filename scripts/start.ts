/**
 * `npm start`: the whole system as local processes, for a machine without Docker.
 *
 *   npm start                       # REDIS_URL, else redis://127.0.0.1:6379, else a private redis-server
 *   npm start -- --private-redis    # always a fresh private redis-server (a clean slate)
 *
 * Builds `dist/` (swc, about a second), finds a Redis, then runs the four services with each log
 * line prefixed by its service. Ctrl-C (or SIGTERM) stops them all, then the private Redis if one
 * was started. Every other variable (SYMBOLS, REPLAY_SPEED, TELEGRAM_*, ...) passes through to
 * the services as-is: see .env.example. With no TELEGRAM_BOT_TOKEN the notifier runs dry and logs
 * the messages it would send; MARKET_SOURCE defaults to the bundled replay data.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import Redis from 'ioredis';

const ROOT = join(__dirname, '..');
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** How long services get to drain after SIGTERM before they are killed. */
const STOP_TIMEOUT_MS = 10_000;

export interface ServiceSpec {
  app: 'api-gateway' | 'signal-generator' | 'notifier' | 'position-closer';
  /** The variable that overrides this service's port when launched together (PORT is shared). */
  portVar: string;
  defaultPort: number;
}

/** Start order: consumers first, so they create their groups before the first signal. */
export const SERVICES: readonly ServiceSpec[] = [
  { app: 'api-gateway', portVar: 'GATEWAY_PORT', defaultPort: 8888 },
  { app: 'notifier', portVar: 'NOTIFIER_PORT', defaultPort: 9101 },
  { app: 'position-closer', portVar: 'POSITION_CLOSER_PORT', defaultPort: 9102 },
  { app: 'signal-generator', portVar: 'SIGNAL_GENERATOR_PORT', defaultPort: 9100 },
];

const COLORS = [36, 35, 33, 32];
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;

function say(msg: string): void {
  process.stdout.write(`${useColor ? '\x1b[1m' : ''}[start]${useColor ? '\x1b[0m' : ''} ${msg}\n`);
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

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)));
}

export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
}

/** A redis-server of our own: temp dir, AOF on (like production), port 6380 or any free one. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = (await portFree(6380)) ? 6380 : await anyFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'signal-platform-redis-'));
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore', detached: true },
  );
  const url = `redis://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await redisAnswers(url))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`the private redis-server on port ${port} did not start`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Running {
  spec: ServiceSpec;
  proc: ChildProcess;
  exited: Promise<number | string | null>;
}

/** Pipes a child's output to ours, one line at a time, each prefixed with the service name. */
function prefixLines(proc: ChildProcess, name: string, color: number): void {
  const width = Math.max(...SERVICES.map((s) => s.app.length));
  const tag = useColor ? `\x1b[${color}m${name.padEnd(width)} |\x1b[0m ` : `${name.padEnd(width)} | `;
  for (const stream of [proc.stdout, proc.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => process.stdout.write(tag + line + '\n'));
  }
}

async function main(): Promise<void> {
  const forcePrivate = process.argv.includes('--private-redis');
  // The same .env as docker compose; variables already set in the shell win.
  if (existsSync(join(ROOT, '.env'))) {
    process.loadEnvFile(join(ROOT, '.env'));
    say('read .env');
  }

  say('building (npm run build)');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');

  for (const s of SERVICES) {
    const port = Number(process.env[s.portVar] ?? s.defaultPort);
    if (!(await portFree(port))) {
      throw new Error(`port ${port} (${s.app}) is in use: stop what holds it, or set ${s.portVar}=<another port>`);
    }
  }

  let redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  let privateRedis: PrivateRedis | undefined;
  if (forcePrivate || !(await redisAnswers(redisUrl))) {
    if (!forcePrivate && process.env.REDIS_URL) {
      throw new Error(`no Redis answers at REDIS_URL (${redactUrl(redisUrl)}); unset it to let npm start run a private one`);
    }
    if (!onPath('redis-server')) {
      throw new Error(`no Redis answers at ${DEFAULT_REDIS_URL} and redis-server is not installed (apt-get install redis-server)`);
    }
    privateRedis = await startPrivateRedis();
    redisUrl = privateRedis.url;
    say(`started a private redis-server at ${redisUrl} (AOF on; removed on exit)`);
  } else {
    say(`using Redis at ${redactUrl(redisUrl)}`);
  }

  const running: Running[] = SERVICES.map((spec, i) => {
    const port = process.env[spec.portVar] ?? String(spec.defaultPort);
    const entry = join(ROOT, 'dist', 'apps', spec.app, 'src', 'main.js');
    // detached: a terminal's Ctrl-C reaches only us, and each service gets exactly one SIGTERM.
    const proc = spawn(process.execPath, ['--enable-source-maps', entry], {
      cwd: ROOT,
      // The notifier's Telegram commands read the gateway started beside it.
      env: { GATEWAY_URL: `http://127.0.0.1:${process.env.GATEWAY_PORT ?? '8888'}`, ...process.env, REDIS_URL: redisUrl, PORT: port },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    prefixLines(proc, spec.app, COLORS[i % COLORS.length]);
    const exited = new Promise<number | string | null>((resolve) => proc.once('exit', (code, sig) => resolve(code ?? sig)));
    return { spec, proc, exited };
  });
  const gatewayPort = process.env.GATEWAY_PORT ?? '8888';
  say(`gateway: http://127.0.0.1:${gatewayPort}/api/signals   stop: Ctrl-C`);

  let stopping = false;
  const stopAll = async (reason: string, code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(`${reason}: stopping the services`);
    for (const r of running) if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill('SIGTERM');
    const killer = setTimeout(() => {
      for (const r of running) if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill('SIGKILL');
    }, STOP_TIMEOUT_MS);
    await Promise.all(running.map((r) => r.exited));
    clearTimeout(killer);
    if (privateRedis) {
      await privateRedis.stop();
      say('private redis-server stopped');
    }
    process.exit(code);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void stopAll(sig, 0));
  // A service that dies on its own (bad config, port taken) takes the others down with it:
  // a half-running system looks alive but delivers nothing.
  for (const r of running) {
    void r.exited.then((code) => {
      if (!stopping) void stopAll(`${r.spec.app} exited (${String(code)})`, 1);
    });
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

if (require.main === module) {
  main().catch((err: unknown) => {
    say(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
