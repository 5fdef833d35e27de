import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { LivenessHealthIndicator, RedisHealthIndicator } from '@app/observability';
import { ManualCloseProcessor } from '../manual-close/manual-close.processor';
import { MarketConsumer } from '../market/market.consumer';
import { MaxHoldProcessor } from '../max-hold/max-hold.processor';
import { RedisConnections } from '@app/redis-streams';

/**
 * Readiness (`GET /health`, `/health/ready`): 200 when Redis answers and every reader and worker
 * runs, else 503 naming the one down. Liveness (`/health/live`): 200 while the loops run, asking
 * Redis nothing, so a Redis outage restarts no pod.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly redisHealth: RedisHealthIndicator,
    private readonly liveness: LivenessHealthIndicator,
    private readonly connections: RedisConnections,
    private readonly market: MarketConsumer,
    private readonly maxHold: MaxHoldProcessor,
    private readonly manualClose: ManualCloseProcessor,
  ) {}

  @Get(['', 'ready'])
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.redisHealth.check('redis', this.connections.command),
      () => this.liveness.check('market_reader', this.market),
      () => this.liveness.check('max_hold_worker', this.maxHold),
      () => this.liveness.check('manual_close_worker', this.manualClose),
    ]);
  }

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([
      () => this.liveness.checkRunning('market_reader', this.market),
      () => this.liveness.checkRunning('max_hold_worker', this.maxHold),
      () => this.liveness.checkRunning('manual_close_worker', this.manualClose),
    ]);
  }
}
