import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayConfig } from '../config';

/**
 * The headers helmet sets with `options`, taken once by running its middleware against a
 * recording response. With no CSP nonces and no directive computed per request, helmet's output
 * depends on nothing in the request, so every response can get these same values.
 */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error('helmet rejected its options');
  });
  return headers;
}

/**
 * The security headers every response carries (set by the request gate, request-gate.hook.ts;
 * the SSE stream copies them onto its hijacked response).
 *
 * Helmet's values computed once rather than @fastify/helmet: the plugin builds a new helmet
 * middleware (parsing the CSP again) on every request in two async hooks, ~8 % of a core under
 * load, and even a prebuilt middleware's twelve `setHeader` calls on the raw response cost twice
 * what handing Fastify one object of the same headers does (bench/gateway.bench.ts).
 */
export function securityHeaders(config: GatewayConfig): Record<string, string> {
  const origins = config.http.corsOrigins;
  return helmetHeaders({
    // Helmet's default CSP allows Swagger UI at /docs (its scripts are served from here, its styles
    // inline), except upgrade-insecure-requests, which breaks it on plain http://host:8888.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    crossOriginResourcePolicy: { policy: origins.length ? 'cross-origin' : 'same-origin' },
  });
}

/**
 * CORS only for the origins configured, undefined without any: browsers on other origins are
 * refused and nothing else changes (the guide's C# client does not use CORS).
 */
export function corsPlugin(fastify: FastifyInstance, config: GatewayConfig): (() => Promise<void>) | undefined {
  const origins = config.http.corsOrigins;
  if (!origins.length) return undefined;
  return async () => {
    await fastify.register(cors, {
      origin: origins.includes('*') ? '*' : origins,
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: ['Content-Type', 'X-API-Key', 'Last-Event-ID'],
      exposedHeaders: ['Retry-After'],
      maxAge: 600,
    });
  };
}
