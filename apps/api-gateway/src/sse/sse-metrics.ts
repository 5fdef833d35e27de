import { counter, gauge } from '@app/observability';

const hubs = new Set<{ readonly clientCount: number }>();

export function registerSseHub(hub: { readonly clientCount: number }): () => void {
  hubs.add(hub);
  return () => hubs.delete(hub);
}

gauge({
  name: 'gateway_sse_clients',
  help: 'Connected SSE clients (GET /api/signals/stream)',
  collect() {
    let n = 0;
    for (const h of hubs) n += h.clientCount;
    this.set(n);
  },
});

export const sseDisconnects = counter({
  name: 'gateway_sse_disconnects_total',
  help: 'SSE connections ended: closed (client or shutdown) or dropped (too slow, buffer over the limit)',
  labelNames: ['reason'] as const,
});
