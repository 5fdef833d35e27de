import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { LivenessHealthIndicator, RedisHealthIndicator } from '@app/observability';
import { RedisConnections } from '@app/redis-streams';
import { SignalGeneratorService } from '../generator/signal-generator.service';

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly redisHealth: RedisHealthIndicator,
    private readonly liveness: LivenessHealthIndicator,
    private readonly generator: SignalGeneratorService,
    private readonly connections: RedisConnections,
  ) {}

  /**
   * Readiness: 200 when Redis answers, candles keep coming and the shard leases are renewed; 503
   * naming the failing part otherwise. `shards` lists the symbol shards and symbols this replica
   * publishes (none: a standby).
   */
  @Get(['health', 'health/ready'])
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.redisHealth.check('redis', this.connections.command),
      () => this.liveness.check('feed', this.generator.feed),
      () => this.liveness.check('shards', this.generator.shards),
    ]);
  }

  /** Liveness: 200 unless the feed loop failed; Redis is not asked, so an outage restarts no pod. */
  @Get('health/live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.liveness.checkRunning('feed', this.generator.feed)]);
  }
}
