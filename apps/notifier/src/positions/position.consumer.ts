import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { GROUPS, PositionEventSchema, STREAMS, type PositionEvent } from '@app/contracts';
import { getLogger } from '@app/observability';
import { ConsumerGroupReader, type DecodedEntry, LoopHost, registerGroupLagMetrics } from '@app/redis-streams';
import type { NotifierConfig } from '../config';
import { RedisConnections } from '@app/redis-streams';
import { TelegramQueue } from '../delivery/telegram.queue';
import { NOTIFIER_CONFIG } from '../tokens';

/**
 * The `notifier` consumer group on `positions`: a `closed` event becomes a close report (one
 * `telegram` job keyed by the entry id, as for signals). `opened` events are acknowledged and not
 * sent: the chats already got the signal that opened the position, with the same entry, SL and TP.
 */
@Injectable()
export class PositionConsumer extends LoopHost implements OnApplicationBootstrap {
  private readonly log = getLogger('positions');

  constructor(
    @Inject(NOTIFIER_CONFIG) private readonly cfg: NotifierConfig,
    private readonly connections: RedisConnections,
    private readonly queue: TelegramQueue,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    registerGroupLagMetrics(this.connections.command, STREAMS.positions, GROUPS.notifier);
    const reader = new ConsumerGroupReader<PositionEvent>({
      stream: STREAMS.positions,
      group: GROUPS.notifier,
      consumer: this.cfg.consumer.name,
      schema: PositionEventSchema,
      connection: this.connections.create('notifier:positions'),
      claimIdleMs: this.cfg.consumer.claimIdleMs,
      claimIntervalMs: this.cfg.consumer.claimIntervalMs,
      groupStartId: '$',
      handle: (entry) => this.handle(entry),
    });
    reader.start();
    this.hosted = reader;
  }

  async handle({ id, payload }: DecodedEntry<PositionEvent>): Promise<void> {
    if (payload.type === 'opened') {
      this.log.debug({ id, position_id: payload.position_id }, 'position opened: not reported (the signal was)');
      return;
    }
    await this.queue.enqueue(STREAMS.positions, { kind: 'position_closed', entry_id: id, event: payload });
  }
}
