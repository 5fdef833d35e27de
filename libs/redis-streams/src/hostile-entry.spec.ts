import Redis from 'ioredis';
import { MarketEntrySchema, SignalSchema, type NewSignal } from '@app/contracts';
import { waitFor } from '@app/testing';
import { ConsumerGroupReader } from './consumer-group.reader';
import { groupInfo } from './group-lag';
import { shardedReadCaughtUp } from './shard-metrics';
import { ShardedStreamReader } from './sharded-stream.reader';
import { malformedEntries } from './stream-metrics';

const url = () => `${process.env.TEST_REDIS_URL}/3`;

const signal = (): NewSignal => ({
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
  metadata: { consensus_confidence: 75, strategies_agree: 4, risk_reward_ratio: 2.4, source: 'replay' },
});

/** The JSON of `signal()` with `metadata.extra` nested `depth` deep, built as text (no recursion). */
function deepSignalJson(depth: number): string {
  const json = JSON.stringify(signal());
  return json.replace('"source":"replay"', `"source":"replay","extra":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
}

async function malformedCount(stream: string, reader: string): Promise<number> {
  const { values } = await malformedEntries.get();
  return values.find((v) => v.labels.stream === stream && v.labels.reader === reader)?.value ?? 0;
}

/**
 * A schema-shaped entry whose free-form metadata is nested 20,000 deep, as the notifier (signals,
 * a consumer group) and the position-closer (market, sharded by symbol) read it: counted as
 * malformed and skipped alone, never handed to the handler (whose JSON.stringify would overflow
 * the stack), and the valid entry after it is handled.
 */
describe('stream readers and a hostile metadata entry', () => {
  let redis: Redis;
  const readers: { close(): Promise<void> }[] = [];
  let seq = 0;

  beforeAll(() => {
    redis = new Redis(url());
  });
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.close()));
  });
  afterAll(() => redis.disconnect());

  it.each([
    ['notifier: signals, consumer group', false],
    ['position-closer: market, sharded', true],
  ])('%s', async (_name, sharded) => {
    const stream = `hostile-${process.pid}-${++seq}`;
    const group = `g-${seq}`;
    const handled: string[] = [];
    // What the real handlers do first: serialise the payload (BullMQ job data, a position record).
    const handle = async ({ id, payload }: { id: string; payload: unknown }) => {
      JSON.stringify(payload);
      handled.push(id);
    };
    const common = { stream, schema: sharded ? MarketEntrySchema : SignalSchema, connection: new Redis(url()), handle };
    const reader = sharded
      ? new ShardedStreamReader<unknown>({ ...common, name: group, keyOf: () => 'ETHUSDT', shards: 4, keyPrefix: `hostile:${seq}`, consumer: 'c1', commands: redis, leaseMs: 1000 })
      : new ConsumerGroupReader<unknown>({ ...common, group, consumer: 'c1', blockMs: 100, claimIdleMs: 300, claimIntervalMs: 100, groupStartId: '0' });
    readers.push(reader);
    const wrap = (json: string) => (sharded ? `{"kind":"signal","signal_id":"1-0","signal":${json}}` : json);
    const badId = (await redis.xadd(stream, '*', 'data', wrap(deepSignalJson(20_000)))) as string;
    const goodId = (await redis.xadd(stream, '*', 'data', wrap(JSON.stringify(signal())))) as string;
    reader.start();

    await waitFor(() => handled.includes(goodId), { what: 'the valid entry handled' });
    expect(handled).toEqual([goodId]);
    expect(handled).not.toContain(badId);
    expect(await malformedCount(stream, group)).toBe(1);
    const caughtUp = sharded ? () => shardedReadCaughtUp(redis, stream, `hostile:${seq}:cursor`, 4) : async () => (await groupInfo(redis, stream))[0]?.pending === 0;
    await waitFor(caughtUp, { what: 'nothing left pending' });
    expect(await redis.xlen(`${stream}:dead`)).toBe(0);
  });
});
