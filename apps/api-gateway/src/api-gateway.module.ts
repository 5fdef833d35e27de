import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ObservabilityModule } from '@app/observability';
import type { GatewayConfig } from './config';
import { GatewayConfigModule } from './config.module';
import { IndexController } from './docs/index.controller';
import { HealthController } from './health/health.controller';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { ApiKeyGuard } from './http/api-key.guard';
import { ControlModule } from './control/control.module';
import { MarketModule } from './market/market.module';
import { RedisModule } from './redis/redis.module';
import { PositionsModule } from './positions/positions.module';
import { SignalsModule } from './signals/signals.module';
import { SseModule } from './sse/sse.module';
import { RequestStats } from './stats/request-stats';
import { StatsController } from './stats/stats.controller';
import { FleetLatency } from './latency/fleet-latency';

/**
 * The api-gateway. `GATEWAY_CONFIG` and `RedisConnections` are global: feature modules listed
 * below inject them without importing anything.
 */
@Module({})
export class ApiGatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: ApiGatewayModule,
      imports: [
        GatewayConfigModule.forRoot(config),
        RedisModule,
        ObservabilityModule,
        SignalsModule,
        SseModule,
        // Feature modules:
        PositionsModule,
        ControlModule,
        MarketModule,
      ],
      controllers: [IndexController, HealthController, StatsController],
      providers: [RequestStats, FleetLatency, { provide: APP_FILTER, useClass: AllExceptionsFilter }, { provide: APP_GUARD, useClass: ApiKeyGuard }],
    };
  }
}
