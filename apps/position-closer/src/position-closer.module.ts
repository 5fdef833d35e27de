import { Module, type DynamicModule } from '@nestjs/common';
import { ObservabilityModule } from '@app/observability';
import type { CloserConfig } from './config';
import { HealthController } from './health/health.controller';
import { ManualCloseProcessor } from './manual-close/manual-close.processor';
import { CandleHandler } from './market/candle.handler';
import { MarketConsumer } from './market/market.consumer';
import { SignalHandler } from './market/signal.handler';
import { MaxHoldProcessor } from './max-hold/max-hold.processor';
import { MaxHoldScheduler } from './max-hold/max-hold.scheduler';
import { MAX_HOLD_TIMER } from './positions/max-hold-timer';
import { registerOpenPositionsGauge } from './positions/open-positions.gauge';
import { PositionCloser } from './positions/position-closer.service';
import { PositionStore } from './positions/position.store';
import { RedisConnections } from '@app/redis-streams';
import { CLOCK, CLOSER_CONFIG, systemClock } from './tokens';

/** The position-closer, over the config main.ts loaded once (`PositionCloserModule.forRoot(config)`). */
@Module({
  imports: [ObservabilityModule],
  controllers: [HealthController],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    {
      provide: RedisConnections,
      inject: [CLOSER_CONFIG],
      useFactory: (cfg: CloserConfig) => new RedisConnections(cfg.redis, 'position-closer'),
    },
    {
      provide: PositionStore,
      inject: [RedisConnections, CLOSER_CONFIG],
      useFactory: (c: RedisConnections, cfg: CloserConfig) => {
        const store = new PositionStore(c.command, cfg.positionsHistoryMax);
        registerOpenPositionsGauge(store);
        return store;
      },
    },
    MaxHoldScheduler,
    { provide: MAX_HOLD_TIMER, useExisting: MaxHoldScheduler },
    PositionCloser,
    CandleHandler,
    SignalHandler,
    MarketConsumer,
    MaxHoldProcessor,
    ManualCloseProcessor,
  ],
})
export class PositionCloserModule {
  static forRoot(config: CloserConfig): DynamicModule {
    return { module: PositionCloserModule, providers: [{ provide: CLOSER_CONFIG, useValue: config }] };
  }
}
