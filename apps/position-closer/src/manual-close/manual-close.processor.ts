import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { formatZodError, ManualCloseJobSchema, QUEUES } from '@app/contracts';
import { getLogger, type Liveness, type Running } from '@app/observability';
import { PositionCloser } from '../positions/position-closer.service';
import type { CloserConfig } from '../config';
import { RedisConnections } from '@app/redis-streams';
import { CLOSER_CONFIG } from '../tokens';

/**
 * Closes a position at the last price on a trader's request (gateway
 * `POST /api/positions/{id}/close` → `position-manual-close` queue).
 */
@Injectable()
export class ManualCloseProcessor implements OnApplicationBootstrap, OnModuleDestroy, Liveness, Running {
  private worker: Worker | undefined;
  private readonly log = getLogger('manual-close');

  constructor(
    private readonly connections: RedisConnections,
    private readonly closer: PositionCloser,
    @Inject(CLOSER_CONFIG) private readonly config: CloserConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker(QUEUES.manualClose, (job) => this.process(job), {
      connection: this.connections.create('position-closer:manual-close-worker', { maxRetriesPerRequest: null }),
      concurrency: 4,
      stalledInterval: this.config.queue.stalledIntervalMs,
    });
    this.worker.on('error', (err) => this.log.warn({ err: err.message }, 'manual-close worker error'));
  }

  async process(job: Job): Promise<{ closed: boolean }> {
    const parsed = ManualCloseJobSchema.safeParse(job.data);
    if (!parsed.success) {
      this.log.warn({ job_id: job.id, err: formatZodError(parsed.error) }, 'dropping a malformed manual-close job');
      throw new UnrecoverableError(`malformed manual-close job: ${formatZodError(parsed.error)}`);
    }
    const closed = await this.closer.closeAtLastPrice(parsed.data.position_id, 'manual');
    this.log.info({ request_id: parsed.data.request_id, position_id: parsed.data.position_id, closed: closed !== null }, 'manual close handled');
    return { closed: closed !== null };
  }

  isLive(): boolean {
    return this.isRunning();
  }

  /** BullMQ keeps the worker running through a Redis outage: it reconnects by itself. */
  isRunning(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
