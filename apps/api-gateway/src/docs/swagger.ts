import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { IndexController } from './index.controller';
import { addSignalReadPaths } from './signal-reads.openapi';

/** Swagger UI at `/docs`, the OpenAPI document at `/docs-json`; `GET /` lists the same routes. */
export function setupSwagger(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('ATAS signal API')
    .setDescription(
      'Trading signals for ATAS strategies, as in the ATAS integration guide. Every error is {"status":"error","message":...}.',
    )
    .setVersion('1.0')
    .addApiKey({ type: 'apiKey', name: 'X-API-Key', in: 'header', description: 'Only when the gateway runs with API_KEY' }, 'api-key')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  addSignalReadPaths(document);
  app.get(IndexController).useDocument(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
