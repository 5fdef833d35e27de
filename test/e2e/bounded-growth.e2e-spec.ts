import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { BULLMQ_PREFIX, KEYS, MARKET_SHARDS, MicrosClock, type ProducedSignal, QUEUES, STREAM_MAXLEN, STREAMS } from '@app/contracts';
import { groupInfo, lastStreamId, MarketPublisher, shardedReadCaughtUp } from '@app/redis-streams';
import { freePort, startRedis, startService, waitFor, type AppName, type ServiceProcess, type TestRedis } from '@app/testing';
import { startFakeTelegram, type FakeTelegram } from '../../apps/notifier/test/fixtures/fake-telegram.server';

/**
 * Bounded growth: 100,000 signals written as the generator writes them (its MarketPublisher, to
 * `signals` and `market`), each acknowledged over HTTP, through the real gateway, position-closer
 * and notifier processes (to a fake Bot API), every retention at its default (the gateway prunes
 * acks every 2 s instead of 60 s). Redis's used_memory and each service's RSS are measured halfway
 * and at the end, each time once everything is handled: both stay under the bounds README states
 * and barely move in the second half, because every store is capped by age or count.
 */
const N = Number(process.env.BOUNDED_GROWTH_SIGNALS ?? 100_000);
const BATCH = 500;
const SYMBOLS = Array.from({ length: 20 }, (_, i) => `G${i}USDT`);
const APPS: AppName[] = ['api-gateway', 'position-closer', 'notifier'];
const ROOT = join(__dirname, '..', '..');
const missing = APPS.filter((a) => !existsSync(join(ROOT, 'dist', 'apps', a, 'src', 'main.js')));
const suite = missing.length ? describe.skip : describe;
const TOKEN = '7357735773:AAF-bounded_growth_token_for_the_fake_api';
const CHAT = '4242';
const MB = 1024 * 1024;

/**
 * The bounds README states (section "Bounded growth"), for the defaults. Measured on the 2-core
 * development machine: Redis 70 then 75 MB; RSS closer 135 then 148, notifier 247 then 253,
 * gateway 277 then 296 MB (V8 collects lazily: the gateway's heap after a full GC stays flat at
 * any count, see README).
 */
const BOUNDS = { redisMb: 150, gatewayRssMb: 400, closerRssMb: 250, notifierRssMb: 350, redisSecondHalfMb: 15, rssSecondHalfMb: 50 };

interface Sample {
  signals: number;
  redisMb: number;
  rssMb: Record<string, number>;
  /** V8 heap in use (prom-client's nodejs_heap_size_used_bytes): what the services really hold. */
  heapMb: Record<string, number>;
}

