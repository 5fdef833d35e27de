import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { formatZodError, ManualCloseJobSchema, QUEUES } from '@app/contracts';
import { getLogger } from '@app/observability';
import { PositionCloser } from '../positions/position-closer.service';
import type { CloserConfig } from '../config';
import { LoopHost, RedisConnections } from '@app/redis-streams';
import { CLOSER_CONFIG } from '../tokens';

/**
 * Closes a position at the last price on a trader's request (gateway
 * `POST /api/positions/{id}/close` → `position-manual-close` queue).
 */
@Injectable()
export class ManualCloseProcessor extends LoopHost implements OnApplicationBootstrap {
  private readonly log = getLogger('manual-close');

  constructor(
    private readonly connections: RedisConnections,
    private readonly closer: PositionCloser,
    @Inject(CLOSER_CONFIG) private readonly config: CloserConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    const worker = new Worker(QUEUES.manualClose, (job) => this.process(job), {
      connection: this.connections.create('position-closer:manual-close-worker', { maxRetriesPerRequest: null }),
      concurrency: 4,
      stalledInterval: this.config.queue.stalledIntervalMs,
    });
    this.hosted = worker;
    worker.on('error', (err) => this.log.warn({ err: err.message }, 'manual-close worker error'));
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
}
