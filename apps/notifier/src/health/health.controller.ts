import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { LivenessHealthIndicator, RedisHealthIndicator } from '@app/observability';
import { PositionConsumer } from '../positions/position.consumer';
import { RedisConnections } from '@app/redis-streams';
import { SignalConsumer } from '../signals/signal.consumer';
import { TelegramProcessor } from '../delivery/telegram.processor';
import { TelegramCommands } from '../commands/telegram-commands.service';
import { QueueHealthIndicator } from './queue.health';

/**
 * Readiness (`GET /health`, `/health/ready`): 200 when Redis and the queue answer and the readers
 * and worker run, else 503 naming the part down. Liveness (`/health/live`): 200 while the readers'
 * loops and the worker run, asking Redis nothing, so a Redis outage restarts no pod.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly redisHealth: RedisHealthIndicator,
    private readonly queueHealth: QueueHealthIndicator,
    private readonly liveness: LivenessHealthIndicator,
    private readonly connections: RedisConnections,
    private readonly signals: SignalConsumer,
    private readonly positions: PositionConsumer,
    private readonly worker: TelegramProcessor,
    private readonly commands: TelegramCommands,
  ) {}

  @Get(['', 'ready'])
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.redisHealth.check('redis', this.connections.command),
      () => this.queueHealth.check('telegram_queue'),
      () => this.liveness.check('signals_consumer', this.signals),
      () => this.liveness.check('positions_consumer', this.positions),
      () => this.liveness.check('telegram_worker', this.worker),
      // Only when commands are on; a standby replica (not polling) is as ready as the poller.
      ...(this.commands.mode === 'off' ? [] : [() => this.liveness.check('telegram_commands', this.commands)]),
    ]);
  }

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([
      () => this.liveness.checkRunning('signals_consumer', this.signals),
      () => this.liveness.checkRunning('positions_consumer', this.positions),
      () => this.liveness.checkRunning('telegram_worker', this.worker),
      ...(this.commands.mode === 'off' ? [] : [() => this.liveness.checkRunning('telegram_commands', this.commands)]),
    ]);
  }
}
