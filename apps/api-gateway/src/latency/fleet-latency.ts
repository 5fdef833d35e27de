import { Injectable } from '@nestjs/common';
import { FLEET_LATENCY_STAGES, latencySamplesKey, type FleetLatencyStage } from '@app/contracts';
import { LatencySamples, type LatencySummary } from '@app/observability';
import { RedisConnections } from '@app/redis-streams';

/** Longest /api/stats waits for Redis before it answers without the fleet's stages. */
const READ_TIMEOUT_MS = 500;

/** A stage whose samples could not be read: the same shape, every figure null. */
const UNKNOWN = { count: null, p50_ms: null, p99_ms: null };

/**
 * The stages measured by other services (candle close → signal on the stream by the generator,
 * stream → Telegram accepted by the notifier), read from the samples they keep in Redis. Their
 * figures cover every replica of those services, unlike this gateway's own stages.
 */
@Injectable()
export class FleetLatency {
  private readonly samples: Record<FleetLatencyStage, LatencySamples>;

  constructor(connections: RedisConnections) {
    this.samples = Object.fromEntries(FLEET_LATENCY_STAGES.map((s) => [s, new LatencySamples(connections.command, { key: latencySamplesKey(s) })])) as Record<
      FleetLatencyStage,
      LatencySamples
    >;
  }

  async snapshot(): Promise<Record<FleetLatencyStage, LatencySummary | typeof UNKNOWN>> {
    const read = Promise.all(FLEET_LATENCY_STAGES.map((s) => this.samples[s].summary()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), READ_TIMEOUT_MS)));
    // /api/stats answers from memory; Redis being slow or away only blanks these two stages.
    const summaries = await Promise.race([read.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
    return Object.fromEntries(FLEET_LATENCY_STAGES.map((s, i) => [s, summaries?.[i] ?? UNKNOWN])) as Record<FleetLatencyStage, LatencySummary | typeof UNKNOWN>;
  }
}
