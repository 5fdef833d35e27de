import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { allowBlocking, BULLMQ_MAX_BLOCK_MS } from './connection-deadlines';
import type { RedisConfig } from './redis-config';
import { createRedis, isCluster } from './redis-connection';

/** How long shutdown waits for Redis to answer QUIT before it drops a connection. */
const QUIT_WAIT_MS = 1000;

/**
 * Every Redis connection of one service: a shared connection for commands, and a dedicated one
 * per blocking loop or BullMQ client. Provided by each app through a factory; Nest calls
 * onApplicationShutdown after every onModuleDestroy, so the loops have stopped by then.
 */
export class RedisConnections {
  readonly command: Redis;
  private readonly all: Redis[] = [];

  constructor(
    private readonly config: RedisConfig,
    service: string,
  ) {
    this.command = this.create(service);
  }

  /** A new connection, named in CLIENT LIST as `name`. */
  create(name: string, extra: RedisOptions = {}): Redis {
    const conn = createRedis(this.config, name, extra);
    this.all.push(conn);
    return conn;
  }

  /**
   * A BullMQ Worker's connection (`maxRetriesPerRequest: null`, as BullMQ wants). BullMQ makes
   * the connection it blocks on with this one's `duplicate()`: that one is made here too, so it
   * is named, kept, and given deadlines that allow for BullMQ's longest BZPOPMIN, while this one,
   * which never blocks, keeps the plain deadlines. (BullMQ also replaces its blocking connection
   * itself when a BZPOPMIN overstays.)
   */
  worker(name: string): Redis {
    const conn = this.create(name, { maxRetriesPerRequest: null });
    const cluster = isCluster(conn);
    // BullMQ calls a Cluster's duplicate(undefined, { redisOptions }) and a Redis's duplicate(options).
    const duplicate = (first?: Partial<RedisOptions>, second?: { redisOptions?: Partial<RedisOptions> }) => {
      const override = (cluster ? second?.redisOptions : first) ?? {};
      const blocking = this.create(`${name}:blocking`, { maxRetriesPerRequest: null, ...override });
      allowBlocking(blocking, BULLMQ_MAX_BLOCK_MS);
      return blocking;
    };
    conn.duplicate = duplicate;
    return conn;
  }

  async onApplicationShutdown(): Promise<void> {
    // Readers disconnect their own on close: touching an ended connection again only arms a timer.
    const open = this.all.filter((c) => c.status !== 'end');
    await Promise.all(open.map((c) => quitWithin(c, QUIT_WAIT_MS)));
  }
}

/**
 * QUIT, or a plain disconnect when Redis does not answer in time (down, or the connection hung):
 * shutdown never waits on Redis.
 */
async function quitWithin(c: Redis, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const quit = c.quit().then(
    () => true,
    () => false,
  );
  const answered = await Promise.race([quit, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  if (!answered) c.disconnect();
}
