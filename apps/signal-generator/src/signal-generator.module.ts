import { Module, type DynamicModule } from '@nestjs/common';
import { ObservabilityModule } from '@app/observability';
import { RedisConnections } from '@app/redis-streams';
import type { GeneratorConfig } from './config';
import { SignalGeneratorService } from './generator/signal-generator.service';
import { HealthController } from './health/health.controller';
import { createMarketData } from './market-data/market-data.factory';
import { MarketFeedPublisher } from './publishing/market-feed.publisher';
import { GENERATOR_CONFIG, MARKET_DATA_SOURCE } from './tokens';

/** The signal-generator, over the config main.ts loaded once (`SignalGeneratorModule.forRoot(config)`). */
@Module({
  imports: [ObservabilityModule],
  controllers: [HealthController],
  providers: [
    // Closed after every module is destroyed, so the feed's in-flight publishes settle first.
    { provide: RedisConnections, useFactory: (cfg: GeneratorConfig) => new RedisConnections(cfg.redis, 'signal-generator'), inject: [GENERATOR_CONFIG] },
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
