import { Inject, Injectable } from '@nestjs/common';
import type { NewSignal } from '@app/contracts';
import { getLogger } from '@app/observability';
import type { Fence } from '@app/redis-streams';
import type { CloserConfig } from '../config';
import { openPosition } from '../positions/position';
import { PositionCloser } from '../positions/position-closer.service';
import { signalsIgnored } from '../positions/position.metrics';
import { PositionStore } from '../positions/position.store';
import { decideOnSignal } from '../positions/signal-decision';
import { CLOCK, CLOSER_CONFIG, type Clock } from '../tokens';

/** Rounds of re-deciding when the symbol's position changes under us (a max-hold or manual close). */
const MAX_ROUNDS = 5;

/**
 * A signal: opens a position keyed by the signal's id; an opposite signal first closes the
 * symbol's open position at the new entry. The atomic open makes a redelivered signal open
 * nothing twice. A throw leaves the entry unhandled and it is retried, before any later entry of
 * its symbol. Every write is under the shard's `fence`.
 */
@Injectable()
export class SignalHandler {
  private readonly log = getLogger('signals');

  constructor(
    private readonly store: PositionStore,
    private readonly closer: PositionCloser,
    @Inject(CLOSER_CONFIG) private readonly config: CloserConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(id: string, signal: NewSignal, fence?: Fence): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const current = await this.store.openFor(signal.symbol);
      const decision = decideOnSignal(id, signal.direction, current);
      switch (decision.action) {
        case 'duplicate':
          await this.closer.open(current!, fence); // re-schedules a missing max-hold job
          return;
        case 'ignore':
          signalsIgnored.inc({ reason: decision.reason });
          this.log.info({ signal_id: id, symbol: signal.symbol, open_position: current?.position_id, reason: decision.reason }, 'signal opens no position');
          return;
        case 'reverse':
          await this.closer.close(current!, 'opposite_signal', signal.entry_price, fence);
          break;
        case 'open':
          break;
      }
      const lastSeen = await this.store.lastPrice(signal.symbol);
      const position = openPosition(id, signal, this.config.sizing, this.clock.now(), lastSeen?.time);
      const outcome = await this.closer.open(position, fence);
      switch (outcome) {
        case 'opened':
        case 'exists': // opened before: a redelivery racing its first delivery
          return;
        case 'stale':
          signalsIgnored.inc({ reason: 'stale' });
          this.log.info({ signal_id: id, symbol: signal.symbol }, 'signal older than one already handled for the symbol; no position');
          return;
        case 'occupied':
          continue; // opened for the symbol meanwhile (a redelivered entry): decide again
      }
    }
    throw new Error(`position for ${signal.symbol} kept changing while handling signal ${id}; will retry`);
  }
}
