import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { PUBLIC_ROUTE } from '@app/observability';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';

/**
 * With API_KEY set, every route needs `X-API-Key` unless its controller or handler is marked
 * `@Public()` (health, metrics, the endpoint index). Without it everything is open: the guide's C#
 * client sends no key.
 *
 * The decision is made on the route the router matched (its metadata), never on the request URL:
 * the router percent-decodes paths, so a test of the raw URL let `/%61pi/signals` through.
 * Denying by default also covers any route added later.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly reflector: Reflector,
  ) {
    this.expected = config.apiKey ? digest(config.apiKey) : undefined;
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.expected) return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [ctx.getHandler(), ctx.getClass()])) return true;
    const given = ctx.switchToHttp().getRequest<FastifyRequest>().headers['x-api-key'];
    // Compare digests: equal length, constant time, and no early exit on the first differing byte.
    if (typeof given === 'string' && timingSafeEqual(digest(given), this.expected)) return true;
    throw new UnauthorizedException('missing or invalid X-API-Key header');
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
