import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Redis, { Cluster } from 'ioredis';
import type { z } from 'zod';
import { decodeEntry, HASH_TAGS, KEYS, MARKET_SHARDS, MarketEntrySchema, PositionEventSchema, SignalSchema, STREAMS, type PositionClosedEvent } from '@app/contracts';
import { shardedReadCaughtUp } from '@app/redis-streams';
import { replayPositions, runTsScript, startHealthyService, startRedisCluster, waitFor, type AppName, type ServiceProcess, type TestRedisCluster } from '@app/testing';
import { startFakeTelegram, type FakeTelegram } from '../../apps/notifier/test/fixtures/fake-telegram.server';
import { connectSse, type SseTestClient } from '../../apps/api-gateway/test/sse-test-client';

/**
 * The whole system on a Redis Cluster of three masters (redis-server processes on loopback, with
 * a password): signal-generator replaying `data/` at full speed, position-closer, api-gateway and
 * notifier (fake Telegram Bot API) as real processes, each given REDIS_CLUSTER_NODES. Every
 * script and MULTI must find its keys in one slot, or Redis refuses it (CROSSSLOT) and nothing
 * below arrives. Each signal reaches REST, SSE and Telegram exactly once, each position opens and
 * closes as an independent replay says, and an acknowledgement goes through.
 */
const APPS: AppName[] = ['signal-generator', 'position-closer', 'api-gateway', 'notifier'];
const ROOT = join(__dirname, '..', '..');
const missing = APPS.filter((a) => !existsSync(join(ROOT, 'dist', 'apps', a, 'src', 'main.js')));
const suite = missing.length ? describe.skip : describe;
const TOKEN = '7357735773:AAF-cluster_test_token_for_the_fake_api';
const CHAT = '4343';
const PASSWORD = 'cluster-test-secret';
/** Rows per file minus the generator's default warm-up (120 candles per symbol, not published). */
const CANDLES = 2 * (5760 - 120);
/** What /api/signals/history serves at most. */
const HISTORY = 500;

