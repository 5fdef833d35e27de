import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { PUBLIC_ROUTE } from '@app/observability';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';
import { ApiKeyCheck } from './api-key';

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
  private readonly check: ApiKeyCheck;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly reflector: Reflector,
  ) {
    this.check = new ApiKeyCheck(config.apiKey);
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.check.required) return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [ctx.getHandler(), ctx.getClass()])) return true;
    if (this.check.accepts(ctx.switchToHttp().getRequest<FastifyRequest>().headers['x-api-key'])) return true;
    throw this.check.rejection();
  }
}
