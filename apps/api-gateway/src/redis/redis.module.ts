import { Global, Module } from '@nestjs/common';
import { RedisConnections } from '@app/redis-streams';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';

/**
 * The gateway's Redis connections, as every service has them: `connections.command` is the shared
 * command connection (never used for blocking reads); each stream reader and the manual-close
 * queue get their own from `connections.create(name)`. All are closed after every module is
 * destroyed (RedisConnections.onApplicationShutdown), so the command connection outlives the
 * readers and requests using it.
 */
@Global()
@Module({
  providers: [
    {
      provide: RedisConnections,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => new RedisConnections(config.redis, 'api-gateway'),
    },
  ],
  exports: [RedisConnections],
})
export class RedisModule {}
