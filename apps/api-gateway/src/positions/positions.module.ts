import { Module } from '@nestjs/common';
import { ManualCloseService } from './manual-close.service';
import { PerformanceController } from './performance.controller';
import { PositionsConsumer } from './positions.consumer';
import { PositionsController } from './positions.controller';
import { PositionsReadModel } from './positions-read-model.service';

/**
 * Positions, performance and ATAS close requests, materialised from the position-closer's
 * `positions` and `close-requests` streams. Needs the gateway's global `GATEWAY_CONFIG` and
 * `RedisConnections`.
 */
@Module({
  controllers: [PositionsController, PerformanceController],
  providers: [PositionsReadModel, PositionsConsumer, ManualCloseService],
  exports: [PositionsConsumer, PositionsReadModel],
})
export class PositionsModule {}
