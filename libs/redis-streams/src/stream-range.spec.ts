import Redis from 'ioredis';
import { z } from 'zod';
import { encodeEntry, SignalSchema } from '@app/contracts';
import { lastStreamId, readRange, readTail } from './stream-range';
import type { DecodedEntry } from './stream-entry';
import { malformedEntries } from './stream-metrics';

const url = () => `${process.env.TEST_REDIS_URL}/4`;
const Item = z.object({ n: z.number() });

async function malformedCount(stream: string, reader: string): Promise<number> {
  const { values } = await malformedEntries.get();
  return values.find((v) => v.labels.stream === stream && v.labels.reader === reader)?.value ?? 0;
}

async function collect<T>(range: AsyncIterable<DecodedEntry<T>>): Promise<DecodedEntry<T>[]> {
  const out: DecodedEntry<T>[] = [];
  for await (const e of range) out.push(e);
  return out;
}

/** The range reads every rebuild and catch-up goes through, against a real Redis. */
describe('readRange / readTail / lastStreamId', () => {
  let redis: Redis;
  let seq = 0;
  let stream: string;
  /** Stream ids of items 0..n-1, with one malformed entry (`bad`) in the middle at index 5. */
  let ids: string[];
  let bad: string;

  beforeAll(() => {
    redis = new Redis(url());
  });
  afterAll(() => redis.disconnect());

  beforeEach(async () => {
    stream = `range-${process.pid}-${++seq}`;
    ids = [];
    for (let n = 0; n < 12; n++) {
      if (n === 5) bad = (await redis.xadd(stream, '*', 'data', '{"n":"five"}')) as string;
      ids.push((await redis.xadd(stream, '*', ...encodeEntry({ n }))) as string);
    }
  });

  it('reads the whole stream oldest first across pages, skipping and counting the malformed entry alone', async () => {
    const got = await collect(readRange(redis, { stream, schema: Item, reader: 'spec', pageSize: 4 }));
    expect(got.map((e) => e.payload.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(got.map((e) => e.id)).toEqual(ids);
    expect(await malformedCount(stream, 'spec')).toBe(1);
  });

  it('after is exclusive, from inclusive, until inclusive', async () => {
    const after = await collect(readRange(redis, { stream, schema: Item, reader: 'spec', after: ids[2], until: ids[7], pageSize: 2 }));
    expect(after.map((e) => e.payload.n)).toEqual([3, 4, 5, 6, 7]);
    const from = await collect(readRange(redis, { stream, schema: Item, reader: 'spec', from: ids[9] }));
    expect(from.map((e) => e.payload.n)).toEqual([9, 10, 11]);
    expect(await collect(readRange(redis, { stream, schema: Item, reader: 'spec', after: ids[11] }))).toEqual([]);
  });

  it('an absent stream reads as empty, and its last id is 0-0', async () => {
    expect(await collect(readRange(redis, { stream: `${stream}-none`, schema: Item, reader: 'spec' }))).toEqual([]);
    expect(await readTail(redis, { stream: `${stream}-none`, schema: Item, reader: 'spec', count: 5 })).toEqual([]);
    expect(await lastStreamId(redis, `${stream}-none`)).toBe('0-0');
    expect(await lastStreamId(redis, stream)).toBe(ids[11]);
  });

  it('readTail: the newest `count` entries (the malformed one takes its place in the window), oldest first', async () => {
    // Newest 8 raw entries: items 5..11 and the bad one before item 5.
    const got = await readTail(redis, { stream, schema: Item, reader: 'spec-tail', count: 8, pageSize: 3 });
    expect(got.map((e) => e.payload.n)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(await malformedCount(stream, 'spec-tail')).toBe(1);
    const upTo = await readTail(redis, { stream, schema: Item, reader: 'spec-tail', count: 3, until: ids[4] });
    expect(upTo.map((e) => e.payload.n)).toEqual([2, 3, 4]);
    const more = await readTail(redis, { stream, schema: Item, reader: 'spec-tail', count: 100, pageSize: 5 });
    expect(more).toHaveLength(12);
    expect(bad).toMatch(/^\d+-\d+$/);
  });

  it('a schema-shaped entry with metadata nested 20,000 deep is counted and skipped, the next one read', async () => {
    const s = `${stream}-deep`;
    const signal = {
      timestamp: '2026-11-29T10:30:45.123456',
      symbol: 'ETHUSDT',
      direction: 'BUY',
      entry_price: 3500,
      stop_loss: 3482.5,
      take_profit: 3542,
      leverage: 20,
      signal_strength: 85.5,
      timeframe: '1m',
      strategy_name: 'HighFrequencyScalping',
      metadata: { consensus_confidence: 75, strategies_agree: 4, risk_reward_ratio: 2.4 },
    };
    const deep = JSON.stringify(signal).replace('"risk_reward_ratio":2.4', `"risk_reward_ratio":2.4,"extra":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`);
    await redis.xadd(s, '*', 'data', deep);
    const good = (await redis.xadd(s, '*', ...encodeEntry(signal))) as string;
    const got = await collect(readRange(redis, { stream: s, schema: SignalSchema, reader: 'spec-deep' }));
    expect(got.map((e) => e.id)).toEqual([good]);
    expect(await malformedCount(s, 'spec-deep')).toBe(1);
  });
});
