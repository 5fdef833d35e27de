import type { OpenAPIObject } from '@nestjs/swagger';

export interface EndpointEntry {
  method: string;
  path: string;
  description: string;
}

/** Served outside the OpenAPI document. */
export const UNDOCUMENTED_ENDPOINTS: EndpointEntry[] = [
  { method: 'GET', path: '/metrics', description: 'Prometheus metrics' },
  { method: 'GET', path: '/docs', description: 'Swagger UI' },
  { method: 'GET', path: '/docs-json', description: 'OpenAPI document' },
];

/** The guide's endpoints come first, in the guide's order; others follow alphabetically. */
const GUIDE_ORDER = [
  'GET /',
  'GET /api/signals',
  'GET /api/signals/latest',
  'GET /api/signals/{symbol}',
  'POST /api/signals/acknowledge',
  'GET /api/health',
  'GET /api/stats',
  'GET /api/signals/history',
  'GET /api/signals/stream',
];

/**
 * `GET /`'s list, built from the OpenAPI document: every documented route of every module
 * (feature modules included) with its summary, so the index cannot fall behind the routes.
 */
export function endpointIndex(doc: OpenAPIObject): EndpointEntry[] {
  const entries: EndpointEntry[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = item[method];
      if (op) entries.push({ method: method.toUpperCase(), path, description: op.summary ?? '' });
    }
  }
  const rank = (e: EndpointEntry) => {
    const i = GUIDE_ORDER.indexOf(`${e.method} ${e.path}`);
    return i < 0 ? GUIDE_ORDER.length : i;
  };
  entries.sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  return [...entries, ...UNDOCUMENTED_ENDPOINTS];
}
