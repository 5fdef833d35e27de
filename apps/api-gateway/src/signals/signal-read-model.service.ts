import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DEFAULT_CONTROL_STATE, signalSource, type ControlState, type Signal } from '@app/contracts';
import { compareStreamIds } from '@app/redis-streams';
import type { GatewayConfig } from '../config';
import { ReadModel } from '../read-model';
import { GATEWAY_CONFIG } from '../tokens';
import { DeliveryLatency } from '../latency/delivery-latency';
import { SignalFeed } from './signal-feed';
import { registerActiveSource, signalsReceived } from './signal-metrics';
import { SignalProjection, type AckOutcome } from './signal-projection';

/**
 * The one projection of this replica plus what changes it: the stream consumer feeds it, the ack
 * endpoint marks acknowledgements, and live changes go out on the SignalFeed to SSE clients.
 */
@Injectable()
export class SignalReadModel extends ReadModel implements OnModuleDestroy {
  readonly projection: SignalProjection;
  private controlState: ControlState = DEFAULT_CONTROL_STATE;
  /** The `control` stream entry last applied: a change applied locally is not applied again by its echo. */
  private controlEntryId: string | null = null;
  private readonly unregister: () => void;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly feed: SignalFeed,
    private readonly latency: DeliveryLatency,
  ) {
    super('signals');
    this.projection = new SignalProjection({
      ttlMs: config.signals.ttlMs,
      activeMax: config.signals.activeMax,
      historyMax: config.signals.historyMax,
      now: () => Date.now(),
    });
    this.unregister = registerActiveSource(this.projection);
  }

  onModuleDestroy(): void {
    this.unregister();
  }

  /** Signals in stream order. `live` ones are also pushed to SSE clients. */
  take(signals: Signal[], live: boolean): void {
    for (const signal of signals) {
      const applied = this.projection.apply(signal);
      if (!applied) continue;
      signalsReceived.inc({ source: signalSource(signal) });
      // A paused signal is history only: SSE clients (the C# one included) must not see it as new.
      if (live && applied.record.state !== 'paused') {
        this.latency.observe('served', (Date.now() - applied.record.storedAtMs) / 1000);
        this.feed.publish({ type: 'signal', record: applied.record });
      }
    }
  }

  /** The kill switch as this replica last heard it. */
  get control(): ControlState {
    return this.controlState;
  }

  /**
   * A kill switch change (from this replica's endpoint, the control stream, or the rebuild).
   * Changes apply in stream order; an entry at or before the last applied one is ignored.
   */
  takeControl(state: ControlState, entryId: string | null, live: boolean): void {
    if (entryId !== null) {
      if (this.controlEntryId !== null && compareStreamIds(entryId, this.controlEntryId) <= 0) return;
      this.controlEntryId = entryId;
    }
    this.controlState = state;
    this.projection.setPaused(state.trading !== 'enabled');
    if (live) this.feed.publish({ type: 'control', state });
  }

  /** Marks an ack (from this replica's endpoint, another replica's event, or the rebuild). */
  takeAck(id: string, acknowledgedAt: string, live: boolean): AckOutcome {
    const outcome = this.projection.ack(id, acknowledgedAt);
    if (outcome === 'acknowledged') {
      const record = this.projection.find({ id });
      if (live && record) this.feed.publish({ type: 'ack', record });
    }
    return outcome;
  }
}
