import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import type { z } from 'zod';
import {
  decodeEntry,
  KEYS,
  MARKET_SHARDS,
  MarketEntrySchema,
  PositionEventSchema,
  SignalSchema,
  STREAMS,
  type PositionClosedEvent,
} from '@app/contracts';
import { compareStreamIds, shardedReadCaughtUp } from '@app/redis-streams';
import { replayPositions, startHealthyService, startRedis, waitFor, type AppName, type ServiceProcess, type TestRedis } from '@app/testing';
import { startFakeTelegram, type FakeTelegram } from '../../apps/notifier/test/fixtures/fake-telegram.server';

/**
 * The whole system on replayed real data (`data/`, BTCUSDT and ETHUSDT 1m, 4 days) as real
 * processes: signal-generator at full speed → position-closer → api-gateway and notifier with
 * the fake Telegram Bot API. Every position is checked against an independent replay of the
 * same signals and candles, `/api/performance` against sums computed here, and every close
 * against a Telegram report.
 */
const APPS: AppName[] = ['signal-generator', 'position-closer', 'api-gateway', 'notifier'];
const ROOT = join(__dirname, '..', '..');
const missing = APPS.filter((a) => !existsSync(join(ROOT, 'dist', 'apps', a, 'src', 'main.js')));
const suite = missing.length ? describe.skip : describe;
const TOKEN = '7357735773:AAF-system_test_token_for_the_fake_api';
const CHAT = '4242';
/** Rows per file minus the generator's default warm-up (120 candles per symbol, not published). */
const CANDLES = 2 * (5760 - 120);

