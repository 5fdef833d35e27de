import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, type OpenAPIObject } from '@nestjs/swagger';
import { responseTimestamp } from '@app/contracts';
import { Public } from '@app/observability';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';
import { endpointIndex, UNDOCUMENTED_ENDPOINTS, type EndpointEntry } from './endpoint-index';

@ApiTags('operations')
@Public()
@Controller()
export class IndexController {
  private endpoints: EndpointEntry[] = UNDOCUMENTED_ENDPOINTS;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  /** Called once at start with the generated OpenAPI document (see setupSwagger). */
  useDocument(doc: OpenAPIObject): void {
    this.endpoints = endpointIndex(doc);
  }

  @Get()
  @ApiOperation({ summary: 'API documentation: a JSON index of the endpoints' })
  @ApiOkResponse({ description: 'Endpoints with method, path and description' })
  index(): Record<string, unknown> {
    return {
      status: 'success',
      name: 'ATAS signal API (api-gateway)',
      docs: { swagger_ui: '/docs', openapi: '/docs-json' },
      api_key_required: this.config.apiKey !== undefined,
      endpoints: this.endpoints,
      timestamp: responseTimestamp(),
    };
  }
}
