import Redis from 'ioredis';
import { z } from 'zod';
import { encodeEntry } from '@app/contracts';
import { waitFor } from '@app/testing';
import { ConsumerGroupReader } from './consumer-group.reader';
import { groupInfo } from './group-lag';

const Item = z.object({ n: z.number() });
type Item = z.infer<typeof Item>;
const url = () => `${process.env.TEST_REDIS_URL}/3`;

describe('ConsumerGroupReader', () => {
  let redis: Redis;
  const readers: ConsumerGroupReader<Item>[] = [];
  let stream: string;
  let seq = 0;

  beforeAll(() => {
    redis = new Redis(url());
  });
  beforeEach(() => {
    stream = `cg-${process.pid}-${++seq}`;
  });
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.close()));
  });
  afterAll(() => redis.disconnect());

  function consumer(name: string, handle: (n: number) => Promise<void>, extra: Partial<ConstructorParameters<typeof ConsumerGroupReader<Item>>[0]> = {}) {
    const r = new ConsumerGroupReader<Item>({
      stream,
      group: 'g',
      consumer: name,
      schema: Item,
      connection: new Redis(url()),
      blockMs: 100,
      claimIdleMs: 300,
      claimIntervalMs: 100,
      groupStartId: '0',
      handle: ({ payload }) => handle(payload.n),
      ...extra,
    });
    readers.push(r);
    r.start();
    return r;
  }

  const add = (n: number) => redis.xadd(stream, '*', ...encodeEntry({ n }));

  it('two consumers split the work; every entry handled once and acknowledged', async () => {
    const seen: Record<string, number[]> = { a: [], b: [] };
    consumer('a', async (n) => void seen.a.push(n));
    consumer('b', async (n) => void seen.b.push(n));
    for (let n = 0; n < 200; n++) await add(n);
    await waitFor(() => seen.a.length + seen.b.length === 200, { what: '200 handled' });
    const all = [...seen.a, ...seen.b].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 200 }, (_, i) => i));
    await waitFor(async () => (await groupInfo(redis, stream))[0].pending === 0, { what: 'all acked' });
  });

  it('a failed handler leaves the entry pending and it is retried', async () => {
    let failures = 0;
    const done: number[] = [];
    consumer('a', async (n) => {
      if (n === 1 && failures < 2) {
        failures++;
        throw new Error('transient');
      }
      done.push(n);
    });
    await add(0);
    await add(1);
    await add(2);
    await waitFor(() => done.includes(1), { what: 'entry 1 retried', timeoutMs: 5000 });
    expect(failures).toBe(2);
    expect(done.filter((n) => n === 1)).toHaveLength(1);
  });

  it('re-reads its own pending entries on restart before new ones', async () => {
    await redis.xgroup('CREATE', stream, 'g', '0', 'MKSTREAM');
    await add(1);
    await add(2);
    // A previous run of consumer "a" received both and died before acknowledging.
    await redis.xreadgroup('GROUP', 'g', 'a', 'COUNT', 10, 'STREAMS', stream, '>');
    await add(3);
    const order: number[] = [];
    consumer('a', async (n) => void order.push(n), { claimIdleMs: 60_000 });
    await waitFor(() => order.length === 3, { what: 'three entries' });
    expect(order).toEqual([1, 2, 3]);
  });

  it("claims a dead consumer's idle entries", async () => {
    await redis.xgroup('CREATE', stream, 'g', '0', 'MKSTREAM');
    await add(7);
    await redis.xreadgroup('GROUP', 'g', 'dead', 'COUNT', 10, 'STREAMS', stream, '>');
    const got: number[] = [];
    consumer('alive', async (n) => void got.push(n));
    await waitFor(() => got.includes(7), { what: 'claimed entry', timeoutMs: 5000 });
    await waitFor(async () => (await groupInfo(redis, stream))[0].pending === 0, { what: 'acked' });
  });

  it('dead-letters a poison entry after maxDeliveries and keeps going', async () => {
    const ok: number[] = [];
    consumer(
      'a',
      async (n) => {
        if (n === 13) throw new Error('poison');
        ok.push(n);
      },
      { maxDeliveries: 2 },
    );
    await add(13);
    await add(14);
    await waitFor(async () => (await redis.xlen(`${stream}:dead`)) === 1, { what: 'dead letter', timeoutMs: 8000 });
    expect(ok).toEqual([14]);
    await waitFor(async () => (await groupInfo(redis, stream))[0].pending === 0, { what: 'poison acked' });
  });

  it('handleBatch: a read goes to the handler at once, in order, malformed ones skipped; a failure leaves the whole read pending and it is retried', async () => {
    await redis.xgroup('CREATE', stream, 'g', '0', 'MKSTREAM');
    for (let n = 0; n < 5; n++) await add(n);
    await redis.xadd(stream, '*', 'data', '[]');
    await add(5);
    const batches: number[][] = [];
    let failures = 0;
    consumer('a', () => Promise.resolve(), {
      handle: undefined,
      handleBatch: async (entries) => {
        if (failures < 1) {
          failures++;
          throw new Error('transient');
        }
        batches.push(entries.map((e) => e.payload.n));
      },
      // The failed read is taken back by the claim of idle entries.
      claimIdleMs: 200,
    });
    await waitFor(async () => batches.flat().length === 6 && (await groupInfo(redis, stream))[0].pending === 0, { what: 'retried and all acked', timeoutMs: 8000 });
    expect(failures).toBe(1);
    // The 6 well-formed entries, each once, in stream order (the claim hands them back one by one).
    expect(batches.flat()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('needs exactly one of handle and handleBatch', () => {
    const base = { stream, group: 'g', consumer: 'x', schema: Item, connection: redis };
    expect(() => new ConsumerGroupReader<Item>(base)).toThrow(/exactly one/);
    expect(() => new ConsumerGroupReader<Item>({ ...base, handle: async () => undefined, handleBatch: async () => undefined })).toThrow(/exactly one/);
  });

  it('acks and skips malformed entries', async () => {
    const ok: number[] = [];
    consumer('a', async (n) => void ok.push(n));
    await redis.xadd(stream, '*', 'data', '[]');
    await add(5);
    await waitFor(() => ok.length === 1);
    await waitFor(async () => (await groupInfo(redis, stream))[0].pending === 0, { what: 'malformed acked' });
    expect(ok).toEqual([5]);
  });
});
