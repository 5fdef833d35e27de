import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { bootstrapService } from '@app/observability';
import { ApiGatewayModule } from './api-gateway.module';
import type { GatewayConfig } from './config';
import { installDashboard } from './dashboard/dashboard.static';
import { setupSwagger } from './docs/swagger';
import { answerMissingHost } from './http/host-header.hook';
import { httpServerOptions } from './http/http-server.options';
import { methodNotAllowedCheck } from './http/method-not-allowed.hook';
import { rateLimitCheck } from './http/rate-limit.hook';
import { installRequestGate } from './http/request-gate.hook';
import { installRequestMetrics } from './http/request-metrics.hook';
import { corsPlugin, securityHeaders } from './http/security-headers';
import { installSignalReadRoutes } from './signals/signal-reads.routes';

/** Builds, configures and starts the gateway (main.ts and the e2e tests share this). */
export function startGateway(config: GatewayConfig): Promise<NestFastifyApplication> {
  return bootstrapService(ApiGatewayModule.forRoot(config), {
    service: 'api-gateway',
    port: config.port,
    host: config.host,
    logLevel: config.logLevel,
    fastify: httpServerOptions(config),
    configure: async (app) => {
      const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
      await installRequestGate(fastify, {
        headers: securityHeaders(config),
        cors: corsPlugin(fastify, config),
        rateLimit: await rateLimitCheck(fastify, config),
        // The 405 check before any route is registered: it mirrors each one as it is added.
        checks: [answerMissingHost, methodNotAllowedCheck(fastify)],
      });
      installSignalReadRoutes(fastify, app, config);
      installRequestMetrics(app);
      setupSwagger(app);
      await installDashboard(fastify, config);
    },
  });
}
