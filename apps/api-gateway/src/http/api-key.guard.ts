import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';

/** Paths under /api that stay open with a key set: probes must not need the secret. */
const OPEN_PATHS = new Set(['/api/health']);

/**
 * With API_KEY set, every `/api/*` route but health needs `X-API-Key`. Without it everything is
 * open: the guide's C# client sends no key.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.expected = config.API_KEY ? digest(config.API_KEY) : undefined;
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.expected) return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const path = req.url.split('?')[0];
    if (!path.startsWith('/api/') || OPEN_PATHS.has(path)) return true;
    const given = req.headers['x-api-key'];
    // Compare digests: equal length, constant time, and no early exit on the first differing byte.
    if (typeof given === 'string' && timingSafeEqual(digest(given), this.expected)) return true;
    throw new UnauthorizedException('missing or invalid X-API-Key header');
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
