import { UnauthorizedException } from '@nestjs/common';
import type { onRequestHookHandler } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The `X-API-Key` comparison, one for the Nest guard and for the routes served by Fastify alone
 * (signal-reads.routes.ts): digests compared, so equal length, constant time, and no early exit
 * on the first differing byte.
 */
export class ApiKeyCheck {
  private readonly expected: Buffer | undefined;

  constructor(apiKey: string | undefined) {
    this.expected = apiKey ? digest(apiKey) : undefined;
  }

  /** False when no API_KEY is set: everything is open, as in the guide. */
  get required(): boolean {
    return this.expected !== undefined;
  }

  accepts(given: unknown): boolean {
    return !this.expected || (typeof given === 'string' && timingSafeEqual(digest(given), this.expected));
  }

  rejection(): UnauthorizedException {
    return new UnauthorizedException('missing or invalid X-API-Key header');
  }

  /**
   * A route's own `onRequest` hook: it runs after the global hooks (headers, rate limit) on the
   * route the router matched, so the decision is made on the route, never on the raw URL. Its
   * error goes through Nest's exception filter like the guard's.
   */
  routeHook(): onRequestHookHandler {
    return (request, _reply, done) => done(this.accepts(request.headers['x-api-key']) ? undefined : this.rejection());
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
