import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue, type Job } from 'bullmq';
import Redis from 'ioredis';
import { BULLMQ_PREFIX, decodeEntry, KEYS, MARKET_SHARDS, MarketEntrySchema, type NewSignal, QUEUES, type SignalEntry, STREAMS } from '@app/contracts';
import { lastStreamId, shardedReadCaughtUp, shardOf } from '@app/redis-streams';
import { startRedis, waitFor, type TestRedis } from '@app/testing';
import { metricsRegistry } from '@app/observability';
import { MarketConsumer } from '../src/market/market.consumer';
import { makeCandle, makeSignal, startCloserApp, StreamsClient } from './support/closer-harness';

/**
 * The position-closer in this process against a private redis-server: every close reason, the
 * stop-first rule, duplicate deliveries, malformed entries, a backlog judged in order, the order
 * kept across replicas, health and metrics.
 */
describe('position-closer (in process, real Redis and BullMQ)', () => {
  let redis: TestRedis;
  let client: StreamsClient;
  let app: NestFastifyApplication | undefined;

  beforeAll(async () => {
    redis = await startRedis();
    client = new StreamsClient(redis.url);
  });
  afterAll(async () => {
    await client.close();
    await redis.stop();
  });
  beforeEach(async () => {
    await client.redis.flushall();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const start = async (env: Record<string, string> = {}) => {
    app = await startCloserApp({ REDIS_URL: redis.url, ...env });
    return app;
  };
  const eventsOfType = async (type: 'opened' | 'closed') => (await client.events()).filter((e) => e.type === type);
  const signalEntry = (signal_id: string, signal: NewSignal): SignalEntry => ({ kind: 'signal', signal_id, signal });
  /** Every `market` entry handled: each shard's cursor is at the stream's newest entry. */
  const caughtUp = () => shardedReadCaughtUp(client.redis, STREAMS.market, `${KEYS.closerShards}:cursor`, MARKET_SHARDS);
  const lastMarketId = () => lastStreamId(client.redis, STREAMS.market);
  const btcShard = shardOf('BTCUSDT', MARKET_SHARDS);
  /**
   * Another replica's hold on BTCUSDT's shard (until `ttlMs`), its cursor at `after` (the last
   * BTCUSDT entry it handled): the closers started here wait for the lease.
   */
  const otherReplicaHoldsBtc = async (after: string, ttlMs: number) => {
    await client.redis.set(`${KEYS.closerShards}:lease:${btcShard}`, 'other', 'PX', ttlMs);
    await client.redis.hset(`${KEYS.closerShards}:cursor`, String(btcShard), after);
    return { key: `${KEYS.closerShards}:lease:${btcShard}`, token: 'other' };
  };

  it('opens a BUY from a signal and closes it at take_profit when a later candle reaches the target', async () => {
    await start({ TAKER_FEE_BPS: '10', MAKER_FEE_BPS: '0', SLIPPAGE_TICKS: '2' });
    // The notifier's group on `positions` exists before the first event (STREAM_GROUPS).
    expect(((await client.redis.xinfo('GROUPS', STREAMS.positions)) as unknown[][]).map((g) => g[1])).toEqual(['notifier']);
    const base = makeSignal({ minute: 0 });
    const id = await client.signal({ ...base, metadata: { ...base.metadata, tick_size: 0.01, source: 'replay' } });
    await waitFor(async () => (await eventsOfType('opened')).length === 1, { what: 'opened event' });
    expect(await client.redis.sismember(KEYS.openPositions, id)).toBe(1);

    await client.candle(makeCandle(0, 110, 90, 100)); // the signal's own candle: before the entry, ignored
    await client.candle(makeCandle(1, 103, 99, 102)); // inside the levels
    await client.candle(makeCandle(2, 104.5, 101, 104)); // reaches 104
    const [closed] = await waitFor(async () => {
      const c = await client.closedEvents();
      return c.length ? c : null;
    }, { what: 'closed event' });

    expect(closed).toMatchObject({
      position_id: id,
      signal_id: id,
      symbol: 'BTCUSDT',
      direction: 'BUY',
      reason: 'take_profit',
      exit_price: 104,
      pnl_pct: 4, // (104 − 100) / 100
      pnl_leveraged_pct: 40, // × 10
      r_multiple: 2, // 4 / |100 − 98|
      quantity: 10, // 1000 USDT / 100
      strategies: ['ema_cross'],
      // The opening signal's provenance: Telegram marks this result as not live.
      source: 'replay',
    });
    expect(closed.hold_seconds).toBeGreaterThanOrEqual(0);
    // After the costs set for this closer: taker 10 bps in, maker 0 out, 2 ticks of 0.01 on the
    // market entry: fill 100.02, fee 0.10002 per unit → (104 − 100.02 − 0.10002) / 2 = 1.93999 R
    expect(closed).toMatchObject({ net_r_multiple: 1.93999, fees_quote: 1.0002, slippage_quote: 0.2 });
    expect(await client.redis.scard(KEYS.openPositions)).toBe(0);
    expect(await client.redis.hget(KEYS.openBySymbol, 'BTCUSDT')).toBeNull();
    expect(JSON.parse((await client.redis.hget(KEYS.positions, id))!)).toMatchObject({ type: 'closed', reason: 'take_profit' });
    // The exchange-side orders close TP/SL exits: no instruction for ATAS.
    expect(await client.closeRequests()).toEqual([]);
  });

  it('closes a SELL at stop_loss for −1 R', async () => {
    await start();
    await client.signal(makeSignal({ direction: 'SELL', minute: 0 }));
    await waitFor(async () => (await eventsOfType('opened')).length === 1, { what: 'opened event' });
    await client.candle(makeCandle(1, 102.5, 99, 102));
    const [closed] = await waitFor(async () => {
      const c = await client.closedEvents();
      return c.length ? c : null;
    }, { what: 'closed event' });
    expect(closed).toMatchObject({ reason: 'stop_loss', exit_price: 102, pnl_pct: -2, pnl_leveraged_pct: -20, r_multiple: -1 });
  });

  it('takes the stop when one candle touches both the stop and the target', async () => {
    await start();
    await client.signal(makeSignal({ minute: 0 }));
    await waitFor(async () => (await eventsOfType('opened')).length === 1, { what: 'opened event' });
    await client.candle(makeCandle(1, 105, 97, 101)); // high ≥ 104 and low ≤ 98
    const [closed] = await waitFor(async () => {
      const c = await client.closedEvents();
      return c.length ? c : null;
    }, { what: 'closed event' });
    expect(closed).toMatchObject({ reason: 'stop_loss', exit_price: 98, r_multiple: -1 });
  });

  it('an opposite signal closes the open position at its entry, asks ATAS to flatten, then opens the new one', async () => {
    await start();
    const buyId = await client.signal(makeSignal({ minute: 0 }));
    await waitFor(async () => (await eventsOfType('opened')).length === 1, { what: 'BUY opened' });
    const sellId = await client.signal(makeSignal({ direction: 'SELL', entry_price: 101, stop_loss: 103, take_profit: 97, minute: 3 }));
    await waitFor(async () => (await eventsOfType('opened')).length === 2, { what: 'SELL opened' });

    const events = await client.events();
    expect(events.map((e) => [e.type, e.position_id])).toEqual([
      ['opened', buyId],
      ['closed', buyId],
      ['opened', sellId],
    ]);
    // BUY 100 → 101: +1 %, +0.5 R
    expect(events[1]).toMatchObject({ reason: 'opposite_signal', exit_price: 101, pnl_pct: 1, r_multiple: 0.5 });
    const requests = await client.closeRequests();
    expect(requests).toEqual([
      expect.objectContaining({ position_id: buyId, symbol: 'BTCUSDT', direction: 'BUY', reason: 'opposite_signal' }),
    ]);
    expect(await client.redis.hget(KEYS.openBySymbol, 'BTCUSDT')).toBe(sellId);
  });

  it('ignores a same-direction signal while a position is open, and a signal older than the open one', async () => {
    const a = await start();
    const sameBefore = await counterValue('positions_signals_ignored_total', { reason: 'same_direction' });
    const staleBefore = await counterValue('positions_signals_ignored_total', { reason: 'stale' });
    const first = await client.signal(makeSignal({ minute: 0 }));
    await waitFor(async () => (await eventsOfType('opened')).length === 1, { what: 'first opened' });
    await client.signal(makeSignal({ minute: 1, entry_price: 101, stop_loss: 99, take_profit: 105 }));
    await waitFor(caughtUp, { what: 'second signal handled' });
    // A late entry older than the open position (an entry claimed from a dead replica late).
    await a.get(MarketConsumer).handle({ id: '2-0', payload: signalEntry('1-0', makeSignal({ direction: 'SELL', minute: -5 })) });

    expect((await client.events()).map((e) => [e.type, e.position_id])).toEqual([['opened', first]]);
    expect(await counterValue('positions_signals_ignored_total', { reason: 'same_direction' })).toBe(sameBefore + 1);
    expect(await counterValue('positions_signals_ignored_total', { reason: 'stale' })).toBe(staleBefore + 1);
  });

  it('a signal delivered twice opens one position: the same entry handled twice at once, and the same payload added twice', async () => {
    const a = await start();
    const consumer = a.get(MarketConsumer);
    const payload = makeSignal({ minute: 0 });
    const entry = { id: '1746532860000-1', payload: signalEntry('1746532860000-0', payload) };
    // Two replicas racing on one redelivered entry.
    await Promise.all([consumer.handle(entry), consumer.handle(entry)]);
    await consumer.handle(entry);
    // The producer retrying its write: two entries, one open position.
    await client.signal(payload);
    await client.signal(payload);
    await waitFor(async () => (await client.redis.xlen(STREAMS.market)) === 2 && (await caughtUp()), { what: 'both entries handled' });

    const opened = await eventsOfType('opened');
    expect(opened.map((e) => e.position_id)).toEqual(['1746532860000-0']);
    expect(await client.redis.scard(KEYS.openPositions)).toBe(1);
    const queue = new Queue(QUEUES.maxHold, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: BULLMQ_PREFIX });
    try {
      expect(await queue.getJobCountByTypes('delayed')).toBe(1);
    } finally {
      await queue.close();
      await (await queue.client).quit();
    }
  });

  it('skips and counts malformed signal and candle entries, and keeps working', async () => {
    await start();
    const marketBefore = await counterValue('stream_malformed_entries_total', { stream: 'market', reader: 'position-closer' });
    await client.redis.xadd(STREAMS.market, '*', 'data', '{"kind":"signal","signal_id":"1-0","signal":{"symbol":"BTCUSDT"}}');
    await client.redis.xadd(STREAMS.market, '*', 'data', 'not json');
    await client.redis.xadd(STREAMS.market, '*', 'data', '{"symbol":"BTCUSDT","high":-1}');
    const id = await client.signal(makeSignal({ minute: 0 }));
    await client.candle(makeCandle(1, 104, 99, 104));
    await waitFor(async () => (await client.closedEvents()).length === 1, { what: 'valid signal closed' });
    expect((await client.closedEvents())[0]).toMatchObject({ position_id: id, reason: 'take_profit' });
    // Two bad signals and one bad candle, all on `market` now.
    expect(await counterValue('stream_malformed_entries_total', { stream: 'market', reader: 'position-closer' })).toBe(marketBefore + 3);
  });

  it('judges a backlog written while no closer ran in order: the signal opens, the later candles close it', async () => {
    // A backlog (a replay at full speed): the signal, then its target reached at minute 2. The
    // closer creates its group at the start of the stream, so it reads all of it.
    const id = await client.signal(makeSignal({ minute: 0 }));
    await client.candle(makeCandle(1, 103, 99, 102));
    await client.candle(makeCandle(2, 104.2, 101, 104));
    await start();
    await waitFor(async () => (await client.closedEvents()).length === 1, { what: 'closed from the backlog' });
    expect((await client.closedEvents())[0]).toMatchObject({ position_id: id, reason: 'take_profit', exit_price: 104 });
  });

  it('a stop touched before the reversing signal wins over the reversal, even when both wait in a backlog', async () => {
    const a = await start();
    const buy = await client.signal(makeSignal({ minute: 0 }));
    await waitFor(async () => (await eventsOfType('opened')).length === 1, { what: 'BUY opened' });
    await a.close(); // the closer falls behind
    await client.candle(makeCandle(1, 100.5, 97.5, 98.5)); // touches the stop at 98
    await client.candle(makeCandle(2, 99, 96, 97)); // the SELL signal's candle
    const sell = await client.signal(makeSignal({ direction: 'SELL', entry_price: 97, stop_loss: 99, take_profit: 93, minute: 2 }));
    await start();
    await waitFor(async () => (await eventsOfType('opened')).length === 2, { what: 'SELL opened' });
    expect((await client.closedEvents()).map((e) => [e.position_id, e.reason, e.exit_price])).toEqual([[buy, 'stop_loss', 98]]);
    expect(await client.closeRequests()).toEqual([]); // ATAS's own stop order did it
    expect(await client.redis.hget(KEYS.openBySymbol, 'BTCUSDT')).toBe(sell);
  });

  it('in a backlog, a stop touched before a same-direction signal closes the open position, then the signal opens', async () => {
    const a = await start();
    const first = await client.signal(makeSignal({ minute: 0 }));
    await waitFor(async () => (await eventsOfType('opened')).length === 1, { what: 'first BUY opened' });
    await a.close();
    await client.candle(makeCandle(1, 100.5, 97.5, 98.5)); // stop at 98
    const second = await client.signal(makeSignal({ minute: 2, entry_price: 99, stop_loss: 97, take_profit: 103 }));
    await start();
    await waitFor(async () => (await eventsOfType('opened')).length === 2, { what: 'second BUY opened' });
    expect((await client.closedEvents()).map((e) => [e.position_id, e.reason])).toEqual([[first, 'stop_loss']]);
    expect(await client.redis.hget(KEYS.openBySymbol, 'BTCUSDT')).toBe(second);
  });

  it('judges a candle only after the signals written before it are handled, by whichever replica holds them', async () => {
    const a = await start();
    const buy = await client.signal(makeSignal({ minute: 0 }));
    await waitFor(async () => (await eventsOfType('opened')).length === 1, { what: 'BUY opened' });
    await a.close();
    const buyEntry = await lastMarketId();
    const sell = await client.signal(makeSignal({ direction: 'SELL', entry_price: 101, stop_loss: 105, take_profit: 97, minute: 1 }));
    const sellEntry = await lastMarketId();
    // Another replica holds BTCUSDT's shard and is still working on the SELL signal.
    const fence = await otherReplicaHoldsBtc(buyEntry, 60_000);
    const candleId = await client.candle(makeCandle(2, 104.5, 100, 104)); // would hit the BUY's target
    const b = await start();
    const reader = () => b.get(MarketConsumer).describe() as { shards: number[]; position: string | null };
    await waitFor(() => reader().position === candleId && reader().shards.length === MARKET_SHARDS - 1, { what: 'candle read' });
    expect(await client.redis.sismember(KEYS.openPositions, buy)).toBe(1); // held back, not judged
    expect(reader().shards).not.toContain(btcShard);

    // The other replica finishes the SELL now, records it and leaves.
    const [[, fields]] = (await client.redis.xrange(STREAMS.market, sellEntry, sellEntry)) as [string, string[]][];
    const entry = decodeEntry(MarketEntrySchema, sellEntry, fields);
    expect(entry).toMatchObject({ kind: 'signal', signal_id: sell });
    await b.get(MarketConsumer).handle({ id: sellEntry, payload: entry }, fence);
    await client.redis.hset(`${KEYS.closerShards}:cursor`, String(btcShard), sellEntry);
    await client.redis.del(fence.key);

    // The reversal came first: the BUY closes by the signal; the candle then judges the SELL (no touch).
    await waitFor(caughtUp, { what: 'candle judged' });
    expect((await client.closedEvents()).map((e) => [e.position_id, e.reason, e.exit_price])).toEqual([[buy, 'opposite_signal', 101]]);
    expect(await client.redis.sismember(KEYS.openPositions, sell)).toBe(1);
  });

  it('the entries of a symbol whose replica died wait for its lease, then the one in flight is handled first; other symbols do not wait', async () => {
    const a = await start();
    const buy = await client.signal(makeSignal({ minute: 0 }));
    await waitFor(async () => (await eventsOfType('opened')).length === 1, { what: 'BUY opened' });
    await a.close();
    // A replica held BTCUSDT's shard and died handling the SELL: its lease runs out in 3 s.
    await otherReplicaHoldsBtc(await lastMarketId(), 3000);
    const sell = await client.signal(makeSignal({ direction: 'SELL', entry_price: 101, stop_loss: 105, take_profit: 97, minute: 1 }));
    await client.candle(makeCandle(2, 104.5, 100, 104)); // would hit the BUY's target
    const eth = await client.signal(makeSignal({ symbol: 'ETHUSDT', minute: 2 }));
    await start();
    await waitFor(async () => (await eventsOfType('opened')).length === 2, { what: 'ETH opened' });
    expect(await client.redis.sismember(KEYS.openPositions, buy)).toBe(1); // BTCUSDT still waits
    await waitFor(async () => (await client.closedEvents()).length === 1, { what: 'judged after the lease', timeoutMs: 15_000 });
    expect((await client.closedEvents())[0]).toMatchObject({ position_id: buy, reason: 'opposite_signal' });
    // The dead replica's signal was handled before the later candle, which then spared the SELL.
    await waitFor(caughtUp, { what: 'caught up' });
    expect((await client.events()).map((e) => [e.type, e.position_id])).toEqual([
      ['opened', buy],
      ['opened', eth],
      ['closed', buy],
      ['opened', sell],
    ]);
  });

  it('closes at max hold with the last candle close and a close request; a position closed earlier is left alone', async () => {
    await start({ MAX_HOLD_MINUTES: '0.01' }); // 600 ms
    await client.candle(makeCandle(0, 100.5, 99.5, 100.2));
    await client.candle(makeCandle(1, 101, 99.5, 100.8)); // inside the levels: last close 100.8
    await waitFor(async () => (await client.redis.hget(KEYS.lastPrice, 'BTCUSDT'))?.includes('"price":100.8'), { what: 'last price' });
    const id = await client.signal(makeSignal({ minute: 0 }));
    const [closed] = await waitFor(async () => {
      const c = await client.closedEvents();
      return c.length ? c : null;
    }, { what: 'max-hold close' });
    // 100 → 100.8: +0.8 %, +0.4 R
    expect(closed).toMatchObject({ position_id: id, reason: 'max_hold', exit_price: 100.8, pnl_pct: 0.8, r_multiple: 0.4 });
    expect(closed.hold_seconds).toBeGreaterThanOrEqual(0.6);
    expect(await client.closeRequests()).toEqual([expect.objectContaining({ position_id: id, reason: 'max_hold' })]);

    // A late max-hold job for a position that is already closed changes nothing.
    const queue = new Queue(QUEUES.maxHold, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: BULLMQ_PREFIX });
    try {
      const job = await queue.add('max-hold', { position_id: id }, { jobId: `late-${id}` });
      const done: Job = await waitFor(async () => ((await job.getState()) === 'completed' ? await queue.getJob(job.id!) : null), { what: 'late job done' });
      expect(done.returnvalue).toEqual({ closed: false });
    } finally {
      await queue.close();
      await (await queue.client).quit();
    }
    expect(await client.closedEvents()).toHaveLength(1);
  });

  it('closes on a manual-close job at the last price with reason manual', async () => {
    await start();
    const id = await client.signal(makeSignal({ direction: 'SELL', minute: 0 }));
    await waitFor(async () => (await eventsOfType('opened')).length === 1, { what: 'opened' });
    await client.candle(makeCandle(1, 100.5, 98.5, 99)); // last close 99
    await waitFor(async () => (await client.redis.hget(KEYS.lastPrice, 'BTCUSDT'))?.includes('"price":99'), { what: 'last price' });
    const queue = new Queue(QUEUES.manualClose, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: BULLMQ_PREFIX });
    try {
      await queue.add('close', { request_id: 'r-1', position_id: id, requested_at: new Date().toISOString() }, { jobId: 'r-1' });
      await queue.add('close', { position_id: 42 }, { jobId: 'r-bad' }); // malformed: fails, no crash
      await waitFor(async () => (await client.closedEvents()).length === 1, { what: 'manual close' });
      await waitFor(async () => (await queue.getJobState('r-bad')) === 'failed', { what: 'malformed job failed' });
    } finally {
      await queue.close();
      await (await queue.client).quit();
    }
    // SELL 100 → 99: +1 %, +0.5 R
    expect((await client.closedEvents())[0]).toMatchObject({ position_id: id, reason: 'manual', exit_price: 99, pnl_pct: 1, r_multiple: 0.5 });
    expect(await client.closeRequests()).toEqual([expect.objectContaining({ position_id: id, reason: 'manual', direction: 'SELL' })]);
  });

  it('reports health and the position metrics', async () => {
    const a = await start();
    await client.signal(makeSignal({ minute: 0 }));
    await waitFor(async () => (await eventsOfType('opened')).length === 1, { what: 'opened' });
    const health = await waitFor(async () => {
      const res = await a.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/health' });
      return res.statusCode === 200 ? res.json() : null;
    }, { what: 'healthy', timeoutMs: 10_000 });
    expect(Object.keys(health.details).sort()).toEqual(['manual_close_worker', 'market_reader', 'max_hold_worker', 'redis']);
    expect(await scrape(a)).toMatch(/positions_open(\{[^}]*\})? 1\n/);
    await client.candle(makeCandle(1, 99, 97, 97.5));
    await waitFor(async () => (await client.closedEvents()).length === 1, { what: 'closed' });
    const metrics = await scrape(a);
    expect(metrics).toMatch(/positions_open(\{[^}]*\})? 0\n/);
    expect(metrics).toMatch(/positions_closed_total\{reason="stop_loss"[^}]*\} \d+/);
    expect(metrics).toMatch(/position_realised_r_bucket\{[^}]*reason="stop_loss"[^}]*\} [1-9]/);
  });
});

async function counterValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = metricsRegistry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const hit = values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return hit?.value ?? 0;
}

async function scrape(app: NestFastifyApplication): Promise<string> {
  const res = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/metrics' });
  return res.body;
}
