import Redis from 'ioredis';
import { waitFor } from '@app/testing';
import { RedisLease } from './redis-lease';

const url = () => `${process.env.TEST_REDIS_URL}/3`;

describe('RedisLease', () => {
  let redis: Redis;
  let seq = 0;
  let key: string;

  beforeAll(() => {
    redis = new Redis(url());
  });
  beforeEach(() => {
    key = `lease-${process.pid}-${++seq}`;
  });
  afterAll(() => redis.disconnect());

  it('has one holder at a time; the holder extends it, the other cannot take it', async () => {
    const a = new RedisLease(redis, { key, ttlMs: 5000, owner: 'a' });
    const b = new RedisLease(redis, { key, ttlMs: 5000, owner: 'b' });
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(b.isHeld()).toBe(false);
    expect(await a.acquire()).toBe(true);
    expect(a.isHeld()).toBe(true);
    expect(await redis.get(key)).toBe(a.token);
  });

  it('passes to another holder once a holder stops renewing (a dead process), and the old one knows it lost it', async () => {
    const a = new RedisLease(redis, { key, ttlMs: 300, owner: 'a' });
    const b = new RedisLease(redis, { key, ttlMs: 300, owner: 'b' });
    expect(await a.acquire()).toBe(true);
    // By its own clock the old holder stops before Redis can give the lease away.
    await waitFor(() => !a.isHeld(), { timeoutMs: 2000, what: 'a no longer considers itself the holder' });
    await waitFor(() => b.acquire(), { timeoutMs: 2000, intervalMs: 20, what: 'b takes the lease' });
    expect(await a.acquire()).toBe(false);
  });

  it('release hands it over at once, and never deletes a successor’s lease', async () => {
    const a = new RedisLease(redis, { key, ttlMs: 60_000, owner: 'a' });
    const b = new RedisLease(redis, { key, ttlMs: 60_000, owner: 'b' });
    expect(await a.acquire()).toBe(true);
    await a.release();
    expect(a.isHeld()).toBe(false);
    expect(await b.acquire()).toBe(true);
    await a.release();
    expect(await redis.get(key)).toBe(b.token);
  });
});
