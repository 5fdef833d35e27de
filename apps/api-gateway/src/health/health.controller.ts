import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import { LivenessHealthIndicator, Public, RedisHealthIndicator } from '@app/observability';
import { PositionsConsumer } from '../positions/positions.consumer';
import { SignalsConsumer } from '../signals/signals.consumer';
import { REDIS } from '../tokens';

/**
 * 200 when Redis answers and the signal, ack and position readers follow their streams, else 503 with the
 * terminus detail. Readiness and liveness probes use it; it never needs the API key.
 */
@ApiTags('operations')
@Public()
@Controller('api/health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly redisHealth: RedisHealthIndicator,
    private readonly liveness: LivenessHealthIndicator,
    private readonly consumer: SignalsConsumer,
    private readonly positions: PositionsConsumer,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Health: Redis reachable and stream readers live' })
  @ApiOkResponse({ description: '{status:"ok", info, error, details}' })
  @ApiServiceUnavailableResponse({ description: '{status:"error", message, info, error, details}' })
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult | Record<string, unknown>> {
    try {
      return await this.health.check([
        () => this.redisHealth.check('redis', this.redis),
        () => this.liveness.check('signals_reader', this.consumer.signalsLiveness),
        () => this.liveness.check('acks_reader', this.consumer.acksLiveness),
        () => this.liveness.check('positions_readers', this.positions),
      ]);
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