suite(`bounded growth: ${N} signals and acks through the services${missing.length ? ` (skipped: ${missing.join(', ')} not built)` : ''}`, () => {
  let redis: TestRedis;
  let client: Redis;
  let tg: FakeTelegram;
  const procs = new Map<AppName, { proc: ServiceProcess; port: number }>();
  const clock = new MicrosClock();

  const start = async (app: AppName, env: Record<string, string>, healthPath = '/health') => {
    const port = await freePort();
    const proc = startService(app, { REDIS_URL: redis.url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env });
    procs.set(app, { proc, port });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}${healthPath}`).catch(() => null))?.status === 200, { timeoutMs: 30_000, what: `${app} healthy` });
    return port;
  };

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    tg = await startFakeTelegram({ token: TOKEN });
    await start('position-closer', { CONSUMER_NAME: 'bounded-closer' });
    await start('notifier', {
      CONSUMER_NAME: 'bounded-notifier',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_URL: tg.url,
      TELEGRAM_CHAT_IDS: CHAT,
      TELEGRAM_COMMANDS: 'off',
      TELEGRAM_CHAT_RATE_PER_SEC: '200',
      TELEGRAM_GLOBAL_RATE: '200',
    });
    // Prunes acks every 2 s here (60 s by default) so the test sees it within its run.
    await start('api-gateway', { ACK_PRUNE_INTERVAL_MS: '2000' }, '/api/health');
  }, 90_000);

  afterAll(async () => {
    await Promise.all([...procs.values()].map(({ proc }) => proc.kill()));
    await tg?.close();
    client?.disconnect();
    await redis?.stop();
  });

  const gatewayUrl = () => `http://127.0.0.1:${procs.get('api-gateway')!.port}`;

  /** Each symbol keeps its direction and turns with a chance of 1 in 5: about 20,000 positions open and close. */
  function batchOfSignals(n: number, turn: () => boolean, direction: Map<string, 'BUY' | 'SELL'>): ProducedSignal[] {
    return Array.from({ length: n }, (_, i) => {
      const symbol = SYMBOLS[i % SYMBOLS.length];
      const prev = direction.get(symbol) ?? 'BUY';
      const dir = turn() ? (prev === 'BUY' ? 'SELL' : 'BUY') : prev;
      direction.set(symbol, dir);
      const buy = dir === 'BUY';
      return {
        timestamp: clock.nowTimestamp(),
        symbol,
        direction: dir,
        entry_price: 100,
        stop_loss: buy ? 98 : 102,
        take_profit: buy ? 104 : 96,
        leverage: 10,
        signal_strength: 70,
        timeframe: '1m',
        strategy_name: 'Consensus',
        metadata: { consensus_confidence: 70, strategies_agree: 3, risk_reward_ratio: 2, source: 'replay', votes: [{ strategy: 'ema_cross', direction: dir, confidence: 80, reason: 'cross' }] },
      };
    });
  }

  /** Acknowledges every id as ATAS does, 32 requests at a time; retries a 404 until the gateway has the signal. */
  async function acknowledgeAll(ids: string[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++];
        await waitFor(
          async () => {
            const res = await fetch(`${gatewayUrl()}/api/signals/acknowledge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id }) });
            await res.arrayBuffer();
            if (res.status !== 200 && res.status !== 404) throw new Error(`acknowledge ${id}: ${res.status}`);
            return res.status === 200;
          },
          { timeoutMs: 30_000, intervalMs: 20, what: `ack of ${id}` },
        );
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
  }

  /** Everything written so far handled: closer shards, notifier groups and queue, gateway. */
  async function settled(published: number): Promise<void> {
    const queue = new Queue(QUEUES.telegram, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: BULLMQ_PREFIX });
    let state = '';
    try {
      await waitFor(
        async () => {
          const closer = await shardedReadCaughtUp(client, STREAMS.market, `${KEYS.closerShards}:cursor`, MARKET_SHARDS);
          // Delivered up to the stream's newest entry (XINFO's `lag` is unreliable once MAXLEN trims).
          const groups = await Promise.all(
            [STREAMS.signals, STREAMS.positions].map(async (s) => {
              const g = (await groupInfo(client, s)).find((x) => x.name === 'notifier');
              return g && { behind: g.lastDeliveredId !== (await lastStreamId(client, s)), pending: g.pending, lag: g.lag };
            }),
          );
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
          const stats = (await (await fetch(`${gatewayUrl()}/api/stats`)).json()) as { signals: { received: number } };
          state = JSON.stringify({ closer, groups, counts, received: stats.signals.received });
          return closer && groups.every((g) => g && !g.behind && g.pending === 0) && Object.values(counts).every((c) => c === 0) && stats.signals.received === published;
        },
        { timeoutMs: 300_000, intervalMs: 500, what: `${published} signals handled everywhere` },
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}; last state ${state}`);
    } finally {
      await queue.close();
      await (await queue.client).quit();
    }
  }

  async function sample(signals: number): Promise<Sample> {
    const info = await client.info('memory');
    const used = Number(/used_memory:(\d+)/.exec(info)![1]);
    const rssMb: Record<string, number> = {};
    const heapMb: Record<string, number> = {};
    for (const [app, { proc, port }] of procs) {
      rssMb[app] = Math.round(rssOf(proc.process.pid!) / MB);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      heapMb[app] = Math.round(Number(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)$/m.exec(metrics)?.[1]) / MB);
    }
    return { signals, redisMb: Math.round(used / MB), rssMb, heapMb };
  }

  it('keeps Redis memory and every service RSS within the stated bounds, flat in the second half', async () => {
    const publisher = new MarketPublisher(client);
    const direction = new Map<string, 'BUY' | 'SELL'>();
    let seed = 14;
    const turn = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 5 === 0);
    const samples: Sample[] = [];
    const t0 = Date.now();
    for (let published = 0; published < N; ) {
      const { signalIds } = await publisher.publish(null, batchOfSignals(BATCH, turn, direction));
      await acknowledgeAll(signalIds);
      published += BATCH;
      if (published === N / 2 || published === N) {
        await settled(published);
        samples.push(await sample(published));
        console.log(`bounded growth: ${JSON.stringify(samples[samples.length - 1])} after ${Math.round((Date.now() - t0) / 1000)} s`);
      }
    }
    const [half, end] = samples;
    if (process.env.BOUNDED_GROWTH_BREAKDOWN) console.log(await memoryByPrefix(client));
    expect(end.redisMb).toBeLessThan(BOUNDS.redisMb);
    expect(end.rssMb['api-gateway']).toBeLessThan(BOUNDS.gatewayRssMb);
    expect(end.rssMb['position-closer']).toBeLessThan(BOUNDS.closerRssMb);
    expect(end.rssMb.notifier).toBeLessThan(BOUNDS.notifierRssMb);
    // The second 50,000 signals add next to nothing: a leak of 1 KB per signal would add 50 MB.
    expect(end.redisMb - half.redisMb).toBeLessThan(BOUNDS.redisSecondHalfMb);
    for (const app of APPS) expect(end.rssMb[app] - half.rssMb[app]).toBeLessThan(BOUNDS.rssSecondHalfMb);

    // What holds the memory, each capped: acks of the signals still on the stream, the newest
    // closed positions, finished job records, and the streams at their MAXLEN.
    await waitFor(async () => (await client.hlen(KEYS.acks)) <= (await client.xlen(STREAMS.signals)), { what: 'acks pruned to the signals on the stream', timeoutMs: 10_000 });
    const closed = (await client.hlen(KEYS.positions)) - (await client.scard(KEYS.openPositions));
    expect(closed).toBeLessThanOrEqual(10_000);
    expect(await client.llen(KEYS.closedPositionIds)).toBe(10_000);
    for (const queue of [QUEUES.telegram, QUEUES.maxHold]) expect(await client.zcard(`${BULLMQ_PREFIX}:${queue}:completed`)).toBeLessThanOrEqual(5000);
    for (const stream of [STREAMS.signals, STREAMS.market, STREAMS.acks, STREAMS.closeRequests]) {
      expect(await client.xlen(stream)).toBeLessThanOrEqual(STREAM_MAXLEN[stream] * 1.1); // MAXLEN ~ trims by whole nodes
    }

    // No signal whose ack was pruned is served again: a gateway rebuilt from Redis now has none active.
    const gw = procs.get('api-gateway')!;
    await gw.proc.kill();
    await start('api-gateway', {}, '/api/health');
    const active = (await (await fetch(`${gatewayUrl()}/api/signals?limit=500`)).json()) as { count: number };
    expect(active.count).toBe(0);
  }, 1_200_000);
});

function rssOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return kb ? Number(kb[1]) * 1024 : NaN;
}

/** Redis memory by key prefix (the first two `:`-separated parts), largest first. */
async function memoryByPrefix(redis: Redis): Promise<string> {
  const by = new Map<string, { keys: number; bytes: number }>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const prefix = key.split(':').slice(0, 2).join(':');
      const row = by.get(prefix) ?? { keys: 0, bytes: 0 };
      row.keys++;
      row.bytes += Number(await redis.memory('USAGE', key)) || 0;
      by.set(prefix, row);
    }
  } while (cursor !== '0');
  return [...by].sort(([, a], [, b]) => b.bytes - a.bytes).map(([p, r]) => `${p}: ${r.keys} keys, ${(r.bytes / MB).toFixed(1)} MB`).join('\n');
}
