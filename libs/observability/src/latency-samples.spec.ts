import Redis from 'ioredis';
import { LatencySamples, quantileMs } from './latency-samples';

const url = () => `${process.env.TEST_REDIS_URL}/3`;

describe('LatencySamples', () => {
  let redis: Redis;
  let seq = 0;
  let key: string;

  beforeAll(() => {
    redis = new Redis(url());
  });
  beforeEach(() => {
    key = `latency-test-${process.pid}-${++seq}`;
  });
  afterAll(() => redis.disconnect());

  it('has no figures before the first sample', async () => {
    expect(await new LatencySamples(redis, { key }).summary()).toEqual({ count: 0, p50_ms: null, p99_ms: null });
  });

  it('pools the samples of every writer (replicas) and reports p50/p99 of the last `max`, counting all', async () => {
    const a = new LatencySamples(redis, { key, max: 100 });
    const b = new LatencySamples(redis, { key, max: 100 });
    // 1..200 ms from two writers; only the newest 100 (101..200 ms) are kept.
    for (let ms = 1; ms <= 200; ms++) await (ms % 2 ? a : b).record(ms / 1000);
    expect(await redis.llen(key)).toBe(100);
    expect(await a.summary()).toEqual({ count: 200, p50_ms: 150, p99_ms: 199 });
  });

  it('recordMany keeps the same list and count as recording the samples one by one', async () => {
    const one = new LatencySamples(redis, { key, max: 5 });
    for (const ms of [1, 2, 3, 4, 5, 6, 7]) await one.record(ms / 1000);
    const many = new LatencySamples(redis, { key: `${key}-many`, max: 5 });
    await many.recordMany([1, 2, 3].map((ms) => ms / 1000));
    await many.recordMany([]);
    await many.recordMany([4, 5, 6, 7].map((ms) => ms / 1000));
    expect(await redis.lrange(`${key}-many`, 0, -1)).toEqual(await redis.lrange(key, 0, -1));
    expect(await many.summary()).toEqual(await one.summary());
    expect(await many.summary()).toEqual({ count: 7, p50_ms: 5, p99_ms: 7 });
  });

  it('counts a negative delay (a clock step between hosts) as none, and skips entries that are not numbers', async () => {
    const s = new LatencySamples(redis, { key });
    await s.record(-0.5);
    expect(await s.summary()).toEqual({ count: 1, p50_ms: 0, p99_ms: 0 });
    await redis.del(key);
    await redis.lpush(key, 'garbage', '', '-1', 'Infinity');
    for (const ms of [10, 20, 30]) await s.record(ms / 1000);
    // Only 10, 20 and 30 ms count; an empty entry read as 0 would make p50 10 ms.
    expect(await s.summary()).toEqual({ count: 4, p50_ms: 20, p99_ms: 30 });
  });

  it('quantileMs is nearest-rank, in ms to 0.1', () => {
    expect(quantileMs([], 0.5)).toBeNull();
    expect(quantileMs([0.001, 0.002, 0.003, 0.004], 0.5)).toBe(2);
    expect(quantileMs([0.001, 0.002, 0.003, 0.004], 0.99)).toBe(4);
    expect(quantileMs([0.00012345], 0.5)).toBe(0.1);
  });
});
