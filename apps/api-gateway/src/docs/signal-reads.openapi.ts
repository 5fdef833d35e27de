import type { OpenAPIObject, OperationObject, ParameterObject, SchemaObject } from '@nestjs/swagger';
import { ERROR_SCHEMA, HISTORY_SCHEMA, LATEST_SCHEMA, SIGNAL_LIST_SCHEMA } from './openapi-schemas';

const LIST_QUERY: ParameterObject[] = [
  { name: 'timeframe', required: false, in: 'query', schema: { example: '1m' } },
  { name: 'limit', required: false, in: 'query', description: '1-500', schema: { example: 10 } },
];

const json = (schema: SchemaObject) => ({ description: '', content: { 'application/json': { schema } } });

function operation(operationId: string, summary: string, ok: SchemaObject, parameters: ParameterObject[]): OperationObject {
  return { operationId, summary, parameters, responses: { 200: json(ok), 400: json(ERROR_SCHEMA) }, security: [{ 'api-key': [] }], tags: ['signals'] };
}

/**
 * The OpenAPI operations of the routes in signals/signal-reads.routes.ts, which Fastify serves
 * without a Nest controller for Swagger to read: the same entries the controller's decorators
 * produced, so `/docs`, `/docs-json` and `GET /` list them as before.
 */
export function addSignalReadPaths(doc: OpenAPIObject): void {
  doc.paths['/api/signals'] = { get: operation('SignalReads_list', 'Active signals, newest first', SIGNAL_LIST_SCHEMA, LIST_QUERY) };
  doc.paths['/api/signals/latest'] = { get: operation('SignalReads_latest', 'The newest active signal, or null', LATEST_SCHEMA, []) };
  doc.paths['/api/signals/history'] = {
    get: operation('SignalReads_history', 'The last 500 signals with their state (active, acknowledged, expired, superseded)', HISTORY_SCHEMA, LIST_QUERY),
  };
}
