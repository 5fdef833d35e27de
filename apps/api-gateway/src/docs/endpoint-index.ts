/** `GET /`: the API at a glance (the guide's "API Documentation" curl line). Swagger has the detail. */
export const ENDPOINTS = [
  { method: 'GET', path: '/api/signals', description: 'Active signals, newest first; ?timeframe=1m&limit=10' },
  { method: 'GET', path: '/api/signals/latest', description: 'The newest active signal, or null' },
  { method: 'GET', path: '/api/signals/{symbol}', description: 'Active signals of one symbol, e.g. /api/signals/ETHUSDT' },
  { method: 'GET', path: '/api/signals/history', description: 'The last 500 signals with their state' },
  { method: 'POST', path: '/api/signals/acknowledge', description: 'Mark a signal processed: {"timestamp": "..."} or {"id": "..."}' },
  {
    method: 'GET',
    path: '/api/signals/stream',
    description: 'Server-sent events: new signals and acks as they happen; ?symbol=, resume with Last-Event-ID',
  },
  { method: 'GET', path: '/api/health', description: 'Health check (Redis and stream readers)' },
  { method: 'GET', path: '/api/stats', description: 'API usage statistics' },
  { method: 'GET', path: '/metrics', description: 'Prometheus metrics' },
  { method: 'GET', path: '/docs', description: 'Swagger UI' },
  { method: 'GET', path: '/docs-json', description: 'OpenAPI document' },
] as const;
