import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';

/** REDIS_COMMAND_TIMEOUT_MS when unset. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;

/**
 * TCP keepalive's idle time before the first probe. Node sets only this; the probe interval and
 * count are the OS's. Keepalive keeps idle connections alive through NAT and load balancers and
 * finds a peer whose host is gone; it cannot see a path that still acknowledges but never answers
 * (a frozen proxy or Redis), which the deadlines below catch.
 */
export const KEEPALIVE_MS = 10_000;

/**
 * BullMQ's longest BZPOPMIN (its `maximumBlockTimeout`, 10 s, while delayed jobs wait). BullMQ
 * replaces its own blocking connection one second after that; our deadline must not come first.
 */
export const BULLMQ_MAX_BLOCK_MS = 10_000;

/** Each connection's own reply timeout, before any blocking allowance. */
const replyTimeouts = new WeakMap<Redis, number>();

/**
 * The deadlines of a connection whose replies may take up to `replyMs` (ioredis options):
 *
 * - `socketTimeout`: a connection with a command outstanding that receives nothing for
 *   `replyMs` is dead. A path that hangs without closing (no FIN, no RST ever comes) would
 *   otherwise hold it forever. ioredis destroys the socket and reconnects, and sends the
 *   commands still unanswered again on the new one, as after any reconnect.
 * - `commandTimeout`, twice that: the latest a command settles, with its reply or an error,
 *   whatever happens (e.g. Redis unreachable, so the reconnect never completes): nothing waits on
 *   Redis forever. Twice, so a command resent on the replacement still has its time there.
 */
export function deadlineOptions(replyMs: number): Pick<RedisOptions, 'socketTimeout' | 'commandTimeout'> {
  return { socketTimeout: replyMs, commandTimeout: 2 * replyMs };
}

/** Records `connection`'s reply timeout (createRedis does), the base of any blocking allowance. */
export function setReplyTimeout(connection: Redis, replyMs: number): void {
  replyTimeouts.set(connection, replyMs);
}

/**
 * Lets `connection` wait up to `blockMs` in a BLOCK (XREAD, XREADGROUP, BZPOPMIN) before its
 * deadlines call it dead: they become those of `blockMs` plus its reply timeout. A reader calls
 * it on the dedicated connection it blocks on; that bounded BLOCK and this deadline are the
 * reader's watchdog. A connection not made by createRedis gets the default reply timeout.
 */
export function allowBlocking(connection: Redis, blockMs: number): void {
  const replyMs = replyTimeouts.get(connection) ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const deadlines = deadlineOptions(blockMs + replyMs);
  // ioredis reads both options at each command: setting them on a connection in use is safe.
  const cluster = connection as unknown as { isCluster?: boolean; options: { redisOptions?: RedisOptions }; nodes(): Redis[] };
  if (cluster.isCluster) {
    // A Cluster's commands run on its node connections: those made from now on, and those made already.
    cluster.options.redisOptions = { ...cluster.options.redisOptions, ...deadlines };
    for (const node of cluster.nodes()) Object.assign(node.options, deadlines);
  } else {
    Object.assign(connection.options, deadlines);
  }
}
