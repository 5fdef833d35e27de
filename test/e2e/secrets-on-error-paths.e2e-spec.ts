import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { encodeEntry, STREAMS } from '@app/contracts';
import { freePort, startRedis, startService, waitFor, type AppName, type ServiceProcess, type TestRedis } from '@app/testing';
import { startFakeTelegram, type FakeTelegram } from '../../apps/notifier/test/fixtures/fake-telegram.server';
import { makeSignal } from '../../apps/notifier/test/fixtures/signals';

/**
 * Secrets on the error paths, with real processes: every service against a redis-server that
 * requires a password, given a wrong one (plus a bot token and an API key), then SIGTERM once it
 * has met the refusal. None of the secrets may appear in anything the process prints, and the
 * process must exit. Before the fix a notifier printed the password on SIGTERM (an unhandled
 * BullMQ 'error' event, shown by Node with the failed AUTH command's arguments) and a gateway
 * never finished its SIGTERM.
 */
const APPS: AppName[] = ['api-gateway', 'signal-generator', 'notifier', 'position-closer'];
const ROOT = join(__dirname, '..', '..');
const missing = APPS.filter((a) => !existsSync(join(ROOT, 'dist', 'apps', a, 'src', 'main.js')));
const suite = missing.length ? describe.skip : describe;

const PASSWORD = 'right-Redis-pw_51c0e7';
const WRONG_PASSWORD = 'wr0ng-Redis-pw_e41d7a';
const TOKEN = '987654321:AAH-secret_bot_token_value_x1y2z3';
const WRONG_TOKEN = '123456789:AAF-wrong_bot_token_value_q8r7s6';
const API_KEY = 'api-key-s3cret-7c1e9b4d';
/** What must never be printed: the secret part of each value. */
const SECRETS = [PASSWORD, WRONG_PASSWORD, TOKEN.split(':')[1], WRONG_TOKEN.split(':')[1], API_KEY];
/** Generous: the services start slowly on a loaded CI machine; a hang is what this catches. */
const EXIT_WITHIN_MS = 20_000;

function leaked(out: string): string[] {
  return SECRETS.filter((s) => out.includes(s));
}

/** SIGTERM, then what it printed and how it ended: the exit code or signal, or `hung`. */
async function stopAndCollect(proc: ServiceProcess): Promise<{ exit: number | string | null; out: string }> {
  let exit: number | string | null | undefined;
  void proc.kill('SIGTERM').then((e) => (exit = e));
  await waitFor(() => exit !== undefined, { timeoutMs: EXIT_WITHIN_MS, what: `${proc.name} to exit after SIGTERM` }).catch(() => undefined);
  return { exit: exit === undefined ? 'hung' : exit, out: proc.output() };
}

suite(`secrets stay out of every error path${missing.length ? ` (skipped: ${missing.join(', ')} not built; run npm run build)` : ''}`, () => {
  let redis: TestRedis;
  let tg: FakeTelegram;
  const procs: ServiceProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis({ password: PASSWORD });
    tg = await startFakeTelegram({ token: TOKEN });
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    await tg?.close();
    await redis?.stop();
  });

  const start = async (app: AppName, env: Record<string, string>) => {
    const proc = startService(app, {
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_CHAT_IDS: '4242',
      TELEGRAM_API_URL: tg.url,
      API_KEY,
      ...env,
    });
    procs.push(proc);
    return proc;
  };

  it('with a wrong Redis password, no service prints the password, the token or the API key, and each exits on SIGTERM', async () => {
    const wrongUrl = `redis://:${WRONG_PASSWORD}@127.0.0.1:${redis.port}`;
    const started = await Promise.all(APPS.map((app) => start(app, { REDIS_URL: wrongUrl })));
    // Each has met the refusal (logged it, or given up starting) before it is stopped.
    await Promise.all(started.map((p) => p.waitForOutput(/WRONGPASS/, 30_000)));
    const results = await Promise.all(started.map((p) => stopAndCollect(p)));
    const seen = results.map(({ exit, out }, i) => ({
      app: APPS[i],
      leaked: leaked(out),
      // Node's own report of an unhandled error prints every property of the error.
      nodeReport: /Emitted 'error' event|^\s+command: \{/m.test(out),
      exited: exit !== 'hung',
    }));
    expect(seen).toEqual(APPS.map((app) => ({ app, leaked: [], nodeReport: false, exited: true })));
  }, 120_000);

  it('with a wrong Telegram token, the notifier reports the refusal without the token and exits on SIGTERM', async () => {
    const client = new Redis(redis.url);
    try {
      const port = await freePort();
      const notifier = await start('notifier', { REDIS_URL: redis.url, PORT: String(port), TELEGRAM_BOT_TOKEN: WRONG_TOKEN });
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200, { timeoutMs: 30_000, what: 'notifier healthy' });
      await client.xadd(STREAMS.signals, '*', ...encodeEntry(makeSignal(1)));
      await notifier.waitForOutput(/Telegram refused the message for good \(401/, 30_000);
      expect(tg.requests.some((r) => r.status === 401)).toBe(true);
      const { exit, out } = await stopAndCollect(notifier);
      expect(leaked(out)).toEqual([]);
      expect(exit).not.toBe('hung');
      expect(out).toContain('check TELEGRAM_BOT_TOKEN');
    } finally {
      await client.quit();
    }
  }, 90_000);
});
