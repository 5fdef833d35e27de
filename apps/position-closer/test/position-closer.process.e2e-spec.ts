import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { BULLMQ_PREFIX, KEYS, QUEUES } from '@app/contracts';
import { freePort, startRedis, startService, waitFor, type ServiceProcess, type TestRedis } from '@app/testing';
import { makeCandle, makeSignal, StreamsClient } from './support/closer-harness';

/**
 * The built position-closer as real OS processes (`npm run build` first): a kill -9 with open
 * positions, and two replicas sharing the work.
 */
describe('position-closer processes', () => {
  let redis: TestRedis;
  let client: StreamsClient;
  const running: ServiceProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    client = new StreamsClient(redis.url);
  });
  afterAll(async () => {
    await Promise.all(running.map((p) => p.kill('SIGKILL')));
    await client.close();
    await redis.stop();
  });
  beforeEach(async () => {
    await client.redis.flushall();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.kill()));
  });

  async function closer(name: string): Promise<{ proc: ServiceProcess; port: number }> {
    const port = await freePort();
    const proc = startService('position-closer', { REDIS_URL: redis.url, PORT: String(port), HOST: '127.0.0.1', CONSUMER_NAME: name, CLAIM_INTERVAL_MS: '500' }, name);
    running.push(proc);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200, {
      timeoutMs: 15_000,
      what: `${name} healthy`,
    });
    return { proc, port };
  }

  const count = async (type: 'opened' | 'closed') => (await client.events()).filter((e) => e.type === type).length;

  it('keeps open positions across a kill -9, and closes them from candles that arrived while it was down', async () => {
    const first = await closer('closer-a');
    const btc = await client.signal(makeSignal({ symbol: 'BTCUSDT', minute: 0 }));
    const eth = await client.signal(makeSignal({ symbol: 'ETHUSDT', direction: 'SELL', minute: 0 }));
    await waitFor(async () => (await count('opened')) === 2, { what: 'two positions opened' });

    await first.proc.kill('SIGKILL');
    // While no closer runs: BTC reaches its target, and a new SOL signal arrives.
    await client.candle(makeCandle(1, 104.5, 99.5, 104, 'BTCUSDT'));
    await client.candle(makeCandle(1, 101, 99, 100.5, 'ETHUSDT'));
    const sol = await client.signal(makeSignal({ symbol: 'SOLUSDT', minute: 1 }));

    const second = await closer('closer-a');
    await waitFor(async () => (await client.closedEvents()).length === 1 && (await count('opened')) === 3, { what: 'catch-up after restart' });
    expect((await client.closedEvents())[0]).toMatchObject({ position_id: btc, reason: 'take_profit', exit_price: 104 });
    expect((await client.redis.smembers(KEYS.openPositions)).sort()).toEqual([eth, sol].sort());

    // The surviving ETH position still closes on a new candle, and the max-hold jobs survived.
    await client.candle(makeCandle(2, 102.5, 100, 102, 'ETHUSDT'));
    await waitFor(async () => (await client.closedEvents()).length === 2, { what: 'ETH stop' });
    expect((await client.closedEvents())[1]).toMatchObject({ position_id: eth, reason: 'stop_loss', exit_price: 102 });
    const queue = new Queue(QUEUES.maxHold, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: BULLMQ_PREFIX });
    try {
      expect((await queue.getDelayed()).map((j) => j.id).sort()).toEqual([sol]);
    } finally {
      await queue.close();
      await (await queue.client).quit();
    }
    expect(second.proc.output()).not.toMatch(/"level":"error"/);
  });

  it('two replicas open every position once and close it once', async () => {
    const replicas = [await closer('closer-r1'), await closer('closer-r2')];
    const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'XRPUSDT', 'ADAUSDT'];
    // Three rounds, alternating direction: rounds 2 and 3 close the previous round by opposite signal.
    for (const [round, direction] of (['BUY', 'SELL', 'BUY'] as const).entries()) {
      for (const symbol of symbols) await client.signal(makeSignal({ symbol, direction, minute: round * 10 }));
      await waitFor(async () => (await count('opened')) === symbols.length * (round + 1), { what: `round ${round + 1} opened` });
    }
    // Both replicas read every candle and race to close on it.
    for (const symbol of symbols) await client.candle(makeCandle(25, 105, 99.5, 104.5, symbol));
    await waitFor(async () => (await count('closed')) === symbols.length * 3, { what: 'every position closed' });

    const events = await client.events();
    const byPosition = new Map<string, string[]>();
    for (const e of events) byPosition.set(e.position_id, [...(byPosition.get(e.position_id) ?? []), e.type]);
    expect(byPosition.size).toBe(18);
    for (const types of byPosition.values()) expect(types).toEqual(['opened', 'closed']);
    const reasons = events.flatMap((e) => (e.type === 'closed' ? [e.reason] : []));
    expect(reasons.filter((r) => r === 'opposite_signal')).toHaveLength(12);
    expect(reasons.filter((r) => r === 'take_profit')).toHaveLength(6);
    const requests = await client.closeRequests();
    expect(new Set(requests.map((r) => r.position_id)).size).toBe(12);
    expect(requests).toHaveLength(12);

    // Each open and close was done (and logged) by exactly one of the two.
    const logged = (re: RegExp) => replicas.map((r) => r.proc.output().split('\n').filter((l) => re.test(l)).length);
    const opens = logged(/"msg":"position opened"/);
    const closes = logged(/"msg":"position closed"/);
    expect(opens[0] + opens[1]).toBe(18);
    expect(closes[0] + closes[1]).toBe(18);
  });
});
