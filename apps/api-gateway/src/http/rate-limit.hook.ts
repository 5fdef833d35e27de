import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config';
import { errorBody, JSON_CONTENT_TYPE } from './error-body';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

/**
 * The rate limit's check in the request gate (request-gate.hook.ts): true (or a promise of true)
 * when it answered the request with a 429. Synchronous for the clients it exempts.
 */
export type RateLimitCheck = (request: FastifyRequest, reply: FastifyReply) => boolean | Promise<boolean>;

/**
 * Per-client (per IP, the real client's when TRUST_PROXY is set) request limit over a fixed
 * window, counted on every request before routing and before the API key is checked, so floods
 * of unknown paths and of wrong keys are limited like any other. Counts are kept in this
 * replica's memory: N replicas behind a balancer allow up to N times the limit. Undefined when
 * the limit is off (RATE_LIMIT_MAX=0).
 */
export async function rateLimitCheck(fastify: FastifyInstance, config: GatewayConfig): Promise<RateLimitCheck | undefined> {
  if (config.rateLimit.max === 0) return undefined;
  await fastify.register(rateLimit, { global: false });
  const windowSeconds = Math.ceil(config.rateLimit.windowMs / 1000);
  const limit = fastify.createRateLimit({
    max: config.rateLimit.max,
    timeWindow: config.rateLimit.windowMs,
    keyGenerator: (req: FastifyRequest) => req.ip,
  });
  // The guide runs ATAS and the gateway on one machine: a local client is never limited by
  // default. Decided here, synchronously, rather than as the limiter's allowList: the limiter is
  // async (two awaits per request) and the clients it would only wave through are the busiest.
  const exempt = config.rateLimit.loopback ? () => false : (req: FastifyRequest) => isLoopback(req.ip);
  return (request, reply) => {
    if (exempt(request)) return false;
    return limit(request).then((verdict) => {
      if (verdict.isAllowed || !verdict.isExceeded) return false;
      void reply
        .code(429)
        .header('Retry-After', String(verdict.ttlInSeconds))
        .header('Content-Type', JSON_CONTENT_TYPE)
        .send(
          errorBody(
            `rate limit exceeded: at most ${config.rateLimit.max} requests per ${windowSeconds} s per client; retry in ${verdict.ttlInSeconds} s`,
          ),
        );
      return true;
    });
  };
}
