import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { decodeEntry, formatMicros, MarketEntrySchema, PositionEventSchema, STREAMS, type ProducedSignal } from '@app/contracts';
import { MarketPublisher } from '@app/redis-streams';
import { freePort, startRedis, startService, startTcpProxy, waitFor, type AppName, type ServiceProcess, type TcpProxy, type TestRedis } from '@app/testing';
import { startFakeTelegram, type FakeTelegram } from '../../apps/notifier/test/fixtures/fake-telegram.server';
import { makeSignal } from '../../apps/notifier/test/fixtures/signals';

/**
 * Half-dead Redis connections, with real processes: the four services reach Redis through a TCP
 * proxy that freezes every connection open at one moment (nothing forwarded either way, nothing
 * closed: a stalled network path, which no socket error reveals) while new connections pass.
 * Every service must notice its hung connections, replace them and recover by itself: ready
 * again, the generator's candles on `market` again, and a signal published after the freeze
 * served by the gateway, sent to Telegram once and opened as a position once.
 *
 * Before the dead-connection fix every service stayed unready until the connections were cut.
 */
const APPS: AppName[] = ['api-gateway', 'notifier', 'position-closer', 'signal-generator'];
const ROOT = join(__dirname, '..', '..');
const missing = APPS.filter((a) => !existsSync(join(ROOT, 'dist', 'apps', a, 'src', 'main.js')));
const suite = missing.length ? describe.skip : describe;
const TOKEN = '5005005005:AAF-frozen_connections_test_token';
const CHAT = '4242';
/**
 * From the freeze to everything flowing again, with the default REDIS_COMMAND_TIMEOUT_MS (5 s).
 * A connection is called dead at most its BLOCK plus 5 s after its last command: 10 s for a
 * stream reader, 15 s for a BullMQ worker's blocking connection (BullMQ's own watchdog usually
 * acts first); a consumer group reader then waits out its resent read (5 s) before it re-reads
 * what the lost reply held. Measured: 13.5-15 s on a loaded 2-core machine.
 */
const RECOVERY_BOUND_MS = 25_000;

