import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { GROUPS, SignalSchema, STREAMS, type NewSignal } from '@app/contracts';
import { getLogger, type Liveness, type Running } from '@app/observability';
import { ConsumerGroupReader, registerGroupLagMetrics, type DecodedEntry } from '@app/redis-streams';
import type { CloserConfig } from '../config';
import { MarketCatchUp } from '../market/market-catch-up';
import { openPosition, signalMarketTime } from '../positions/position';
import { PositionCloser } from '../positions/position-closer.service';
import { signalsIgnored } from '../positions/position.metrics';
import { PositionStore } from '../positions/position.store';
import { decideOnSignal } from '../positions/signal-decision';
import { RedisConnections } from '@app/redis-streams';
import { CLOCK, CLOSER_CONFIG, type Clock } from '../tokens';

/** Rounds of re-deciding when another replica changes the symbol's position under us. */
const MAX_ROUNDS = 5;

/**
 * The `position-closer` consumer group on `signals`: each signal opens a position keyed by its
 * id; an opposite signal first closes the symbol's open position at the new entry. Replicas
 * split the signals; the atomic open makes a redelivered signal, or two replicas racing on one
 * symbol, open nothing twice. A throw leaves the entry pending and it is retried.
 */
@Injectable()
export class SignalConsumer implements OnApplicationBootstrap, OnModuleDestroy, Liveness, Running {
  private reader: ConsumerGroupReader<NewSignal> | undefined;
  private readonly log = getLogger('signals');

  constructor(
    private readonly connections: RedisConnections,
    private readonly store: PositionStore,
    private readonly closer: PositionCloser,
    private readonly catchUp: MarketCatchUp,
    @Inject(CLOSER_CONFIG) private readonly config: CloserConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    registerGroupLagMetrics(this.connections.command, STREAMS.signals, GROUPS.positionCloser);
    this.reader = new ConsumerGroupReader<NewSignal>({
      stream: STREAMS.signals,
      group: GROUPS.positionCloser,
      consumer: this.config.CONSUMER_NAME,
      schema: SignalSchema,
      connection: this.connections.create('position-closer:signals'),
      claimIdleMs: this.config.CLAIM_IDLE_MS,
      claimIntervalMs: this.config.CLAIM_INTERVAL_MS,
      // A group created by the closer itself starts at the beginning: producers normally create
      // it first (STREAM_GROUPS), and signals written before the closer ever ran still count.
      groupStartId: '0',
      handle: (entry) => this.handle(entry),
    });
    this.reader.start();
  }

  async handle({ id, payload: signal }: DecodedEntry<NewSignal>): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const current = await this.store.openFor(signal.symbol);
      const decision = decideOnSignal(id, signal.direction, current);
      if (current && (decision.action === 'reverse' || (decision.action === 'ignore' && decision.reason === 'same_direction'))) {
        // The candle reader may lag behind the signals: the open position is judged on the
        // candles up to this signal's candle first, so a stop or target touched before it wins.
        await this.catchUp.upToSignal(current, id, signalMarketTime(signal));
        if ((await this.store.openFor(signal.symbol))?.position_id !== current.position_id) continue; // closed: decide again
      }
      switch (decision.action) {
        case 'duplicate':
          await this.closer.open(current!); // re-schedules a missing max-hold job
          await this.catchUp.afterOpening(current!, id);
          return;
        case 'ignore':
          signalsIgnored.inc({ reason: decision.reason });
          this.log.info({ signal_id: id, symbol: signal.symbol, open_position: current?.position_id, reason: decision.reason }, 'signal opens no position');
          return;
        case 'reverse':
          await this.closer.close(current!, 'opposite_signal', signal.entry_price);
          break;
        case 'open':
          break;
      }
      const lastSeen = await this.store.lastPrice(signal.symbol);
      const position = openPosition(id, signal, this.config.sizing, this.clock.now(), lastSeen?.time);
      const outcome = await this.closer.open(position);
      switch (outcome) {
        case 'opened':
          await this.catchUp.afterOpening(position, id);
          return;
        case 'exists': {
          // Opened before (a redelivery racing its first delivery): catch up on the stored one.
          const stored = await this.store.get(id);
          if (stored?.type === 'opened') await this.catchUp.afterOpening(stored, id);
          return;
        }
        case 'stale':
          signalsIgnored.inc({ reason: 'stale' });
          this.log.info({ signal_id: id, symbol: signal.symbol }, 'signal older than one already handled for the symbol; no position');
          return;
        case 'occupied':
          continue; // another replica opened one for the symbol meanwhile: decide again
      }
    }
    throw new Error(`position for ${signal.symbol} kept changing while handling signal ${id}; will retry`);
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
