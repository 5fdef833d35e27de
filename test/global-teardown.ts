import type { TestRedis } from '../libs/testing/src/redis-server';

export default async function globalTeardown(): Promise<void> {
  const redis = (globalThis as { __TEST_REDIS__?: TestRedis }).__TEST_REDIS__;
  await redis?.stop();
}
