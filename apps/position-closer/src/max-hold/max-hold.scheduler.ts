import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { BULLMQ_PREFIX, QUEUES } from '@app/contracts';
import { getLogger, stepWithinShutdown } from '@app/observability';
import type { CloserConfig } from '../config';
import type { MaxHoldTimer } from '../positions/max-hold-timer';
import type { OpenPosition } from '../positions/position';
import { RedisConnections } from '@app/redis-streams';
import { CLOCK, CLOSER_CONFIG, type Clock } from '../tokens';
import type { MaxHoldJob } from '@app/contracts';

/**
 * One delayed BullMQ job per position (job id = position id): adding it again after a
 * redelivered signal is a no-op, and the delay counts from `opened_at`, so it never extends.
 */
@Injectable()
export class MaxHoldScheduler implements MaxHoldTimer, OnModuleDestroy {
  private readonly queue: Queue<MaxHoldJob>;
  private readonly log = getLogger('max-hold');

  constructor(
    connections: RedisConnections,
    @Inject(CLOSER_CONFIG) private readonly config: CloserConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.queue = new Queue<MaxHoldJob>(QUEUES.maxHold, {
      connection: connections.create('position-closer:max-hold-queue', { maxRetriesPerRequest: null }),
      prefix: BULLMQ_PREFIX,
    });
    // Without a listener BullMQ prints the error itself, with console.error and every property.
    this.queue.on('error', (err) => this.log.warn({ err: err.message }, 'max-hold queue error'));
  }

  async schedule(position: OpenPosition): Promise<void> {
    const due = Date.parse(position.opened_at) + this.config.maxHoldMs;
    await this.queue.add(
      'max-hold',
      { position_id: position.position_id },
      {
        jobId: position.position_id,
        delay: Math.max(0, due - this.clock.now().getTime()),
        attempts: 10,
        backoff: { type: 'exponential', delay: 500 },
        ...this.config.queue.retention,
      },
    );
  }

  /** Drops the job of a position closed earlier; a job already running finds the position closed. */
  async cancel(positionId: string): Promise<void> {
    try {
      await this.queue.remove(positionId);
    } catch (err) {
      this.log.debug({ position_id: positionId, err: err instanceof Error ? err.message : String(err) }, 'max-hold job not removed');
    }
  }

  async onModuleDestroy(): Promise<void> {
    await stepWithinShutdown('max-hold queue', this.queue.close());
  }
}
