import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrapService } from '@app/observability';
import { ApiGatewayModule } from './api-gateway.module';
import type { GatewayConfig } from './config';
import { setupSwagger } from './docs/swagger';
import { installRequestMetrics } from './http/request-metrics.hook';

/** Builds, configures and starts the gateway (main.ts and the e2e tests share this). */
export function startGateway(config: GatewayConfig): Promise<NestFastifyApplication> {
  return bootstrapService(ApiGatewayModule.forRoot(config), {
    service: 'api-gateway',
    port: config.PORT,
    host: config.HOST,
    logLevel: config.LOG_LEVEL,
    configure: (app) => {
      installRequestMetrics(app);
      setupSwagger(app);
    },
  });
}
