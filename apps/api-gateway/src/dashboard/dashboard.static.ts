import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GatewayConfig } from '../config';

/**
 * Serves the built dashboard (apps/dashboard, `npm run build`) at /dashboard/: every asset from
 * this gateway, so it works with no network beyond it. Not built: /dashboard answers 404 saying
 * how to build it, and the API is unaffected.
 */
export async function installDashboard(fastify: FastifyInstance, config: GatewayConfig): Promise<void> {
  const root = resolve(config.dashboardDir);
  if (!existsSync(resolve(root, 'index.html'))) {
    fastify.get('/dashboard', (_req, reply) => reply.status(404).send({ status: 'error', message: `dashboard not built (no ${root}/index.html): run npm run build` }));
    return;
  }
  fastify.get('/dashboard', (_req, reply) => reply.redirect('/dashboard/', 302));
  await fastify.register(fastifyStatic, { root, prefix: '/dashboard/', index: ['index.html'], wildcard: true, decorateReply: false });
}