suite(`frozen Redis connections are replaced and every service recovers by itself${missing.length ? ' (skipped: run npm run build)' : ''}`, () => {
  let redis: TestRedis;
  let proxy: TcpProxy;
  let direct: Redis;
  let tg: FakeTelegram;
  const procs: ServiceProcess[] = [];
  const ports = {} as Record<AppName, number>;
  const ready = async (app: AppName) => (await fetch(`http://127.0.0.1:${ports[app]}/health/ready`, { signal: AbortSignal.timeout(3000) }).catch(() => null))?.status === 200;
  const allReady = async () => (await Promise.all(APPS.map(ready))).every(Boolean);
  /** What each service's readiness says, for a failure message. */
  const readiness = async () =>
    (
      await Promise.all(
        APPS.map(async (app) => {
          const res = await fetch(`http://127.0.0.1:${ports[app]}/health/ready`, { signal: AbortSignal.timeout(3000) }).catch((e: Error) => e.message);
          return `${app}: ${typeof res === 'string' ? res : `${res.status} ${await res.text()}`}`;
        }),
      )
    ).join('\n');
  const orExplain = async (wait: Promise<unknown>) => {
    try {
      await wait;
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${await readiness()}\n${procs.map((p) => `--- ${p.name}\n${p.output().slice(-5000)}`).join('\n')}`);
    }
  };

  beforeAll(async () => {
    redis = await startRedis();
    proxy = await startTcpProxy({ port: redis.port });
    direct = new Redis(redis.url);
    tg = await startFakeTelegram({ token: TOKEN });
    const env: Record<AppName, Record<string, string>> = {
      'api-gateway': {},
      notifier: { CONSUMER_NAME: 'frozen-notifier', TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_URL: tg.url, TELEGRAM_CHAT_IDS: CHAT },
      'position-closer': { CONSUMER_NAME: 'frozen-closer' },
      // A candle a second per symbol and no signal of its own (all seven strategies would have to
      // agree at full confidence): the test's signals are the only ones. Unready 3 s without a candle.
      'signal-generator': { REPLAY_SPEED: 'x60', FEED_STALE_SECONDS: '3', MIN_STRATEGIES_AGREE: '7', MIN_CONFIDENCE: '100' },
    };
    for (const app of APPS) {
      ports[app] = await freePort();
      const url = `redis://127.0.0.1:${proxy.port}`;
      procs.push(startService(app, { REDIS_URL: url, PORT: String(ports[app]), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env[app] }, app));
    }
    await orExplain(waitFor(allReady, { timeoutMs: 60_000, intervalMs: 250, what: 'every service ready' }));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    await proxy?.close();
    await tg?.close();
    direct?.disconnect();
    await redis?.stop();
  });

  it(`recovers within ${RECOVERY_BOUND_MS / 1000} s of the freeze, with the signal published after it delivered once everywhere`, async () => {
    // The generator has published candles through the proxy: its connections are in use.
    await waitFor(async () => (await marketCandles(direct, 0)).length >= 3, { timeoutMs: 20_000, what: 'first candles' });

    const frozen = proxy.freeze();
    const frozenAt = Date.now();
    // Every service's connections: the four command connections, the readers', BullMQ's.
    expect(frozen).toBeGreaterThanOrEqual(15);

    const base = makeSignal(1, { symbol: 'SOLUSDT', entry_price: 150, stop_loss: 151, take_profit: 148 });
    const signal: ProducedSignal = { ...base, metadata: { ...base.metadata, source: 'live' }, timestamp: formatMicros(Date.now() * 1000) };
    const { signalIds } = await new MarketPublisher(direct).publish(null, [signal]);
    const id = signalIds[0];

    const servedLatest = async () => {
      const res = await fetch(`http://127.0.0.1:${ports['api-gateway']}/api/signals/latest`, { signal: AbortSignal.timeout(3000) }).catch(() => null);
      return res?.status === 200 && ((await res.json()) as { signal: { timestamp: string } | null }).signal?.timestamp === signal.timestamp;
    };
    const servedActive = async () => {
      const res = await fetch(`http://127.0.0.1:${ports['api-gateway']}/api/signals`, { signal: AbortSignal.timeout(3000) });
      return ((await res.json()) as { signals: { timestamp: string }[] }).signals.filter((s) => s.timestamp === signal.timestamp).length;
    };
    const sentToTelegram = () => tg.messagesFor(CHAT).filter((m) => m.text.includes(signal.timestamp)).length;
    const opened = async () => (await positionEvents(direct)).filter((e) => e.type === 'opened' && e.position_id === id).length;
    const candlesSinceFreeze = async () => (await marketCandles(direct, frozenAt)).length;

    let last = {};
    const flowing = async () => {
      last = { ready: await allReady(), served: await servedLatest(), telegram: sentToTelegram(), opened: await opened(), candles: await candlesSinceFreeze() };
      return Object.values(last).every((v) => v === true || (typeof v === 'number' && v >= 1));
    };
    await orExplain(
      waitFor(flowing, { timeoutMs: RECOVERY_BOUND_MS, intervalMs: 250, what: 'every service ready, the signal served, sent and opened, and new candles published' }).catch((err: Error) => {
        throw new Error(`${err.message}; last seen ${JSON.stringify(last)}`);
      }),
    );
    const recoveredInMs = Date.now() - frozenAt;
    process.stdout.write(`frozen-connections: every service recovered ${recoveredInMs} ms after ${frozen} connections froze\n`);

    // Nothing twice: a second signal (another symbol, so it closes nothing) went the same way after
    // the first, so a repeat of the first would have come before it.
    const second: ProducedSignal = { ...signal, symbol: 'XRPUSDT', entry_price: 2, stop_loss: 2.02, take_profit: 1.96, timestamp: formatMicros(Date.now() * 1000) };
    const [secondId] = (await new MarketPublisher(direct).publish(null, [second])).signalIds;
    await waitFor(async () => tg.messagesFor(CHAT).some((m) => m.text.includes(second.timestamp)) && (await positionEvents(direct)).some((e) => e.type === 'opened' && e.position_id === secondId), {
      timeoutMs: 10_000,
      what: 'the second signal through',
    });
    expect({ gateway: await servedActive(), telegram: sentToTelegram(), opened: await opened() }).toEqual({ gateway: 1, telegram: 1, opened: 1 });
    // The generator published each candle once despite the publishes it had in flight at the freeze.
    const keys = (await marketCandles(direct, 0)).map((c) => `${c.symbol}@${c.open_time}`);
    expect(keys.length - new Set(keys).size).toBe(0);
  }, 120_000);
});

/** The candles on `market` stored at or after `sinceMs` (entry ids are Redis's clock, this machine's). */
async function marketCandles(redis: Redis, sinceMs: number): Promise<{ symbol: string; open_time: number }[]> {
  const rows = (await redis.xrange(STREAMS.market, String(sinceMs), '+')) as [string, string[]][];
  return rows.flatMap(([id, fields]) => {
    const e = decodeEntry(MarketEntrySchema, id, fields);
    return e.kind === 'candle' ? [{ symbol: e.symbol, open_time: e.open_time }] : [];
  });
}

async function positionEvents(redis: Redis) {
  const rows = (await redis.xrange(STREAMS.positions, '-', '+')) as [string, string[]][];
  return rows.map(([id, fields]) => decodeEntry(PositionEventSchema, id, fields));
}
