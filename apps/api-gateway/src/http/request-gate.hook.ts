import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { RateLimitCheck } from './rate-limit.hook';

/** A synchronous check of the gate: true when it answered the request itself (a 400, a 405). */
export type RequestCheck = (request: FastifyRequest, reply: FastifyReply) => boolean;

export interface RequestGate {
  /** Set on every response first, so a 429, 400 or 405 carries them too. */
  headers: Record<string, string>;
  /** Registers the CORS plugin (its own `onRequest` hook), when configured. */
  cors?: () => Promise<void>;
  rateLimit?: RateLimitCheck;
  /** Run in order after the rate limit. */
  checks: RequestCheck[];
}

/**
 * What every request goes through before its route (security headers, rate limit, Host check,
 * 405) as one `onRequest` hook rather than four: Fastify's hook runner costs per hook on every
 * request, and the polled GETs answer in a few tens of µs (bench/gateway.bench.ts). The order is
 * the contract's: headers, CORS (when configured: its own hook, so then the headers take one
 * hook of their own before it), rate limit, then the checks.
 */
export async function installRequestGate(fastify: FastifyInstance, gate: RequestGate): Promise<void> {
  const { headers, cors, rateLimit, checks } = gate;
  const runChecks = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    for (const check of checks) if (check(request, reply)) return;
    done();
  };
  const limitThenCheck = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const limited = rateLimit ? rateLimit(request, reply) : false;
    if (limited === false) return runChecks(request, reply, done);
    if (limited === true) return;
    limited.then((answered) => answered || runChecks(request, reply, done), done);
  };
  if (!cors) {
    fastify.addHook('onRequest', (request, reply, done) => {
      void reply.headers(headers);
      limitThenCheck(request, reply, done);
    });
    return;
  }
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
  await cors();
  fastify.addHook('onRequest', limitThenCheck);
}
