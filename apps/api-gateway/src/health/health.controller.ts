import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, type HealthCheckResult, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { LivenessHealthIndicator, Public, RedisHealthIndicator } from '@app/observability';
import { RedisConnections } from '@app/redis-streams';
import { PositionsConsumer } from '../positions/positions.consumer';
import { SignalsConsumer } from '../signals/signals.consumer';

type HealthBody = HealthCheckResult | Record<string, unknown>;

/**
 * Probes; none needs the API key. Readiness (`/health/ready`, and `/api/health`, the guide's
 * path): 200 when Redis answers and the signal, ack and position readers follow their streams
 * (so the read model is loaded), else 503 with the terminus detail. Liveness (`/health/live`):
 * 200 while the readers' loops run, asking Redis nothing, so a Redis outage restarts no pod.
 */
@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly redisHealth: RedisHealthIndicator,
    private readonly liveness: LivenessHealthIndicator,
    private readonly consumer: SignalsConsumer,
    private readonly positions: PositionsConsumer,
    private readonly connections: RedisConnections,
  ) {}

  @Get('api/health')
  @ApiOperation({ summary: 'Health: Redis reachable and stream readers live' })
  @ApiOkResponse({ description: '{status:"ok", info, error, details}' })
  @ApiServiceUnavailableResponse({ description: '{status:"error", message, info, error, details}' })
  check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthBody> {
    return this.run(reply, [
      () => this.redisHealth.check('redis', this.connections.command),
      () => this.liveness.check('signals_reader', this.consumer.signalsLiveness),
      () => this.liveness.check('acks_reader', this.consumer.acksLiveness),
      () => this.liveness.check('positions_readers', this.positions),
    ]);
  }

  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness probe: the same checks as /api/health' })
  @ApiOkResponse({ description: '{status:"ok", info, error, details}' })
  @ApiServiceUnavailableResponse({ description: '{status:"error", message, info, error, details}' })
  ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthBody> {
    return this.check(reply);
  }

  @Get('health/live')
  @ApiOperation({ summary: 'Liveness probe: the stream readers\' loops run (Redis not asked)' })
  @ApiOkResponse({ description: '{status:"ok", info, error, details}' })
  @ApiServiceUnavailableResponse({ description: '{status:"error", message, info, error, details}' })
  live(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthBody> {
    return this.run(reply, [
      () => this.liveness.checkRunning('signals_reader', this.consumer.signalsLiveness),
      () => this.liveness.checkRunning('acks_reader', this.consumer.acksLiveness),
      () => this.liveness.checkRunning('positions_readers', this.positions),
    ]);
  }

  private async run(reply: FastifyReply, checks: HealthIndicatorFunction[]): Promise<HealthBody> {
    try {
      return await this.health.check(checks);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const result = err.getResponse() as HealthCheckResult;
      void reply.status(503);
      return { status: 'error', message: `unhealthy: ${Object.keys(result.error ?? {}).join(', ')}`, ...withoutStatus(result) };
    }
  }
}

function withoutStatus(result: HealthCheckResult): Omit<HealthCheckResult, 'status'> {
  const { status: _status, ...rest } = result;
  return rest;
}
