import { Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { formatZodError, ManualCloseJobSchema, QUEUES } from '@app/contracts';
import { CloserWorker } from '../closer-worker';

/**
 * Closes a position at the last price on a trader's request (gateway
 * `POST /api/positions/{id}/close` → `position-manual-close` queue).
 */
@Injectable()
export class ManualCloseProcessor extends CloserWorker<unknown> {
  protected readonly name = 'manual-close';
  protected readonly queue = QUEUES.manualClose;

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
