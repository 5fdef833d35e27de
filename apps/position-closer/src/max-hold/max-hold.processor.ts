import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { QUEUES, type MaxHoldJob } from '@app/contracts';
import { CloserWorker } from '../closer-worker';

/** Closes a position still open when its max-hold job comes due; a no-op if it closed earlier. */
@Injectable()
export class MaxHoldProcessor extends CloserWorker<MaxHoldJob> {
  protected readonly name = 'max-hold';
  protected readonly queue = QUEUES.maxHold;

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    this.worker?.on('failed', (job, err) => this.log.warn({ position_id: job?.data.position_id, err: err.message }, 'max-hold close failed; BullMQ retries it'));
  }

  async process(job: Job<MaxHoldJob>): Promise<{ closed: boolean }> {
    const closed = await this.closer.closeAtLastPrice(job.data.position_id, 'max_hold');
    return { closed: closed !== null };
  }
}
