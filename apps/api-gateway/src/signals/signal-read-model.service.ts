import { Inject, Injectable, ServiceUnavailableException, type OnModuleDestroy } from '@nestjs/common';
import { signalSource, type Signal } from '@app/contracts';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';
import { SignalFeed } from './signal-feed';
import { registerActiveSource, signalsReceived } from './signal-metrics';
import { SignalProjection, type AckOutcome } from './signal-projection';

/**
 * The one projection of this replica plus what changes it: the stream consumer feeds it, the ack
 * endpoint marks acknowledgements, and live changes go out on the SignalFeed to SSE clients.
 */
@Injectable()
export class SignalReadModel implements OnModuleDestroy {
  readonly projection: SignalProjection;
  private loaded = false;
  private readonly unregister: () => void;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly feed: SignalFeed,
  ) {
    this.projection = new SignalProjection({
      ttlMs: config.SIGNAL_TTL_SECONDS * 1000,
      activeMax: config.ACTIVE_MAX,
      historyMax: config.HISTORY_MAX,
      now: () => Date.now(),
    });
    this.unregister = registerActiveSource(this.projection);
  }

  onModuleDestroy(): void {
    this.unregister();
  }

  /** False until the first rebuild from Redis finished: until then lists would be wrongly empty. */
  get ready(): boolean {
    return this.loaded;
  }

  markLoaded(): void {
    this.loaded = true;
  }

  /** Throws 503 while the rebuild is still running. */
  assertReady(): void {
    if (!this.loaded) throw new ServiceUnavailableException('signals are still loading from Redis; retry shortly');
  }

  /** Signals in stream order. `live` ones are also pushed to SSE clients. */
  take(signals: Signal[], live: boolean): void {
    for (const signal of signals) {
      const applied = this.projection.apply(signal);
      if (!applied) continue;
      signalsReceived.inc({ source: signalSource(signal) });
      if (live) this.feed.publish({ type: 'signal', record: applied.record });
    }
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
