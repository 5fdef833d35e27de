import type Redis from 'ioredis';
import { withoutHashTag } from '@app/contracts';
import { gauge } from '@app/observability';
import { compareStreamIds, streamIdTime } from './stream-entry';
import { firstStreamId, lastStreamId } from './stream-range';

export const shardsHeld = gauge({
  name: 'stream_shards_held',
  help: 'Shards of a sharded stream this replica holds (handles) now',
  labelNames: ['stream', 'reader'] as const,
});

interface LagTarget {
  redis: Redis;
  stream: string;
  reader: string;
  cursorKey: string;
  shards: number;
}
const targets: LagTarget[] = [];

/**
 * `stream_shard_lag_seconds`: how far the slowest shard's cursor is behind the stream's newest
 * entry, in stream time (the ids' milliseconds), read from Redis at scrape time so every replica
 * reports the whole group's lag. A shard never handled counts from the stream's first entry. It
 * grows while a dead replica's shards wait for their lease to expire, or when the readers fall
 * behind; aggregate with `max`.
 */
export function registerShardLagMetric(redis: Redis, stream: string, reader: string, cursorKey: string, shards: number): void {
  // The latest connection wins: an app restarted inside one process must not read through a closed one.
  const existing = targets.find((t) => t.stream === stream && t.reader === reader);
  if (existing) Object.assign(existing, { redis, cursorKey, shards });
  else targets.push({ redis, stream, reader, cursorKey, shards });
  gauge({
    name: 'stream_shard_lag_seconds',
    help: "Stream time between a sharded stream's newest entry and its slowest shard's last handled entry",
    labelNames: ['stream', 'reader'] as const,
    async collect() {
      for (const t of targets) {
        const lag = await shardLagSeconds(t).catch(() => null);
        if (lag !== null) this.set({ stream: withoutHashTag(t.stream), reader: t.reader }, lag);
      }
    },
  });
}

/** Lag in seconds; `exact`: any shard short of the newest entry counts at least 1 ms (caught-up checks). */
async function shardLagSeconds(t: LagTarget, exact = false): Promise<number> {
  const last = await lastStreamId(t.redis, t.stream);
  if (last === '0-0') return 0;
  const first = await firstStreamId(t.redis, t.stream);
  const cursors = await t.redis.hmget(t.cursorKey, ...Array.from({ length: t.shards }, (_, i) => String(i)));
  let lagMs = 0;
  for (const cursor of cursors) {
    if (cursor !== null && compareStreamIds(cursor, last) >= 0) continue;
    lagMs = Math.max(lagMs, streamIdTime(last) - streamIdTime(cursor ?? first), exact ? 1 : 0);
  }
  return lagMs / 1000;
}

/** True when every shard's cursor is at the stream's newest entry (or the stream is empty): nothing left to handle. */
export async function shardedReadCaughtUp(redis: Redis, stream: string, cursorKey: string, shards: number): Promise<boolean> {
  return (await shardLagSeconds({ redis, stream, reader: '', cursorKey, shards }, true)) === 0;
}
