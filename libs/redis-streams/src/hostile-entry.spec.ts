import Redis from 'ioredis';
import { MarketEntrySchema, SignalSchema, type NewSignal } from '@app/contracts';
import { waitFor } from '@app/testing';
import { ConsumerGroupReader } from './consumer-group.reader';
import { groupInfo } from './group-lag';
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
 * unordered) and the position-closer (market, ordered) groups read it: counted as malformed and
 * acknowledged alone, never handed to the handler (whose JSON.stringify would overflow the stack),
 * and the valid entry after it is handled.
 */
describe('consumer groups and a hostile metadata entry', () => {
  let redis: Redis;
  const readers: ConsumerGroupReader<unknown>[] = [];
  let seq = 0;

  beforeAll(() => {
    redis = new Redis(url());
  });
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.close()));
  });
  afterAll(() => redis.disconnect());

  it.each([
    ['notifier: signals, unordered', false],
    ['position-closer: market, ordered', true],
  ])('%s', async (_name, ordered) => {
    const stream = `hostile-${process.pid}-${++seq}`;
    const group = `g-${seq}`;
    const handled: string[] = [];
    const reader = new ConsumerGroupReader<unknown>({
      stream,
      group,
      consumer: 'c1',
      schema: ordered ? MarketEntrySchema : SignalSchema,
      connection: new Redis(url()),
      blockMs: 100,
      claimIdleMs: 300,
      claimIntervalMs: 100,
      groupStartId: '0',
      ordered,
      // What the real handlers do first: serialise the payload (BullMQ job data, a position record).
      handle: async ({ id, payload }) => {
        JSON.stringify(payload);
        handled.push(id);
      },
    });
    readers.push(reader);
    const wrap = (json: string) => (ordered ? `{"kind":"signal","signal_id":"1-0","signal":${json}}` : json);
    const badId = (await redis.xadd(stream, '*', 'data', wrap(deepSignalJson(20_000)))) as string;
    const goodId = (await redis.xadd(stream, '*', 'data', wrap(JSON.stringify(signal())))) as string;
    reader.start();

    await waitFor(() => handled.includes(goodId), { what: 'the valid entry handled' });
    expect(handled).toEqual([goodId]);
    expect(handled).not.toContain(badId);
    expect(await malformedCount(stream, group)).toBe(1);
    await waitFor(async () => (await groupInfo(redis, stream))[0]?.pending === 0, { what: 'nothing left pending' });
    expect(await redis.xlen(`${stream}:dead`)).toBe(0);
  });
});
