import { startRedis } from '../libs/testing/src/redis-server';

/**
 * One private redis-server for the whole run, on a free port; its URL reaches every test as
 * TEST_REDIS_URL. Tests isolate themselves by key prefix / unique stream names or FLUSHDB their
 * own database. Tests needing AOF or a crash start their own with startRedis().
 */
export default async function globalSetup(): Promise<void> {
  const redis = await startRedis();
  process.env.TEST_REDIS_URL = redis.url;
  (globalThis as { __TEST_REDIS__?: unknown }).__TEST_REDIS__ = redis;
}
