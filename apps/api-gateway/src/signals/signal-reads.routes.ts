import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config';
import { sendErrorReply } from '../http/all-exceptions.filter';
import { ApiKeyCheck } from '../http/api-key';
import { preparedReply, type PreparedBody } from '../http/prepared-body';
import { ZodPipe } from '../http/zod.pipe';
import { SignalReadModel } from './signal-read-model.service';
import { ListQuerySchema, type ListQuery } from './signal-requests';
import { SignalBodies } from './signal-responses';

/**
 * The three GETs the guide's client and the dashboard poll (`/api/signals`, `/latest`,
 * `/history`), served by Fastify alone rather than through a Nest controller: Nest's per-request
 * machinery (execution context, guard and pipe consumers, interceptors, the response controller)
 * cost ~4 µs of the ~25 µs a small answer took, the largest part the gateway added to a bare
 * Fastify route (bench/gateway.bench.ts). Everything else is the same: the global hooks (security
 * headers, rate limit, Host check, 405) run before them, the API key is checked on the matched
 * route, the query is validated by the same schema, and errors are answered by the same code as
 * Nest's exception filter. Documented in docs/signal-reads.openapi.ts.
 */
export function installSignalReadRoutes(fastify: FastifyInstance, app: NestFastifyApplication, config: GatewayConfig): void {
  const readModel = app.get(SignalReadModel);
  const bodies = new SignalBodies();
  const apiKey = new ApiKeyCheck(config.apiKey);
  const options = {
    onRequest: apiKey.required ? [apiKey.routeHook()] : [],
    // Nest sets Fastify's error handler only when it starts, after these routes took the default.
    errorHandler: (err: unknown, request: FastifyRequest, reply: FastifyReply) => sendErrorReply(err, request, reply, config.http.bodyLimitBytes),
  };
  const listQuery = new ZodPipe(ListQuerySchema);

  const list = (path: string, body: (query: ListQuery) => PreparedBody) =>
    fastify.get(path, options, (request: FastifyRequest, reply: FastifyReply) => {
      const query = listQuery.transform(request.query);
      readModel.assertReady();
      return preparedReply(request, reply, body(query));
    });

  list('/api/signals', (query) => bodies.activeList(readModel.projection.active(), query));
  list('/api/signals/history', (query) => bodies.historyList(readModel.projection.history(), query));
  // No query parameters: any are ignored, as before.
  fastify.get('/api/signals/latest', options, (request: FastifyRequest, reply: FastifyReply) => {
    readModel.assertReady();
    return preparedReply(request, reply, bodies.latest(readModel.projection.latest()));
  });
}
