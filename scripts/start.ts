/**
 * `npm start`: the whole system as local processes, for a machine without Docker.
 *
 *   npm start                          # its own redis-server, data in .data/redis (kept between runs)
 *   npm start -- --data-dir DIR        # the same, data in DIR/redis
 *   npm start -- --private-redis       # a throwaway redis-server: empty, removed on exit
 *   REDIS_URL=redis://host:6379 npm start   (or --redis-url URL)   # a Redis of yours
 *
 * It never uses a Redis it did not start unless told to: a Redis answering on 127.0.0.1:6379 is
 * somebody else's data. `npm run reset` deletes .data/redis (refused while npm start runs).
 *
 * Builds `dist/` (swc, about a second), starts or checks Redis, then runs the four services with
 * each log line prefixed by its service. Ctrl-C (or SIGTERM) stops them all, then the Redis it
 * started. Every other variable (SYMBOLS, REPLAY_SPEED, TELEGRAM_*, ...) passes through to the
 * services as-is: see .env.example. With no TELEGRAM_BOT_TOKEN the notifier runs dry and logs the
 * messages it would send; MARKET_SOURCE defaults to the bundled replay data.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import Redis from 'ioredis';
import { legacyKeysPresent } from '@app/redis-streams';
import { portFree, redisAnswers, redisDataDir, ROOT, startProjectRedis, startThrowawayRedis, type LocalRedis } from './local-redis';
import { describeMigration, migrateKeysOf } from './redis-migrate-keys';

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

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)));
}

/** REDIS_URL (or --redis-url) when given: it must answer. Otherwise a redis-server of our own. */
async function chooseRedis(args: { 'redis-url'?: string; 'private-redis'?: boolean; 'data-dir'?: string }): Promise<{ url: string; own?: LocalRedis }> {
  const given = args['redis-url'] ?? process.env.REDIS_URL;
  if (given) {
    if (!(await redisAnswers(given))) throw new Error(`no Redis answers at ${redactUrl(given)} (REDIS_URL or --redis-url); unset it to let npm start run its own`);
    say(`using the Redis you gave: ${redactUrl(given)}`);
    return { url: given };
  }
  if (!onPath('redis-server')) {
    throw new Error('redis-server is not installed (apt-get install redis-server), or point npm start at a Redis of yours with REDIS_URL');
  }
  if (args['private-redis']) {
    const own = await startThrowawayRedis();
    say(`started a private redis-server at ${own.url} (AOF on; removed on exit)`);
    return { url: own.url, own };
  }
  const own = await startProjectRedis(redisDataDir(args['data-dir']));
  say(`started the project's redis-server at ${own.url}, data in ${own.dir} (kept between runs; npm run reset deletes it)`);
  return { url: own.url, own };
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
  const { values: args } = parseArgs({
    options: { 'private-redis': { type: 'boolean' }, 'data-dir': { type: 'string' }, 'redis-url': { type: 'string' } },
  });
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

  const { url: redisUrl, own: ownRedis } = await chooseRedis(args);
  try {
    await carryOverLegacyKeys(redisUrl, ownRedis);
  } catch (err) {
    await ownRedis?.stop();
    throw err;
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
    if (ownRedis) {
      await ownRedis.stop();
      say(ownRedis.persistent ? `redis-server stopped; its data stays in ${ownRedis.dir}` : 'private redis-server stopped');
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

/**
 * Data kept from before the hash tags (names.ts): on its own Redis npm start renames it before any
 * service starts (redis:migrate-keys); a Redis of yours may have other users, so there it refuses
 * and says what to run. A Cluster never held the old names.
 */
async function carryOverLegacyKeys(url: string, own: LocalRedis | undefined): Promise<void> {
  if (process.env.REDIS_CLUSTER_NODES || (own && !own.persistent)) return;
  const redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    if (own) {
      const result = await migrateKeysOf(redis);
      if (result.renamed.length || result.conflicts.length) for (const line of describeMigration(result)) say(`redis:migrate-keys: ${line}`);
      if (result.conflicts.length) throw new Error('some keys could not be renamed (above): the services would not see their data');
    } else if (await legacyKeysPresent(redis)) {
      throw new Error(
        `the Redis at ${redactUrl(url)} holds data under the key names from before the hash tags: stop every service using it, run REDIS_URL=<it> npm run redis:migrate-keys, then npm start`,
      );
    }
  } finally {
    redis.disconnect();
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
