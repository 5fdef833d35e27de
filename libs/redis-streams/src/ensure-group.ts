import type Redis from 'ioredis';

/**
 * Creates the consumer group (and the stream) if missing. Producers call this for every group of
 * their stream before the first XADD, so a consumer started later still sees every entry.
 */
export async function ensureGroup(redis: Redis, stream: string, group: string, startId = '$'): Promise<boolean> {
  try {
    await redis.xgroup('CREATE', stream, group, startId, 'MKSTREAM');
    return true;
  } catch (err) {
    if (err instanceof Error && err.message.includes('BUSYGROUP')) return false;
    throw err;
  }
}
