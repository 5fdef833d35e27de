import { Injectable } from '@nestjs/common';
import { ControlEventSchema, STREAMS, type ControlEvent, type NotificationJob } from '@app/contracts';
import type { DecodedEntry } from '@app/redis-streams';
import { NotifierGroupConsumer } from '../delivery/notifier-group.consumer';

/**
 * The `notifier` consumer group on `control`: each kill switch change (pause, resume, flatten)
 * becomes one `telegram` job keyed by its entry id, announced to every chat like a signal. The
 * gateway's ControlStore creates the group before its first change (STREAM_GROUPS).
 */
@Injectable()
export class ControlConsumer extends NotifierGroupConsumer<ControlEvent> {
  protected readonly stream = STREAMS.control;
  protected readonly schema = ControlEventSchema;

  job({ id, payload }: DecodedEntry<ControlEvent>): NotificationJob {
    return { kind: 'control', entry_id: id, event: payload };
  }
}
