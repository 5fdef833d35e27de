import Redis from 'ioredis';
import { decodeEntry, generatorDecidedKey, MarketEntrySchema, SignalSchema, STREAMS } from '@app/contracts';
import { freePort, startRedis, startService, waitFor, type ServiceProcess, type TestRedis } from '@app/testing';
import { sampleCandles } from './candles';
import { bySymbol, independentReplay, signalKey } from './replay-reference';

const WARMUP = 120;
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'] as const;
const LEASE_MS = 2000;

interface Replica {
  name: string;
  svc: ServiceProcess;
  port: number;
}

interface HealthBody {
  details?: { feed?: { state?: string }; shards?: { symbols?: string[]; shards?: number[] } };
}

async function health(r: Replica): Promise<HealthBody | undefined> {
  const res = await fetch(`http://127.0.0.1:${r.port}/health`).catch(() => undefined);
  return res ? ((await res.json()) as HealthBody) : undefined;
}

/** The symbols a replica publishes now, by its /health. */
async function symbolsHeld(r: Replica): Promise<string[]> {
  return (await health(r))?.details?.shards?.symbols ?? [];
}

/** What one generator running alone, never interrupted, puts on `market`: each symbol's candles past the warm-up, in order. */
const expectedCandles = Object.fromEntries(SYMBOLS.map((s) => [s, sampleCandles(s).slice(WARMUP).map((c) => c.open_time)]));

describe('signal-generator replicas (real processes, real Redis)', () => {
  let redisServer: TestRedis;
  let redis: Redis;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    redisServer = await startRedis();
    redis = new Redis(redisServer.url);
  });
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((r) => r.svc.kill('SIGKILL')));
    await redis.flushdb();
  });
  afterAll(async () => {
    await redis.quit();
    await redisServer.stop();
  });

  async function start(name: string): Promise<Replica> {
    const port = await freePort();
    const svc = startService(
      'signal-generator',
      {
        REDIS_URL: redisServer.url,
        PORT: String(port),
        CONSUMER_NAME: name,
        SHARD_LEASE_MS: String(LEASE_MS),
        // ~3 ms a data minute: the replay lasts ~17 s, time to kill a replica and see another take over.
        REPLAY_SPEED: 'x20000',
        REPLAY_WARMUP_CANDLES: String(WARMUP),
      },
      name,
    );
    const r = { name, svc, port };
    replicas.push(r);
    return r;
  }

  /** The one live replica publishing `symbol`, once exactly one claims it. */
  async function holderOf(symbol: string, among: Replica[]): Promise<Replica> {
    return waitFor(
      async () => {
        const holders: Replica[] = [];
        for (const r of among) if ((await symbolsHeld(r)).includes(symbol)) holders.push(r);
        return holders.length === 1 ? holders[0] : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50, what: `one replica holding ${symbol}` },
    );
  }

  /** BTCUSDT's checkpoint: the open time of its last candle on `market`. */
  async function btcCheckpoint(): Promise<number> {
    return Number((await redis.get(generatorDecidedKey('replay', 'BTCUSDT', '1m'))) ?? 0);
  }

  async function waitFinished(among: Replica[]): Promise<void> {
    for (const r of among) await waitFor(async () => (await health(r))?.details?.feed?.state === 'finished', { timeoutMs: 120_000, what: `${r.name}: replay to finish` });
  }

  /** Every symbol's candles once each, in order, and its signals as one uninterrupted generator makes them. */
  async function expectPublishedExactlyOnce(expectedSignals: string[]): Promise<void> {
    const market = (await redis.xrange(STREAMS.market, '-', '+')).map(([id, f]) => decodeEntry(MarketEntrySchema, id, f));
    for (const symbol of SYMBOLS) {
      const candles = market.flatMap((e) => (e.kind === 'candle' && e.symbol === symbol ? [e.open_time] : []));
      expect({ symbol, candles }).toEqual({ symbol, candles: expectedCandles[symbol] });
    }
    const published = (await redis.xrange(STREAMS.signals, '-', '+')).map(([id, f]) => signalKey(decodeEntry(SignalSchema, id, f)));
    expect(bySymbol(published)).toEqual(bySymbol(expectedSignals));
    expect(published).toHaveLength(expectedSignals.length);
    expect(market.filter((e) => e.kind === 'signal')).toHaveLength(expectedSignals.length);
  }

  it('kill -9 of the replica publishing BTCUSDT mid-replay: another takes it over within seconds and every candle is published exactly once, in order', async () => {
    const expectedSignals = await independentReplay(WARMUP);
    expect(expectedSignals.length).toBeGreaterThan(100);
    const all = [await start('g1'), await start('g2'), await start('g3')];

    const firstPaced = expectedCandles.BTCUSDT[0];
    await waitFor(async () => (await btcCheckpoint()) >= firstPaced + 1500 * 60_000, { timeoutMs: 60_000, intervalMs: 50, what: '1500 BTCUSDT candles published' });
    const leader = await holderOf('BTCUSDT', all);
    expect(await leader.svc.kill('SIGKILL')).toBe('SIGKILL');
    const killedAt = Date.now();
    const atKill = await btcCheckpoint();
    const survivors = all.filter((r) => r !== leader);

    const successor = await holderOf('BTCUSDT', survivors);
    const takeoverMs = Date.now() - killedAt;
    // Mid-stream: BTCUSDT was far from its end when its publisher died, and its new holder publishes past that.
    expect(atKill).toBeLessThan(expectedCandles.BTCUSDT.at(-1)! - 1000 * 60_000);
    await waitFor(async () => (await btcCheckpoint()) > atKill, { timeoutMs: 30_000, what: 'BTCUSDT published again after the kill' });
    process.stdout.write(`BTCUSDT taken over by ${successor.name} ${takeoverMs} ms after the kill -9 of ${leader.name} (SHARD_LEASE_MS ${LEASE_MS})\n`);

    await waitFinished(survivors);
    await expectPublishedExactlyOnce(expectedSignals);
    expect(successor.svc.output()).toMatch(/"symbol":"BTCUSDT".*symbol taken; publishing from the next undecided candle/);
  }, 240_000);

  it('a replica paused past its lease cannot publish once resumed: the replica that took its symbols over did, once each', async () => {
    const expectedSignals = await independentReplay(WARMUP);
    const all = [await start('p1'), await start('p2')];
    await waitFor(async () => (await btcCheckpoint()) >= expectedCandles.BTCUSDT[0] + 1000 * 60_000, { timeoutMs: 60_000, intervalMs: 50, what: '1000 BTCUSDT candles published' });
    const paused = await holderOf('BTCUSDT', all);
    const other = all.find((r) => r !== paused)!;
    paused.svc.process.kill('SIGSTOP');
    await holderOf('BTCUSDT', [other]);
    paused.svc.process.kill('SIGCONT');

    await waitFinished(all);
    await expectPublishedExactlyOnce(expectedSignals);
    // It woke believing it held BTCUSDT: its lease tick or its fenced publish told it otherwise.
    expect(paused.svc.output()).toMatch(/symbol handed over|shard lost before this publish/);
  }, 240_000);
});
