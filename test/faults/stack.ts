/** The whole pipeline as separate processes, Redis (AOF) behind a TCP proxy, and a fake Bot API: what the faults strike. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort, startRedis, startService, startTcpProxy, waitFor, type AppName, type ServiceProcess, type TcpProxy, type TestRedis } from '@app/testing';
import { startFakeTelegram, type FakeBehaviour, type FakeTelegram } from '../../apps/notifier/test/fixtures/fake-telegram.server';

export const API_KEY = 'faults-api-key-7f3e91c2';
export const TOKEN = '6006006006:AAF-fault_suite_token_for_the_fake';
/** Two private chats and a group, as an operator's admin chats would be. */
export const CHATS = ['3001', '3002', '-3003'];

/**
 * Each send takes about as long as a real Bot API call, so a notifier killed mid-stream is often
 * killed mid-send: the in-flight case the notifier's at-least-once bound is about.
 */
export const TELEGRAM_LATENCY: FakeBehaviour = () => ({ delayMs: 80 });

/** Whatever the generator publishes depends on this pace: about 15 candles a second per symbol. */
const REPLAY_SPEED = 'x900';

export interface StackService {
  name: string;
  app: AppName;
  port: number;
  env: Record<string, string>;
  proc: ServiceProcess;
  /** Every process this service ran, restarts included (their output, for a failure message). */
  history: ServiceProcess[];
}

export class FaultStack {
  readonly services = new Map<string, StackService>();
  private stopped = false;

  private constructor(
    public redis: TestRedis,
    readonly redisPort: number,
    readonly redisDir: string,
    readonly proxy: TcpProxy,
    readonly tg: FakeTelegram,
    /** Straight to Redis, not through the proxy: the checker's view and the malformed entries' way in. */
    readonly direct: Redis,
  ) {}

  /**
   * Redis with AOF `appendfsync everysec`, as docker-compose.yml deploys it: a kill -9 of the
   * redis-server process loses nothing it acknowledged (each write is in the kernel's page cache
   * before the reply goes out; the fsync second only matters when the machine itself dies, which a
   * process kill does not simulate). So the suite tests what runs in production, not a stricter Redis.
   */
  static async start(): Promise<FaultStack> {
    const dir = mkdtempSync(join(tmpdir(), 'faults-redis-'));
    const port = await freePort();
    const redis = await startRedis({ appendonly: true, appendfsync: 'everysec', port, dir });
    const proxy = await startTcpProxy({ port });
    const tg = await startFakeTelegram({ token: TOKEN, behaviour: TELEGRAM_LATENCY });
    const direct = new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
    // While Redis is down on purpose it reconnects; its commands wait for that.
    direct.on('error', () => undefined);
    const stack = new FaultStack(redis, port, dir, proxy, tg, direct);
    const via = `redis://127.0.0.1:${proxy.port}`;
    const common = { REDIS_URL: via, HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
    const notifier = (name: string) => ({
      ...common,
      CONSUMER_NAME: name,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_URL: tg.url,
      TELEGRAM_CHAT_IDS: CHATS.join(','),
      TELEGRAM_COMMANDS: 'off',
      // The fake has no rate limit of its own; the default limits would turn the run into digests.
      TELEGRAM_CHAT_RATE_PER_SEC: '50',
      TELEGRAM_GROUP_RATE_PER_MIN: '3000',
      TELEGRAM_GLOBAL_RATE: '500',
      TELEGRAM_TIMEOUT_MS: '3000',
      NOTIFIER_BACKOFF_MS: '200',
    });
    // Consumers first, so that their groups exist before the first signal (as npm start does).
    const plan: [string, AppName, Record<string, string>][] = [
      ['api-gateway', 'api-gateway', { ...common, API_KEY }],
      ['notifier-a', 'notifier', notifier('faults-notifier-a')],
      ['notifier-b', 'notifier', notifier('faults-notifier-b')],
      ['closer-a', 'position-closer', { ...common, CONSUMER_NAME: 'faults-closer-a' }],
      ['closer-b', 'position-closer', { ...common, CONSUMER_NAME: 'faults-closer-b' }],
      // A steady source: the shipped replay at a fast pace, with a consensus loose enough to
      // signal a few times a second, no cooldown.
      ['signal-generator', 'signal-generator', { ...common, REPLAY_SPEED, MIN_STRATEGIES_AGREE: '2', MIN_CONFIDENCE: '40', COOLDOWN_SECONDS: '0' }],
    ];
    try {
      for (const [name, app, env] of plan) {
        // The generator waits for the others, so nothing it publishes precedes a consumer group.
        if (app === 'signal-generator') await stack.waitReady(60_000);
        const svcPort = await freePort();
        const fullEnv = { ...env, PORT: String(svcPort) };
        const proc = startService(app, fullEnv, name);
        stack.services.set(name, { name, app, port: svcPort, env: fullEnv, proc, history: [proc] });
      }
      await stack.waitReady(60_000);
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  names(): string[] {
    return [...this.services.keys()];
  }

  url(name: string, path = ''): string {
    return `http://127.0.0.1:${this.services.get(name)!.port}${path}`;
  }

  async ready(name: string): Promise<boolean> {
    const path = this.services.get(name)!.app === 'api-gateway' ? '/api/health' : '/health/ready';
    const res = await fetch(this.url(name, path), { signal: AbortSignal.timeout(2000) }).catch(() => null);
    await res?.body?.cancel();
    return res?.status === 200;
  }

  async allReady(): Promise<boolean> {
    return (await Promise.all(this.names().map((n) => this.ready(n)))).every(Boolean);
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const started = [...this.services.keys()];
    await waitFor(async () => (await Promise.all(started.map((n) => this.ready(n)))).every(Boolean), {
      timeoutMs,
      intervalMs: 100,
      what: `${started.join(', ')} ready`,
    });
  }

  async kill9(name: string): Promise<void> {
    await this.services.get(name)!.proc.kill('SIGKILL');
  }

  /** The same service again: same port, same environment, same consumer name. */
  restart(name: string): void {
    const svc = this.services.get(name)!;
    svc.proc = startService(svc.app, svc.env, name);
    svc.history.push(svc.proc);
  }

  async stopRedis(crash: boolean): Promise<void> {
    await this.redis.stop({ crash, keepDir: true });
  }

  /** redis-server again on the same port and data directory: it loads its AOF. */
  async startRedisAgain(): Promise<void> {
    this.redis = await startRedis({ appendonly: true, appendfsync: 'everysec', port: this.redisPort, dir: this.redisDir });
  }

  /** The last lines of every process of a service, for a failure message. */
  output(name: string, chars = 3000): string {
    return this.services
      .get(name)!
      .history.map((p, i) => `--- ${name} #${i + 1}\n${p.output().slice(-chars)}`)
      .join('\n');
  }

  /** Stops everything it started, whatever state it is in; safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.proxy.restore();
    await Promise.all([...this.services.values()].map((s) => s.proc.kill('SIGKILL')));
    this.direct.disconnect();
    await this.proxy.close().catch(() => undefined);
    await this.tg.close().catch(() => undefined);
    this.redis.process.kill('SIGCONT');
    await this.redis.stop({ crash: true, keepDir: true });
    rmSync(this.redisDir, { recursive: true, force: true });
  }
}