suite(`system on a 3-master Redis Cluster${missing.length ? ` (skipped: ${missing.join(', ')} not built; run npm run build)` : ''}`, () => {
  let cluster: TestRedisCluster;
  let client: Cluster;
  let tg: FakeTelegram;
  let gateway: string;
  let sse: SseTestClient | undefined;
  const procs: ServiceProcess[] = [];

  const start = (app: AppName, env: Record<string, string>, healthPath = '/health') =>
    startHealthyService(app, { REDIS_URL: cluster.url, REDIS_CLUSTER_NODES: cluster.nodeList, ...env }, { healthPath, timeoutMs: 30_000, what: `${app} healthy on the cluster`, onStart: (p) => procs.push(p) });

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, password: PASSWORD });
    client = new Cluster(
      cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
      { redisOptions: { password: PASSWORD } },
    );
    tg = await startFakeTelegram({ token: TOKEN });
    await start('position-closer', { CONSUMER_NAME: 'cluster-closer' });
    await start('notifier', {
      CONSUMER_NAME: 'cluster-notifier',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_URL: tg.url,
      TELEGRAM_CHAT_IDS: CHAT,
      TELEGRAM_CHAT_RATE_PER_SEC: '200',
      TELEGRAM_GLOBAL_RATE: '200',
    });
    gateway = await start('api-gateway', {}, '/api/health');
    sse = await connectSse(`${gateway}/api/signals/stream`);
  }, 90_000);

  afterAll(async () => {
    sse?.close();
    await Promise.all(procs.map((p) => p.kill()));
    await tg?.close();
    await client?.quit();
    await cluster?.stop();
  });

  it('signals reach REST, SSE, Telegram and positions exactly once; an acknowledgement goes through', async () => {
    // Keys of different tags live on different masters: a cross-slot script would be refused.
    const masters = new Set(await Promise.all(Object.values(HASH_TAGS).map(async (tag) => nodeOfSlot(cluster, Number(await client.cluster('KEYSLOT', tag))))));
    expect(masters.size).toBeGreaterThan(1);

    await start('signal-generator', { REPLAY_SPEED: 'max' });
    await waitFor(async () => (await client.xlen(STREAMS.market)) - (await client.xlen(STREAMS.signals)) === CANDLES, { timeoutMs: 120_000, intervalMs: 250, what: 'replay published' });
    const redis = client as unknown as Redis;
    await waitFor(() => shardedReadCaughtUp(redis, STREAMS.market, `${KEYS.closerShards}:cursor`, MARKET_SHARDS), { timeoutMs: 90_000, intervalMs: 100, what: 'closer caught up' });

    const signals = await entries(client, STREAMS.signals, SignalSchema);
    const ids = signals.map((s) => s.id);
    expect(signals.length).toBeGreaterThan(50);
    expect(new Set(signals.map((s) => s.payload.timestamp)).size).toBe(signals.length);

    // REST: the newest 500, newest first, each once, and marked as the replay they are.
    await waitFor(async () => (await get(`${gateway}/api/signals/history?limit=${HISTORY}`)).signals[0]?.id === ids[ids.length - 1], { timeoutMs: 30_000, what: 'REST history up to date' });
    const history = (await get(`${gateway}/api/signals/history?limit=${HISTORY}`)).signals as { id: string; metadata: { source: string } }[];
    expect(history.map((s) => s.id)).toEqual(ids.slice(-HISTORY).reverse());
    expect(new Set(history.map((s) => s.metadata.source))).toEqual(new Set(['replay']));

    // SSE: every signal, in stream order, once.
    await waitFor(() => sse!.signals().length >= ids.length, { timeoutMs: 30_000, what: 'every signal on SSE' });
    expect(sse!.signals().map((s) => s.id)).toEqual(ids);

    // Positions: as an independent replay of the same signals and candles says, each opened once.
    const candles = (await entries(client, STREAMS.market, MarketEntrySchema)).flatMap((e) => (e.payload.kind === 'candle' ? [e.payload] : []));
    const events = (await entries(client, STREAMS.positions, PositionEventSchema)).map((e) => e.payload);
    const closed = events.filter((e): e is PositionClosedEvent => e.type === 'closed');
    const expected = replayPositions(signals, candles);
    expect(events.filter((e) => e.type === 'opened').map((e) => e.position_id)).toEqual(expected.opened);
    expect(closed.map((e) => e.position_id).sort()).toEqual(expected.closed.map((c) => c.id).sort());
    expect((await client.smembers(KEYS.openPositions)).sort()).toEqual([...expected.open].sort());
    await waitFor(async () => (await get(`${gateway}/api/positions/history?limit=1000`)).total === closed.length, { timeoutMs: 30_000, what: 'gateway positions history' });

    // Telegram: each signal in exactly one message line (alone or in a digest), each close reported once.
    const lines = () => tg.messagesFor(CHAT).flatMap((m) => m.text.split('\n'));
    const signalLines = (ts: string) => lines().filter((l) => l.includes(`<code>${ts}</code>`) && !l.includes('signal <code>') && !l.includes(' closed · ')).length;
    const closeLines = (ts: string) => lines().filter((l) => l.includes(`<code>${ts}</code>`) && (l.includes('signal <code>') || l.includes(' closed · '))).length;
    await waitFor(() => signals.every((s) => signalLines(s.payload.timestamp) > 0) && closed.every((e) => closeLines(e.signal_timestamp) > 0), {
      timeoutMs: 90_000,
      intervalMs: 250,
      what: 'every signal and close on Telegram',
    });
    expect(signals.filter((s) => signalLines(s.payload.timestamp) !== 1).map((s) => s.id)).toEqual([]);
    expect(closed.filter((e) => closeLines(e.signal_timestamp) !== 1).map((e) => e.position_id)).toEqual([]);

    // Acknowledge (the ack hash and `signal-acks` are written in one script): stored, on SSE, idempotent.
    const last = signals[signals.length - 1];
    const ack = await post(`${gateway}/api/signals/acknowledge`, { timestamp: last.payload.timestamp });
    expect(ack).toMatchObject({ status: 'success', signal_id: last.id });
    expect(ack.already_acknowledged).toBeUndefined();
    expect(await client.hget(KEYS.acks, last.id)).toBe(ack.acknowledged_at);
    await waitFor(() => sse!.frames.some((f) => f.event === 'ack' && f.data?.includes(last.id)), { timeoutMs: 15_000, what: 'the ack on SSE' });
    expect(await post(`${gateway}/api/signals/acknowledge`, { id: last.id })).toMatchObject({ already_acknowledged: true, acknowledged_at: ack.acknowledged_at });
    expect((await get(`${gateway}/api/signals/history?limit=1`)).signals[0]).toMatchObject({ id: last.id, state: 'acknowledged' });
  }, 400_000);

  it('npm run signals:demo publishes to the cluster (REDIS_CLUSTER_NODES), marked demo, without printing the password', async () => {
    const before = Number(await client.xlen(STREAMS.signals));
    const demo = await runTsScript('scripts/signals-demo.ts', [], { REDIS_URL: cluster.url, REDIS_CLUSTER_NODES: cluster.nodeList });
    expect(demo.code).toBe(0);
    expect(demo.out).toContain(`at the Redis Cluster at ${cluster.nodeList}`);
    expect(demo.out).not.toContain(PASSWORD);
    const added = (await entries(client, STREAMS.signals, SignalSchema)).slice(before);
    expect(added.map((s) => s.payload.metadata.source)).toEqual(['demo', 'demo', 'demo']);
    await waitFor(async () => (await get(`${gateway}/api/signals/history?limit=3`)).signals[0]?.id === added[2].id, { timeoutMs: 15_000, what: 'demo signals on REST' });
    const served = (await get(`${gateway}/api/signals/history?limit=3`)).signals as { id: string; metadata: { source: string } }[];
    expect(served.map((s) => [s.id, s.metadata.source])).toEqual(added.reverse().map((s) => [s.id, 'demo']));

    // Unreachable nodes: a clear error at once, not an endless retry.
    const down = await runTsScript('scripts/signals-demo.ts', [], { REDIS_URL: cluster.url, REDIS_CLUSTER_NODES: '127.0.0.1:1' });
    expect(down.code).toBe(1);
    expect(down.out).toMatch(/^signals:demo failed: cannot reach Redis at the Redis Cluster at 127\.0\.0\.1:1: /m);
    expect(down.out).not.toContain(PASSWORD);
  }, 60_000);
});

/** The port of the master serving `slot`. */
async function nodeOfSlot(cluster: TestRedisCluster, slot: number): Promise<number> {
  const probe = new Redis(cluster.nodes[0].url);
  try {
    const ranges = await probe.cluster('SLOTS');
    return ranges.find(([from, to]) => slot >= from && slot <= to)![2][1];
  } finally {
    probe.disconnect();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
async function get(url: string): Promise<any> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.json();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
async function post(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json();
}

async function entries<S extends z.ZodType>(redis: Cluster, stream: string, schema: S): Promise<{ id: string; payload: z.output<S> }[]> {
  const rows = (await redis.xrange(stream, '-', '+')) as [string, string[]][];
  return rows.map(([id, fields]) => ({ id, payload: decodeEntry(schema, id, fields) }));
}
