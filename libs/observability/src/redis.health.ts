import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type Redis from 'ioredis';

/** Up when Redis answers PING within `timeoutMs` (ioredis would otherwise queue the command). */
@Injectable()
export class RedisHealthIndicator {
  constructor(private readonly health: HealthIndicatorService) {}

  async check(key: string, redis: Redis, timeoutMs = 1000): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const started = Date.now();
    try {
      if (redis.status !== 'ready') return indicator.down({ message: `connection ${redis.status}` });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no PONG within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([redis.ping(), timeout]);
      } finally {
        clearTimeout(timer);
      }
      return indicator.up({ latency_ms: Date.now() - started });
    } catch (err) {
      return indicator.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }
}
