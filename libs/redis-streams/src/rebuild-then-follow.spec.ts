import Redis from 'ioredis';
import { z } from 'zod';
import { encodeEntry } from '@app/contracts';
import { waitFor } from '@app/testing';
import { RebuildThenFollow, type FollowingReader, type LoadableModel } from './rebuild-then-follow';
import { RedisConnections } from './redis-connections';
import { lastStreamId, readRange } from './stream-range';
import { StreamReader } from './stream.reader';

const Item = z.object({ n: z.number() });
const redisUrl = () => `${process.env.TEST_REDIS_URL}/4`;

/** A read model of the numbers on one stream, as the gateway's read models are built. */
class Numbers implements LoadableModel {
  readonly seen: number[] = [];
  ready = false;
  markLoaded(): void {
    this.ready = true;
  }
}

class NumbersConsumer extends RebuildThenFollow<string> {
  /** Rebuild attempts that throw before one succeeds (Redis "down" at start). */
  failuresLeft: number;

  constructor(
    private readonly stream: string,
    private readonly numbers: Numbers,
    connections: RedisConnections,
    failures: number,
  ) {
    super('numbers-consumer', numbers, connections);
    this.failuresLeft = failures;
  }

  protected async rebuild(): Promise<string> {
    if (this.failuresLeft-- > 0) throw new Error('Redis is down');
    const tail = await lastStreamId(this.redis, this.stream);
    for await (const e of readRange(this.redis, { stream: this.stream, schema: Item, reader: 'spec', until: tail })) this.numbers.seen.push(e.payload.n);
    return tail;
  }

  protected follow(from: string): FollowingReader[] {
    const reader = new StreamReader({
      stream: this.stream,
      schema: Item,
      connection: this.connections.create('spec:numbers-reader'),
      startId: from,
      blockMs: 200,
      handle: (entries) => void this.numbers.seen.push(...entries.map((e) => e.payload.n)),
    });
    reader.start();
    return [reader];
  }
}

describe('RebuildThenFollow', () => {
  let redis: Redis;
  let connections: RedisConnections;
  let seq = 0;

  beforeAll(() => {
    redis = new Redis(redisUrl());
  });
  beforeEach(() => {
    connections = new RedisConnections({ url: redisUrl() }, 'spec');
  });
  afterEach(() => connections.onApplicationShutdown());
  afterAll(() => redis.disconnect());

  it('retries the rebuild until it succeeds, then follows from where it read: each entry once, in order', async () => {
    const stream = `rtf-${process.pid}-${++seq}`;
    for (const n of [1, 2]) await redis.xadd(stream, '*', ...encodeEntry({ n }));
    const model = new Numbers();
    const consumer = new NumbersConsumer(stream, model, connections, 2);
    expect([consumer.isRunning(), consumer.isLive()]).toEqual([false, false]);
    expect(consumer.describe()).toEqual({ state: 'loading from Redis' });

    const started = consumer.start();
    // Retrying: running (a restart would not bring Redis back), not live, the model not loaded.
    expect([consumer.isRunning(), consumer.isLive(), model.ready]).toEqual([true, false, false]);
    await started;
    expect(consumer.failuresLeft).toBe(-1);
    expect(model.ready).toBe(true);
    await waitFor(() => consumer.isLive(), { what: 'following' });
    expect(consumer.describe()).toMatchObject({ readers: [{ stream }] });

    await redis.xadd(stream, '*', ...encodeEntry({ n: 3 }));
    await waitFor(() => model.seen.length === 3, { what: 'the live entry' });
    expect(model.seen).toEqual([1, 2, 3]);

    await consumer.onModuleDestroy();
    expect([consumer.isRunning(), consumer.isLive()]).toEqual([false, false]);
  });

  it('shutdown during a failing rebuild ends the retries at once: no backoff waited out, no reader started', async () => {
    // Fake timers: a backoff can only end through wake(); one waited out leaves `started` pending.
    jest.useFakeTimers();
    try {
      const model = new Numbers();
      const consumer = new NumbersConsumer(`rtf-${process.pid}-${++seq}`, model, connections, Number.POSITIVE_INFINITY);
      const started = consumer.start();
      await consumer.onModuleDestroy();
      await started;
      expect(model.ready).toBe(false);
      expect(consumer.describe()).toEqual({ state: 'closed' });
    } finally {
      jest.useRealTimers();
    }
  });
});
