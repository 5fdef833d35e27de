import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { createRedis } from '@app/redis-streams';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG, REDIS } from '../tokens';

/** Closes the command connection last, after every reader and request is done with it. */
@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** `@Inject(REDIS)`: the gateway's shared command connection. Blocking readers make their own. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => createRedis(config.redis, 'api-gateway'),
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
