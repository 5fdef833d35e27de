import { Injectable } from '@nestjs/common';
import { counter, histogram, LATENCY_BUCKETS } from '@app/observability';

const requestsTotal = counter({
  name: 'http_requests_total',
  help: 'HTTP requests by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
});

const requestDuration = histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by method and route pattern',
  labelNames: ['method', 'route'] as const,
  buckets: LATENCY_BUCKETS,
});

/** Route label for requests no route matched: raw URLs would give every typo its own series. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * Requests of this replica by endpoint (route pattern, e.g. `GET /api/signals/:symbol`) and
 * status, for /api/stats; the same numbers also go to Prometheus.
 */
@Injectable()
export class RequestStats {
  private readonly byEndpoint = new Map<string, Map<number, number>>();
  private total = 0;

  record(method: string, route: string | undefined, status: number, seconds: number): void {
    const r = route ?? UNMATCHED_ROUTE;
    requestsTotal.inc({ method, route: r, status: String(status) });
    requestDuration.observe({ method, route: r }, seconds);
    const key = `${method} ${r}`;
    let byStatus = this.byEndpoint.get(key);
    if (!byStatus) this.byEndpoint.set(key, (byStatus = new Map<number, number>()));
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    this.total++;
  }

  snapshot(): { total: number; by_endpoint: Record<string, Record<string, number>> } {
    const by: Record<string, Record<string, number>> = {};
    for (const [endpoint, byStatus] of [...this.byEndpoint].sort(([a], [b]) => a.localeCompare(b))) {
      by[endpoint] = Object.fromEntries([...byStatus].sort(([a], [b]) => a - b).map(([s, n]) => [String(s), n]));
    }
    return { total: this.total, by_endpoint: by };
  }
}
