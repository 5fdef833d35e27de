import { counter, gauge } from '@app/observability';

export const signalsReceived = counter({
  name: 'gateway_signals_received_total',
  help: 'Signals taken into the read model from the signals stream (rebuild and live), by metadata.source (unknown when missing)',
  labelNames: ['source'] as const,
});

/** Read models of this process (one in production; tests may run two replicas in one process). */
const activeSources = new Set<{ readonly activeSize: number }>();

export function registerActiveSource(source: { readonly activeSize: number }): () => void {
  activeSources.add(source);
  return () => activeSources.delete(source);
}

// Read at scrape time: expiry happens lazily, so a gauge set on change would go stale.
gauge({
  name: 'gateway_active_signals',
  help: 'Signals currently active (served by /api/signals)',
  collect() {
    let n = 0;
    for (const s of activeSources) n += s.activeSize;
    this.set(n);
  },
});

export const acksTotal = counter({
  name: 'gateway_acks_total',
  help: 'POST /api/signals/acknowledge outcomes on this replica',
  labelNames: ['result'] as const,
});

export const acksPruned = counter({
  name: 'gateway_acks_pruned_total',
  help: 'Stored acknowledgements deleted because their signal can no longer be served (trimmed from the stream, or older than ACK_RETENTION_HOURS)',
});

/** Same series as the stream readers' own counter, so a dashboard sees rebuild skips too. */
export const malformedSignalEntries = counter({
  name: 'stream_malformed_entries_total',
  help: 'Stream entries that failed to decode or validate; counted, logged and skipped',
  labelNames: ['stream', 'reader'] as const,
});
