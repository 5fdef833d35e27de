import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { GatewayConfig } from '../config';

/**
 * Helmet's headers on every response (the SSE stream copies them onto its hijacked response),
 * and CORS only for the origins configured: with none, browsers on other origins are refused and
 * nothing else changes (the guide's C# client does not use CORS).
 */
export async function installSecurityHeaders(fastify: FastifyInstance, config: GatewayConfig): Promise<void> {
  const origins = config.http.corsOrigins;
  await fastify.register(helmet, {
    // Helmet's default CSP allows Swagger UI at /docs (its scripts are served from here, its styles
    // inline), except upgrade-insecure-requests, which breaks it on plain http://host:8888.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    crossOriginResourcePolicy: { policy: origins.length ? 'cross-origin' : 'same-origin' },
  });
  if (!origins.length) return;
  await fastify.register(cors, {
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['Content-Type', 'X-API-Key', 'Last-Event-ID'],
    exposedHeaders: ['Retry-After'],
    maxAge: 600,
  });
}
