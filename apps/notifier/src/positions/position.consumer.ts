import { Injectable } from '@nestjs/common';
import { PositionEventSchema, STREAMS, type NotificationJob, type PositionEvent } from '@app/contracts';
import { getLogger } from '@app/observability';
import type { DecodedEntry } from '@app/redis-streams';
import { NotifierGroupConsumer } from '../delivery/notifier-group.consumer';

/**
 * The `notifier` consumer group on `positions`: a `closed` event becomes a close report (one
 * `telegram` job keyed by the entry id, as for signals). `opened` events are acknowledged and not
 * sent: the chats already got the signal that opened the position, with the same entry, SL and TP.
 */
@Injectable()
export class PositionConsumer extends NotifierGroupConsumer<PositionEvent> {
  protected readonly stream = STREAMS.positions;
  protected readonly schema = PositionEventSchema;
  private readonly log = getLogger('positions');

  job({ id, payload }: DecodedEntry<PositionEvent>): NotificationJob | undefined {
    if (payload.type === 'opened') {
      this.log.debug({ id, position_id: payload.position_id }, 'position opened: not reported (the signal was)');
      return undefined;
    }
    return { kind: 'position_closed', entry_id: id, event: payload };
  }
}