suite(`system: replayed data through positions, performance and Telegram${missing.length ? ` (skipped: ${missing.join(', ')} not built; run npm run build)` : ''}`, () => {
  let redis: TestRedis;
  let client: Redis;
  let tg: FakeTelegram;
  let gateway: string;
  const procs: ServiceProcess[] = [];

  const start = (app: AppName, env: Record<string, string>, healthPath = '/health') =>
    startHealthyService(app, { REDIS_URL: redis.url, ...env }, { healthPath, timeoutMs: 20_000, what: `${app} healthy`, onStart: (p) => procs.push(p) });

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    tg = await startFakeTelegram({ token: TOKEN });
    await start('position-closer', { CONSUMER_NAME: 'system-closer' });
    await start('notifier', {
      CONSUMER_NAME: 'system-notifier',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_URL: tg.url,
      TELEGRAM_CHAT_IDS: CHAT,
      TELEGRAM_CHAT_RATE_PER_SEC: '200',
      TELEGRAM_GLOBAL_RATE: '200',
    });
    gateway = await start('api-gateway', {}, '/api/health');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill()));
    await tg?.close();
    await client?.quit();
    await redis?.stop();
  });

  it('positions open and close on every signal, /api/performance agrees, and Telegram gets each close report', async () => {
    // The generator last, so the others see every entry live; the replay runs as fast as it can.
    await start('signal-generator', { REPLAY_SPEED: 'max' });
    // `market` holds every candle and, after each signal's candle, the signal.
    await waitFor(async () => (await client.xlen(STREAMS.market)) - (await client.xlen(STREAMS.signals)) === CANDLES, { timeoutMs: 90_000, intervalMs: 250, what: 'replay published' });
    await waitFor(() => shardedReadCaughtUp(client, STREAMS.market, `${KEYS.closerShards}:cursor`, MARKET_SHARDS), {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: 'closer caught up',
    });

    const signals = await entries(client, STREAMS.signals, SignalSchema);
    const candles = (await entries(client, STREAMS.market, MarketEntrySchema)).flatMap((e) => (e.payload.kind === 'candle' ? [{ id: e.id, payload: e.payload }] : []));
    const events = (await entries(client, STREAMS.positions, PositionEventSchema)).map((e) => e.payload);
    const closed = events.filter((e): e is PositionClosedEvent => e.type === 'closed');
    expect(signals.length).toBeGreaterThan(50);

    // 1. Every position, independently: the same signals and candles replayed here.
    const expected = replayPositions(signals, candles.map((c) => c.payload));
    expect(events.filter((e) => e.type === 'opened').map((e) => e.position_id)).toEqual(expected.opened);
    expect(sortById(closed).map((e) => [e.position_id, e.reason, e.exit_price])).toEqual(sortById(expected.closed).map((e) => [e.id, e.reason, e.exit]));
    expect((await client.smembers(KEYS.openPositions)).sort()).toEqual(expected.open.sort());
    expect(new Set(closed.map((e) => e.reason))).toEqual(new Set(['take_profit', 'stop_loss', 'opposite_signal']));

    // 2. The gateway serves the same: open, history, close requests.
    await waitFor(async () => (await get(`${gateway}/api/positions/history?limit=1000`)).total === closed.length, { what: 'gateway history' });
    expect((await get(`${gateway}/api/positions`)).count).toBe(expected.open.length);
    const requests = await get(`${gateway}/api/positions/close-requests?limit=1000`);
    expect(requests.count).toBe(closed.filter((e) => e.reason === 'opposite_signal').length);

    // 3. /api/performance against sums made here: pnl = quantity × signed move (1000 USDT each).
    const perf = await get(`${gateway}/api/performance`);
    const pnl = closed.map((e) => e.quantity * (e.direction === 'BUY' ? e.exit_price - e.entry_price : e.entry_price - e.exit_price));
    const gain = pnl.filter((p) => p > 0).reduce((a, b) => a + b, 0);
    const loss = -pnl.filter((p) => p < 0).reduce((a, b) => a + b, 0);
    const totalR = closed.reduce((a, e) => a + e.r_multiple, 0);
    expect(perf.overall.trades).toBe(closed.length);
    expect(perf.overall.wins).toBe(pnl.filter((p) => p > 0).length);
    expect(perf.overall.losses).toBe(pnl.filter((p) => p < 0).length);
    expect(perf.overall.win_rate).toBeCloseTo((100 * perf.overall.wins) / closed.length, 3);
    expect(perf.overall.profit_factor).toBeCloseTo(gain / loss, 3);
    expect(perf.overall.average_r).toBeCloseTo(totalR / closed.length, 3);
    expect(perf.overall.net_pnl).toBeCloseTo(gain - loss, 3);
    expect(Object.keys(perf.by_symbol).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(perf.by_symbol.BTCUSDT.trades + perf.by_symbol.ETHUSDT.trades).toBe(closed.length);
    expect(perf.by_direction.BUY.trades + perf.by_direction.SELL.trades).toBe(closed.length);

    // 4. Telegram: a close report for every closed position (alone, or as a line of a digest).
    const reported = (e: PositionClosedEvent) =>
      tg.messagesFor(CHAT).some(
        (m) =>
          (m.text.includes(`${e.symbol} ${e.direction} closed</b>`) && m.text.includes(`signal <code>${e.signal_timestamp}</code>`)) ||
          m.text.split('\n').some((line) => line.includes(' closed · ') && line.includes(`<code>${e.signal_timestamp}</code>`)),
      );
    await waitFor(() => closed.every(reported), { timeoutMs: 60_000, intervalMs: 200, what: 'close reports on Telegram' });
  }, 240_000);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
async function get(url: string): Promise<any> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.json();
}

async function entries<S extends z.ZodType>(redis: Redis, stream: string, schema: S): Promise<{ id: string; payload: z.output<S> }[]> {
  const rows = (await redis.xrange(stream, '-', '+')) as [string, string[]][];
  return rows.map(([id, fields]) => ({ id, payload: decodeEntry(schema, id, fields) }));
}

function sortById<T extends { position_id?: string; id?: string }>(list: T[]): T[] {
  const key = (x: T) => (x.position_id ?? x.id)!;
  return [...list].sort((a, b) => compareStreamIds(key(a), key(b)));
}
