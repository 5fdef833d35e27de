import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { RedisConfig } from './redis-config';
import { createRedis } from './redis-connection';

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

  async onApplicationShutdown(): Promise<void> {
    // Readers disconnect their own on close: touching an ended connection again only arms a timer.
    const open = this.all.filter((c) => c.status !== 'end');
    await Promise.all(open.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
