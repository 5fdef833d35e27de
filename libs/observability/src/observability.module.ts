import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MetricsController } from './metrics.controller';
import { RedisHealthIndicator } from './redis.health';
import { LivenessHealthIndicator } from './liveness.health';

/** `GET /metrics` plus the health indicators every service's health controller uses. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', logger: false })],
  controllers: [MetricsController],
  providers: [RedisHealthIndicator, LivenessHealthIndicator],
  exports: [TerminusModule, RedisHealthIndicator, LivenessHealthIndicator],
})
export class ObservabilityModule {}
