import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { GROUPS, PositionEventSchema, STREAMS, type PositionEvent } from '@app/contracts';
import { getLogger, type Liveness, type Running } from '@app/observability';
import { ConsumerGroupReader, registerGroupLagMetrics, type DecodedEntry } from '@app/redis-streams';
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
export class PositionConsumer implements OnApplicationBootstrap, OnModuleDestroy, Liveness, Running {
  private reader: ConsumerGroupReader<PositionEvent> | undefined;
  private readonly log = getLogger('positions');

  constructor(
    @Inject(NOTIFIER_CONFIG) private readonly cfg: NotifierConfig,
    private readonly connections: RedisConnections,
    private readonly queue: TelegramQueue,
  ) {}

  onApplicationBootstrap(): void {
    registerGroupLagMetrics(this.connections.command, STREAMS.positions, GROUPS.notifier);
    this.reader = new ConsumerGroupReader<PositionEvent>({
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
    this.reader.start();
  }

  async handle({ id, payload }: DecodedEntry<PositionEvent>): Promise<void> {
    if (payload.type === 'opened') {
      this.log.debug({ id, position_id: payload.position_id }, 'position opened: not reported (the signal was)');
      return;
    }
    await this.queue.enqueue(STREAMS.positions, { kind: 'position_closed', entry_id: id, event: payload });
  }

  isLive(): boolean {
    return this.reader?.isLive() ?? false;
  }

  isRunning(): boolean {
    return this.reader?.isRunning() ?? false;
  }

  describe(): Record<string, unknown> {
    return this.reader?.describe() ?? {};
  }

  async onModuleDestroy(): Promise<void> {
    await this.reader?.close();
  }
}
