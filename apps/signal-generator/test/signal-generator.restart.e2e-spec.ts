import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { decodeEntry, generatorDecidedKey, MarketEntrySchema, SignalSchema, STREAMS } from '@app/contracts';
import { freePort, startRedis, startService, waitFor, type ServiceProcess, type TestRedis } from '@app/testing';
import { SAMPLE_FILES } from './candles';
import { bySymbol, independentReplay, signalKey } from './replay-reference';

const WARMUP = 120;
const PER_SYMBOL = 5760;

async function feedState(port: number): Promise<string | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
  if (!res) return undefined;
  return ((await res.json()) as { details?: { feed?: { state?: string } } }).details?.feed?.state;
}

async function metricSum(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

describe('signal-generator restarts (real processes, real Redis)', () => {
  let redisServer: TestRedis;
  let redis: Redis;
  const procs: ServiceProcess[] = [];

  beforeAll(async () => {
    redisServer = await startRedis();
    redis = new Redis(redisServer.url);
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    await redis.quit();
    await redisServer.stop();
  });

  async function start(extra: Record<string, string> = {}): Promise<{ svc: ServiceProcess; port: number }> {
    const port = await freePort();
    const svc = startService('signal-generator', {
      REDIS_URL: redisServer.url,
      PORT: String(port),
      // ~1 ms a data minute: the replay lasts a few seconds, long enough to be killed in the middle.
      REPLAY_SPEED: 'x60000',
      REPLAY_WARMUP_CANDLES: String(WARMUP),
      ...extra,
    });
    procs.push(svc);
    return { svc, port };
  }

  it('kill -9 mid-replay, then a restart beside a second generator started by mistake: every candle decided and published exactly once', async () => {
    const expectedSignals = await independentReplay(WARMUP);
    expect(expectedSignals.length).toBeGreaterThan(100);

    const first = await start();
    await waitFor(async () => (await redis.xlen(STREAMS.market)) >= 3000, { timeoutMs: 30_000, what: '3000 market entries' });
    expect(await first.svc.kill('SIGKILL')).toBe('SIGKILL');
    const candlesAtKill = (await redis.xrange(STREAMS.market, '-', '+')).filter(([, f]) => f[1].startsWith('{"kind":"candle"')).length;
    expect(candlesAtKill).toBeLessThan(2 * (PER_SYMBOL - WARMUP));
    const checkpoint = Number(await redis.get(generatorDecidedKey('replay', 'BTCUSDT', '1m')));
    expect(checkpoint).toBeGreaterThan(0);

    // The restart, and a second one by mistake, on the same data at the same time.
    const [a, b] = [await start(), await start()];
    for (const g of [a, b]) await waitFor(async () => (await feedState(g.port)) === 'finished', { timeoutMs: 45_000, what: 'replay to finish' });
    expect(a.svc.output()).toContain('resuming after the last candle published');

    const market = (await redis.xrange(STREAMS.market, '-', '+')).map(([id, f]) => decodeEntry(MarketEntrySchema, id, f));
    const candles = market.flatMap((e) => (e.kind === 'candle' ? [`${e.symbol} ${e.open_time}`] : []));
    expect(candles).toHaveLength(2 * (PER_SYMBOL - WARMUP));
    expect(new Set(candles).size).toBe(candles.length);
    const published = (await redis.xrange(STREAMS.signals, '-', '+')).map(([id, f]) => signalKey(decodeEntry(SignalSchema, id, f)));
    // In order per symbol. Across symbols the order is not one run's: the two generators split the
    // symbols between them (shard leases), and each publishes its own at its own pace.
    expect(bySymbol(published)).toEqual(bySymbol(expectedSignals));
    expect(published).toHaveLength(expectedSignals.length);
    expect(market.filter((e) => e.kind === 'signal')).toHaveLength(expectedSignals.length);
    // Each restarted process went through every candle: each one it did not publish is counted as already decided.
    const skipped = (await metricSum(a.port, 'signal_generator_already_decided_candles_total')) + (await metricSum(b.port, 'signal_generator_already_decided_candles_total'));
    expect(skipped).toBe(2 * (PER_SYMBOL - WARMUP) + candlesAtKill);
    for (const g of [a, b]) expect(await g.svc.kill('SIGTERM')).toBe('SIGTERM');

  }, 60_000);

  it('a run after the end publishes nothing; REPLAY_FROM_START=true publishes every decision again', async () => {
    await redis.flushdb();
    const dir = mkdtempSync(join(tmpdir(), 'sg-restart-'));
    const file = join(dir, 'BTCUSDT-1m-head.csv');
    writeFileSync(file, readFileSync(SAMPLE_FILES[0], 'utf8').split('\n').slice(0, 1001).join('\n') + '\n');
    const env = { REPLAY_SPEED: 'max', REPLAY_FILES: file, SYMBOLS: 'BTCUSDT' };
    const run = async (extra: Record<string, string> = {}) => {
      const g = await start({ ...env, ...extra });
      await waitFor(async () => (await feedState(g.port)) === 'finished', { timeoutMs: 20_000, what: 'replay to finish' });
      const skipped = await metricSum(g.port, 'signal_generator_already_decided_candles_total');
      expect(await g.svc.kill('SIGTERM')).toBe('SIGTERM');
      return { market: await redis.xlen(STREAMS.market), signals: await redis.xlen(STREAMS.signals), skipped };
    };
    const once = await run();
    expect(once).toMatchObject({ market: 1000 - WARMUP + once.signals, skipped: 0 });
    expect(await run()).toEqual({ ...once, skipped: 1000 - WARMUP });
    expect(await run({ REPLAY_FROM_START: 'true' })).toEqual({ market: 2 * once.market, signals: 2 * once.signals, skipped: 0 });
  }, 60_000);
});
