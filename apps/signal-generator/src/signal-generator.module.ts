import { Module, type DynamicModule } from '@nestjs/common';
import { ObservabilityModule } from '@app/observability';
import { createRedis } from '@app/redis-streams';
import type { GeneratorConfig } from './config';
import { SignalGeneratorService } from './generator/signal-generator.service';
import { HealthController } from './health/health.controller';
import { createMarketData } from './market-data/market-data.factory';
import { MarketFeedPublisher } from './publishing/market-feed.publisher';
import { GENERATOR_CONFIG, GENERATOR_REDIS, MARKET_DATA_SOURCE } from './tokens';

/** The signal-generator, over the config main.ts loaded once (`SignalGeneratorModule.forRoot(config)`). */
@Module({
  imports: [ObservabilityModule],
  controllers: [HealthController],
  providers: [
    { provide: GENERATOR_REDIS, useFactory: (cfg: GeneratorConfig) => createRedis(cfg.redis, 'signal-generator'), inject: [GENERATOR_CONFIG] },
    { provide: MARKET_DATA_SOURCE, useFactory: createMarketData, inject: [GENERATOR_CONFIG] },
    MarketFeedPublisher,
    SignalGeneratorService,
  ],
})
export class SignalGeneratorModule {
  static forRoot(config: GeneratorConfig): DynamicModule {
    return { module: SignalGeneratorModule, providers: [{ provide: GENERATOR_CONFIG, useValue: config }] };
  }
}
