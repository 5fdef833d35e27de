import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { createRedis } from '@app/redis-streams';
import type { NotifierConfig } from '../config';
import { NOTIFIER_CONFIG } from '../tokens';

/**
 * Every Redis connection of the notifier: one shared connection for commands (delivery state,
 * health), and a dedicated one per blocking loop or BullMQ client. All are closed on shutdown,
 * after the loops and the worker have stopped (Nest calls onApplicationShutdown after every
 * onModuleDestroy).
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  readonly command: Redis;
  private readonly all: Redis[] = [];

  constructor(@Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig) {
    this.command = this.create('notifier');
  }

  /** A new connection, named in CLIENT LIST as `name`. */
  create(name: string, extra: RedisOptions = {}): Redis {
    const conn = createRedis(this.config.redis, name, extra);
    this.all.push(conn);
    return conn;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.all.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
