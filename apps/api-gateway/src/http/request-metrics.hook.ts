import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RequestStats } from '../stats/request-stats';

/**
 * Counts every response by route pattern and status, and its latency. A Fastify hook rather than
 * a Nest interceptor: it also sees 404s, body-parse errors and guard rejections.
 */
export function installRequestMetrics(app: NestFastifyApplication): void {
  const stats = app.get(RequestStats);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      const route = request.is404 ? undefined : request.routeOptions.url;
      stats.record(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
}
