import { Module } from '@nestjs/common';
import { ObservabilityModule } from '@app/observability';
import { createRedis } from '@app/redis-streams';
import { GeneratorConfig, loadConfig } from './config';
import { SignalGeneratorService } from './generator/signal-generator.service';
import { HealthController } from './health/health.controller';
import { createMarketData } from './market-data/market-data.factory';
import { MarketFeedPublisher } from './publishing/market-feed.publisher';
import { GENERATOR_CONFIG, GENERATOR_REDIS, MARKET_DATA_SOURCE } from './tokens';

@Module({
  imports: [ObservabilityModule],
  controllers: [HealthController],
  providers: [
    { provide: GENERATOR_CONFIG, useFactory: (): GeneratorConfig => loadConfig() },
    { provide: GENERATOR_REDIS, useFactory: (cfg: GeneratorConfig) => createRedis(cfg.redis, 'signal-generator'), inject: [GENERATOR_CONFIG] },
    { provide: MARKET_DATA_SOURCE, useFactory: createMarketData, inject: [GENERATOR_CONFIG] },
    MarketFeedPublisher,
    SignalGeneratorService,
  ],
})
export class SignalGeneratorModule {}
