import { Injectable } from '@nestjs/common';
import { ControlStore, RedisConnections } from '@app/redis-streams';
import type { ControlState, TradingState } from '@app/contracts';
import { getLogger } from '@app/observability';
import { SignalReadModel } from '../signals/signal-read-model.service';
import { controlChanges } from './control-metrics';

/**
 * Flips the kill switch in Redis (every replica follows the `control` stream) and applies the
 * change here at once, so the response and the next GET on this replica already reflect it.
 */
@Injectable()
export class ControlService {
  private readonly log = getLogger('control');
  private readonly store: ControlStore;

  constructor(
    connections: RedisConnections,
    private readonly readModel: SignalReadModel,
  ) {
    this.store = new ControlStore(connections.command);
  }

  current(): ControlState {
    this.readModel.assertReady();
    return this.readModel.control;
  }

  async set(trading: TradingState, by: string): Promise<{ state: ControlState; changed: boolean }> {
    this.readModel.assertReady();
    const { state, changed, entryId } = await this.store.change(trading, by);
    if (changed) {
      this.readModel.takeControl(state, entryId, true);
      controlChanges.inc({ trading });
      this.log.warn({ trading, by }, 'kill switch changed');
    }
    return { state: changed ? state : this.readModel.control, changed };
  }
}
