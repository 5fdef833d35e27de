import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { createRedis, redisConfigFromEnv } from '@app/redis-streams';
import { CLOSER_CONFIG } from '../tokens';
import type { CloserConfig } from '../config';

/**
 * Every Redis connection of the app: one shared connection for commands, and a dedicated one
 * per blocking loop or BullMQ client. All are closed on shutdown, after the loops have stopped
 * (Nest calls onApplicationShutdown after every onModuleDestroy).
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  readonly command: Redis;
  private readonly all: Redis[] = [];

  constructor(@Inject(CLOSER_CONFIG) private readonly config: CloserConfig) {
    this.command = this.create('position-closer');
  }

  /** A new connection, named in CLIENT LIST as `name`. */
  create(name: string, extra: RedisOptions = {}): Redis {
    const conn = createRedis(redisConfigFromEnv(this.config), name, extra);
    this.all.push(conn);
    return conn;
  }

  async onApplicationShutdown(): Promise<void> {
    // Readers disconnect their own on close: touching an ended connection again only arms a timer.
    const open = this.all.filter((c) => c.status !== 'end');
    await Promise.all(open.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
