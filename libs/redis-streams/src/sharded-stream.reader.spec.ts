import Redis from 'ioredis';
import { z } from 'zod';
import { encodeEntry } from '@app/contracts';
import { waitFor } from '@app/testing';
import { defineScripts, luaScript } from './define-scripts';
import { fenceCheckLua, type Fence } from './fence';
import { shardedReadCaughtUp } from './shard-metrics';
import { shardOf } from './shard-of';
import { ShardedStreamReader, type ShardedStreamReaderOptions } from './sharded-stream.reader';
import { malformedEntries } from './stream-metrics';

const Item = z.object({ key: z.string(), n: z.number() });
type Item = z.infer<typeof Item>;
const url = () => `${process.env.TEST_REDIS_URL}/3`;
const SHARDS = 4;
const LEASE_MS = 600;

/** KEYS: the list, the fence's lease. ARGV: the value, the fence token. RPUSH under the fence. */
const FENCED_PUSH = `${fenceCheckLua(2, 2)}return redis.call('RPUSH', KEYS[1], ARGV[1])`;

describe('ShardedStreamReader', () => {
  let redis: Redis;
  let push: (list: string, value: string, fence: Fence) => Promise<number>;
  const readers: ShardedStreamReader<Item>[] = [];
  const extra: Redis[] = [];
  let stream: string;
  let prefix: string;
  let seq = 0;

  beforeAll(() => {
    redis = new Redis(url());
    const scripts = defineScripts(redis, { testFencedPush: luaScript<number>(FENCED_PUSH, 2) });
    push = (list, value, fence) => scripts.testFencedPush(list, fence.key, value, fence.token);
  });
  beforeEach(() => {
    stream = `sharded-${process.pid}-${++seq}`;
    prefix = `sharded-test:${process.pid}:${seq}`;
  });
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.close()));
    extra.splice(0).forEach((c) => c.disconnect());
  });
  afterAll(() => redis.disconnect());

  function reader(name: string, handle: (item: Item, id: string, fence: Fence) => Promise<void>, over: Partial<ShardedStreamReaderOptions<Item>> = {}) {
    const commands = new Redis(url());
    extra.push(commands);
    const r = new ShardedStreamReader<Item>({
      stream,
      name: 'test',
      schema: Item,
      keyOf: (item) => item.key,
      shards: SHARDS,
      keyPrefix: prefix,
      consumer: name,
      connection: new Redis(url()),
      commands,
      leaseMs: LEASE_MS,
      blockMs: 100,
      handle: ({ id, payload }, fence) => handle(payload, id, fence),
      ...over,
    });
    readers.push(r);
    r.start();
    return r;
  }

  const add = (key: string, n: number) => redis.xadd(stream, '*', ...encodeEntry({ key, n })) as Promise<string>;
  const held = (r: ShardedStreamReader<Item>) => (r.describe().shards as number[]).length;
  const caughtUp = () => shardedReadCaughtUp(redis, stream, `${prefix}:cursor`, SHARDS);
  // Keys on every shard: k0 and k1 on different shards at least.
  const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'];

  it('two readers split the shards: every entry handled once, each key in stream order; a failing entry holds its key back', async () => {
    const order = new Map<string, number[]>();
    const by = { a: 0, b: 0 };
    let failures = 0;
    const handle = (who: 'a' | 'b') => async ({ key, n }: Item) => {
      if (key === 'k1' && n === 7 && failures++ < 2) throw new Error('blip');
      await new Promise((r) => setImmediate(r));
      order.set(key, [...(order.get(key) ?? []), n]);
      by[who]++;
    };
    const a = reader('a', handle('a'), { count: 3 });
    const b = reader('b', handle('b'), { count: 3 });
    await waitFor(() => held(a) + held(b) === SHARDS && held(a) > 0 && held(b) > 0, { what: 'shards split' });
    for (let n = 0; n < 30; n++) for (const key of keys) await add(key, n);
    await waitFor(() => [...order.values()].reduce((s, l) => s + l.length, 0) === 240, { what: '240 handled' });
    for (const key of keys) expect(order.get(key)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(failures).toBe(3);
    expect(by.a).toBeGreaterThan(0);
    expect(by.b).toBeGreaterThan(0);
    await waitFor(caughtUp, { what: 'every cursor at the tip' });
  });

  it('a frozen holder loses its shard after the lease: the successor handles the entry in flight first, and the late write is fenced', async () => {
    const log = `${stream}:log`;
    let release!: () => void;
    const frozen = new Promise<void>((r) => (release = r));
    const lateWrites: string[] = [];
    const a = reader('a', async ({ key, n }, _id, fence) => {
      if (n === 2) {
        await frozen;
        await push(log, `a:${key}:${n}`, fence).then(
          () => lateWrites.push('applied'),
          (err: Error) => lateWrites.push(err.message.split(' ')[0]),
        );
        return;
      }
      await push(log, `${key}:${n}`, fence);
    });
    await waitFor(() => held(a) === SHARDS, { what: 'a holds every shard' });
    for (let n = 0; n < 5; n++) await add('k0', n);
    await waitFor(async () => (await redis.llen(log)) === 2, { what: 'a handled 0 and 1, then froze on 2' });
    // a stops renewing (its Redis connection is cut), as a frozen or partitioned process would.
    (readers[0] as unknown as { o: { commands: Redis } }).o.commands.disconnect();
    const b = reader('b', async ({ key, n }, _id, fence) => void (await push(log, `${key}:${n}`, fence)));
    await waitFor(async () => (await redis.llen(log)) === 5, { what: 'b took over k0', timeoutMs: 10 * LEASE_MS });
    expect(held(b)).toBe(SHARDS);
    release();
    await waitFor(() => lateWrites.length === 1, { what: "a's late write" });
    expect(lateWrites).toEqual(['FENCED']);
    expect(await redis.lrange(log, 0, -1)).toEqual(['k0:0', 'k0:1', 'k0:2', 'k0:3', 'k0:4']);
  });

  it('close() hands the shards over at once, without waiting for the lease', async () => {
    const seen: number[] = [];
    const a = reader('a', async ({ n }) => void seen.push(n), { leaseMs: 60_000 });
    await waitFor(() => held(a) === SHARDS, { what: 'a holds every shard' });
    await add('k0', 1);
    await waitFor(() => seen.length === 1, { what: 'a handled 1' });
    const b = reader('b', async ({ n }) => void seen.push(n), { leaseMs: 60_000 });
    await readers.shift()!.close();
    await waitFor(() => held(b) === SHARDS, { what: 'b holds every shard', timeoutMs: 5000 });
    await add('k0', 2);
    await waitFor(() => seen.length === 2, { what: 'b handled 2' });
    expect(seen).toEqual([1, 2]);
  });

  it('dead-letters an entry that keeps failing and moves its shard on', async () => {
    const ok: number[] = [];
    reader('a', async ({ n }) => {
      if (n === 13) throw new Error('poison');
      ok.push(n);
    }, { maxDeliveries: 2 });
    await add('k0', 13);
    await add('k0', 14);
    await waitFor(async () => (await redis.xlen(`${stream}:dead`)) === 1, { what: 'dead letter', timeoutMs: 8000 });
    await waitFor(() => ok.length === 1, { what: '14 handled' });
    expect(ok).toEqual([14]);
    const [[, fields]] = (await redis.xrange(`${stream}:dead`, '-', '+')) as [string, string[]][];
    expect(fields).toEqual(expect.arrayContaining(['source_id', 'group', 'test']));
  });

  it('counts a malformed entry once, on the holder of shard 0, and skips it', async () => {
    const before = (await malformedEntries.get()).values.find((v) => v.labels.stream === stream)?.value ?? 0;
    const ok: number[] = [];
    const a = reader('a', async ({ n }) => void ok.push(n));
    const b = reader('b', async ({ n }) => void ok.push(n));
    await waitFor(() => held(a) + held(b) === SHARDS, { what: 'shards split' });
    await redis.xadd(stream, '*', 'data', '[]');
    await add('k0', 5);
    await waitFor(() => ok.length === 1, { what: 'the valid entry handled' });
    await waitFor(caughtUp, { what: 'caught up' });
    expect(ok).toEqual([5]);
    expect((await malformedEntries.get()).values.find((v) => v.labels.stream === stream)?.value).toBe(before + 1);
  });

  it('maps a key to a shard the same way everywhere', () => {
    expect(shardOf('BTCUSDT', 16)).toBe(3);
    expect(shardOf('ETHUSDT', 16)).toBe(12);
    expect(new Set(keys.map((k) => shardOf(k, SHARDS))).size).toBeGreaterThan(1);
  });
});
