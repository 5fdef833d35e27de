import { MARKET_SHARDS, STREAMS } from '@app/contracts';
import { MarketPublisher } from '@app/redis-streams';
import { freePort, startRedis, startService, waitFor, type ServiceProcess, type TestRedis } from '@app/testing';
import { StreamsClient } from './support/closer-harness';
import { burstJudged, marketBurst, symbolPerShard, publishBurst, readBook, type BookEntry } from './support/market-burst';

/**
 * N position-closer replicas give the book one gives: a burst of alternating same-symbol
 * signals with their candles, written at full speed as a replay does, through 1 and 3 replica
 * processes (and 3 with one killed -9 mid-burst), compared position for position.
 */
describe('position-closer replicas: the same book as one', () => {
  let redis: TestRedis;
  let client: StreamsClient;
  const running: ServiceProcess[] = [];
  const symbols = symbolPerShard(MARKET_SHARDS);
  const steps = marketBurst({ symbols, minutes: 60, signalRate: 0.45, seed: 14 });
  const signalCount = steps.reduce((n, s) => n + s.signals.length, 0);

  beforeAll(async () => {
    redis = await startRedis();
    client = new StreamsClient(redis.url);
  });
  afterAll(async () => {
    await Promise.all(running.map((p) => p.kill('SIGKILL')));
    await client.close();
    await redis.stop();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.kill()));
  });

  async function closer(name: string): Promise<ServiceProcess> {
    const port = await freePort();
    const proc = startService('position-closer', { REDIS_URL: redis.url, PORT: String(port), HOST: '127.0.0.1', CONSUMER_NAME: name }, name);
    running.push(proc);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200, {
      timeoutMs: 20_000,
      what: `${name} healthy`,
    });
    return proc;
  }

  interface Run {
    book: BookEntry[];
    closeRequests: number[];
    /** Positions each replica opened, from its own log. */
    openedBy: number[];
    /** From the kill -9 to the last candle judged. */
    afterKillMs?: number;
  }

  /** Publishes the burst through `replicas` closers; after `killAfter` position events, kills the first -9. */
  async function run(replicas: number, killAfter?: number): Promise<Run> {
    await client.redis.flushall();
    const procs: ServiceProcess[] = [];
    for (let i = 0; i < replicas; i++) procs.push(await closer(`closer-${replicas}-${i}`));
    const publishing = publishBurst(new MarketPublisher(client.redis), steps);
    let killedAt: number | undefined;
    if (killAfter !== undefined) {
      await waitFor(async () => (await client.redis.xlen(STREAMS.positions)) >= killAfter, { timeoutMs: 30_000, what: `${killAfter} position events` });
      await procs[0].kill('SIGKILL');
      killedAt = Date.now();
    }
    const ids = await publishing;
    await waitFor(() => burstJudged(client.redis, steps), { timeoutMs: 60_000, intervalMs: 50, what: 'every candle of the burst judged' });
    const afterKillMs = killedAt === undefined ? undefined : Date.now() - killedAt;
    const openedBy = procs.map((p) => p.output().split('\n').filter((l) => l.includes('"msg":"position opened"')).length);
    return { ...(await readBook(client.redis, ids)), openedBy, afterKillMs };
  }

  let single: Run | undefined;
  /** The reference: one replica alone. */
  async function oneReplica(): Promise<Run> {
    single ??= await run(1);
    await Promise.all(running.splice(0).map((p) => p.kill()));
    return single;
  }

  it('1 and 3 replicas open every signal once, in order, and close each position the same way', async () => {
    const one = await oneReplica();
    const three = await run(3);

    // Signals alternate per symbol, so every one of them opens a position: none silently lost.
    expect(one.book).toHaveLength(signalCount);
    expect(one.book.map((p) => p.signal)).toEqual([...Array(signalCount).keys()]);
    expect([...new Set(one.book.map((p) => p.reason))].sort()).toEqual(expect.arrayContaining(['opposite_signal', 'stop_loss', 'take_profit']));
    for (const p of one.book) expect(p.events).toEqual(p.status === 'closed' ? ['opened', 'closed'] : ['opened']);
    expect(three.book).toEqual(one.book);
    expect(three.closeRequests).toEqual(one.closeRequests);
    // The three shared the work (each holds its share of the shards) rather than taking turns.
    expect(three.openedBy.every((n) => n > 0)).toBe(true);
    expect(three.openedBy.reduce((a, b) => a + b, 0)).toBe(signalCount);
  }, 180_000);

  it('3 replicas with one killed -9 mid-burst still give the same book; its shards are taken over within seconds', async () => {
    const one = await oneReplica();
    const killed = await run(3, signalCount / 2);
    expect(killed.book).toEqual(one.book);
    expect(killed.closeRequests).toEqual(one.closeRequests);
    expect(killed.openedBy[0]).toBeGreaterThan(0);
    // SHARD_LEASE_MS (5 s) for the lease to lapse, then the survivors' next renewal takes it.
    expect(killed.afterKillMs).toBeLessThan(15_000);
  }, 180_000);
});
