import { Injectable } from '@nestjs/common';
import { histogram, LATENCY_BUCKETS, quantileMs } from '@app/observability';

/**
 * How long a signal takes from Redis to each place it is delivered, measured from its stream id's
 * time (when Redis stored it: the same clock for every replica). The ack stage starts earlier, at
 * the signal's own timestamp, because that is what the trader experiences end to end.
 */
export type LatencyStage = 'served' | 'sse' | 'ack';

const BUCKETS = [0.0005, ...LATENCY_BUCKETS, 30, 60];

const histograms = {
  served: histogram({
    name: 'gateway_signal_served_latency_seconds',
    help: 'From the signal stored on the stream to this replica serving it (read model applied)',
    buckets: BUCKETS,
  }),
  sse: histogram({
    name: 'gateway_signal_sse_latency_seconds',
    help: 'From the signal stored on the stream to its first SSE write on this replica',
    buckets: BUCKETS,
  }),
  ack: histogram({
    name: 'gateway_signal_ack_latency_seconds',
    help: "From the signal's timestamp to its first acknowledgement (ATAS executed it)",
    buckets: [...BUCKETS.filter((b) => b >= 0.01), 120, 300],
  }),
};

/** Samples kept per stage for /api/stats percentiles (the histograms have buckets, not exact quantiles). */
const RECENT_MAX = 1000;

/** Recent samples per stage for /api/stats, and the Prometheus histograms. */
@Injectable()
export class DeliveryLatency {
  private readonly recent: Record<LatencyStage, number[]> = { served: [], sse: [], ack: [] };
  private readonly count: Record<LatencyStage, number> = { served: 0, sse: 0, ack: 0 };

  observe(stage: LatencyStage, seconds: number): void {
    // A clock step between hosts can make a delay negative; it still counts as "no delay".
    const s = Math.max(0, seconds);
    histograms[stage].observe(s);
    const ring = this.recent[stage];
    ring.push(s);
    if (ring.length > RECENT_MAX) ring.shift();
    this.count[stage]++;
  }

  /** p50/p99 (ms) of the last RECENT_MAX samples of each stage, and how many were observed in all. */
  snapshot(): Record<LatencyStage, { count: number; p50_ms: number | null; p99_ms: number | null }> {
    const out = {} as Record<LatencyStage, { count: number; p50_ms: number | null; p99_ms: number | null }>;
    for (const stage of Object.keys(this.recent) as LatencyStage[]) {
      const sorted = [...this.recent[stage]].sort((a, b) => a - b);
      out[stage] = { count: this.count[stage], p50_ms: quantileMs(sorted, 0.5), p99_ms: quantileMs(sorted, 0.99) };
    }
    return out;
  }
}
