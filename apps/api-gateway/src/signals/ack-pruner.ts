import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { KEYS, STREAMS } from '@app/contracts';
import { getLogger } from '@app/observability';
import { firstStreamId, InterruptibleDelay, RedisConnections, STREAM_ID_RE } from '@app/redis-streams';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';
import { ackPrunable } from './ack-retention';
import { acksPruned } from './signal-metrics';

/**
 * Keeps the `signals:acks` hash bounded: every ACK_PRUNE_INTERVAL_MS it deletes the acks that
 * ackPrunable() allows (their signal trimmed from `signals`, or older than ACK_RETENTION_HOURS),
 * so the hash holds at most the acks of the signals still on the stream. Every replica runs it;
 * HDEL of an already deleted field is a no-op. Times are Redis's, as the stream ids are.
 */
@Injectable()
export class AckPruner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = getLogger('ack-pruner');
  private readonly delay = new InterruptibleDelay();
  private closing = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly connections: RedisConnections,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.acks.pruneIntervalMs > 0) this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.delay.wake();
    await this.loop;
  }

  /** One pass over the hash; returns how many acks it deleted. */
  async prune(): Promise<number> {
    const redis = this.connections.command;
    const [seconds, micros] = await redis.time();
    const cutoffMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - this.config.acks.retentionMs;
    const oldest = await firstStreamId(redis, STREAMS.signals);
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, flat] = await redis.hscan(KEYS.acks, cursor, 'COUNT', 1000);
      cursor = next;
      const doomed: string[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        const id = flat[i];
        // A field that is no stream id was never written by the gateway: leave it to an operator.
        if (STREAM_ID_RE.test(id) && ackPrunable(id, oldest === '0-0' ? null : oldest, cutoffMs)) doomed.push(id);
      }
      if (doomed.length) deleted += await redis.hdel(KEYS.acks, ...doomed);
    } while (cursor !== '0' && !this.closing);
    if (deleted) acksPruned.inc(deleted);
    return deleted;
  }

  private async run(): Promise<void> {
    while (!this.closing) {
      await this.delay.wait(this.config.acks.pruneIntervalMs);
      if (this.closing) break;
      try {
        const deleted = await this.prune();
        if (deleted) this.log.info({ deleted }, 'pruned acknowledgements of signals no longer servable');
      } catch (err) {
        this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'ack pruning failed; next pass later');
      }
    }
  }
}
