import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { counter, histogram, LATENCY_BUCKETS } from '@app/observability';

/** Every RequestStats of this process: the request counter is read from them at scrape time. */
const instances = new Set<RequestStats>();

counter({
  name: 'http_requests_total',
  help: 'HTTP requests by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  // Counted once, in RequestStats (which /api/stats shows), and copied here when Prometheus
  // scrapes: no second count and no label hashing on every request.
  collect() {
    this.reset();
    for (const stats of instances) {
      for (const e of stats.endpoints()) for (const [status, n] of e.byStatus) this.inc({ method: e.method, route: e.route, status: String(status) }, n);
    }
  },
});

const requestDuration = histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by method and route pattern',
  labelNames: ['method', 'route'] as const,
  buckets: LATENCY_BUCKETS,
});

/** Route label for requests no route matched: raw URLs would give every typo its own series. */
export const UNMATCHED_ROUTE = '(unmatched)';

interface Endpoint {
  readonly method: string;
  readonly route: string;
  /** The histogram's labels, built once. */
  readonly labels: { method: string; route: string };
  readonly byStatus: Map<number, number>;
}

/**
 * Requests of this replica by endpoint (route pattern, e.g. `GET /api/signals/:symbol`) and
 * status, for /api/stats; the same numbers also go to Prometheus. Called on every response, so
 * an endpoint's entry is found by two map lookups on the strings the router already has.
 */
@Injectable()
export class RequestStats implements OnModuleDestroy {
  /** route → method → counts. */
  private readonly byRoute = new Map<string, Map<string, Endpoint>>();
  private total = 0;

  constructor() {
    instances.add(this);
  }

  onModuleDestroy(): void {
    instances.delete(this);
  }

  record(method: string, route: string | undefined, status: number, seconds: number): void {
    const e = this.endpoint(method, route ?? UNMATCHED_ROUTE);
    requestDuration.observe(e.labels, seconds);
    e.byStatus.set(status, (e.byStatus.get(status) ?? 0) + 1);
    this.total++;
  }

  endpoints(): Iterable<Endpoint> {
    return [...this.byRoute.values()].flatMap((m) => [...m.values()]);
  }

  snapshot(): { total: number; by_endpoint: Record<string, Record<string, number>> } {
    const by: Record<string, Record<string, number>> = {};
    const sorted = [...this.endpoints()].map((e) => [`${e.method} ${e.route}`, e] as const).sort(([a], [b]) => a.localeCompare(b));
    for (const [key, e] of sorted) {
      by[key] = Object.fromEntries([...e.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => [String(s), n]));
    }
    return { total: this.total, by_endpoint: by };
  }

  private endpoint(method: string, route: string): Endpoint {
    let byMethod = this.byRoute.get(route);
    if (!byMethod) this.byRoute.set(route, (byMethod = new Map<string, Endpoint>()));
    let e = byMethod.get(method);
    if (!e) byMethod.set(method, (e = { method, route, labels: { method, route }, byStatus: new Map() }));
    return e;
  }
}
