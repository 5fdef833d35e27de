import { Injectable } from '@nestjs/common';
import { SignalSchema, STREAMS, type NewSignal, type NotificationJob } from '@app/contracts';
import type { DecodedEntry } from '@app/redis-streams';
import { NotifierGroupConsumer } from '../delivery/notifier-group.consumer';

/**
 * The `notifier` consumer group on `signals`: each entry becomes one `telegram` job whose id is
 * the entry id, then the reader XACKs. A crash between the two redelivers the entry (to this
 * replica on restart, or to another by XAUTOCLAIM) and the add finds the job already there.
 */
@Injectable()
export class SignalConsumer extends NotifierGroupConsumer<NewSignal> {
  protected readonly stream = STREAMS.signals;
  protected readonly schema = SignalSchema;

  job({ id, payload }: DecodedEntry<NewSignal>): NotificationJob {
    return { kind: 'signal', entry_id: id, signal: payload };
  }
}
