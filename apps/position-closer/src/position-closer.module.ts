import { Module } from '@nestjs/common';
import { ObservabilityModule } from '@app/observability';
import { loadConfig } from './config';
import { HealthController } from './health/health.controller';
import { ManualCloseProcessor } from './manual-close/manual-close.processor';
import { CandleConsumer } from './market/candle.consumer';
import { MarketCatchUp } from './market/market-catch-up';
import { MaxHoldProcessor } from './max-hold/max-hold.processor';
import { MaxHoldScheduler } from './max-hold/max-hold.scheduler';
import { registerOpenPositionsGauge } from './positions/open-positions.gauge';
import { PositionCloser } from './positions/position-closer.service';
import { PositionStore } from './positions/position.store';
import { RedisConnections } from './redis/redis-connections';
import { SignalConsumer } from './signals/signal.consumer';
import { CLOCK, CLOSER_CONFIG, systemClock } from './tokens';

@Module({
  imports: [ObservabilityModule],
  controllers: [HealthController],
  providers: [
    { provide: CLOSER_CONFIG, useFactory: () => loadConfig() },
    { provide: CLOCK, useValue: systemClock },
    RedisConnections,
    {
      provide: PositionStore,
      inject: [RedisConnections],
      useFactory: (c: RedisConnections) => {
        const store = new PositionStore(c.command);
        registerOpenPositionsGauge(store);
        return store;
      },
    },
    MaxHoldScheduler,
    PositionCloser,
    MarketCatchUp,
    SignalConsumer,
    CandleConsumer,
    MaxHoldProcessor,
    ManualCloseProcessor,
  ],
})
export class PositionCloserModule {}
