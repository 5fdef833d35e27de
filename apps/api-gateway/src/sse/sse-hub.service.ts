import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { ControlState } from '@app/contracts';
import { getLogger } from '@app/observability';
import type { GatewayConfig } from '../config';
import { DeliveryLatency } from '../latency/delivery-latency';
import { SignalFeed } from '../signals/signal-feed';
import { GATEWAY_CONFIG } from '../tokens';
import { SseClient } from './sse-client';
import { eventFrame, heartbeatFrame, SharedFrame } from './sse-frames';
import { registerSseHub, sseDisconnects } from './sse-metrics';

/**
 * Every SSE connection of this replica, fed from the one in-process SignalFeed: no Redis reader
 * per client. Sends the heartbeats and ends every stream on shutdown so the server can close.
 */
@Injectable()
export class SseHub implements OnModuleInit, OnModuleDestroy {
  private readonly log = getLogger('sse');
  private readonly clients = new Set<SseClient>();
  private unsubscribe: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private backlogCheck: NodeJS.Immediate | undefined;
  private readonly unregister = registerSseHub(this);

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly feed: SignalFeed,
    private readonly latency: DeliveryLatency,
  ) {}

  get clientCount(): number {
    return this.clients.size;
  }

  onModuleInit(): void {
    this.unsubscribe = this.feed.subscribe((event) => {
      if (this.clients.size === 0) return;
      // One frame for everyone: at thousands of clients, building and encoding it per client
      // was most of the fan-out's cost.
      const frame = eventFrame(event);
      for (const client of this.clients) client.deliver(event, frame);
      this.checkBacklogsSoon();
      // The feed publishes each signal once per replica: its first SSE write is now.
      if (event.type === 'signal') this.latency.observe('sse', (Date.now() - event.record.storedAtMs) / 1000);
    });
    this.heartbeat = setInterval(() => {
      if (this.clients.size === 0) return;
      const frame = new SharedFrame(Buffer.from(heartbeatFrame(new Date())));
      for (const client of this.clients) client.writeShared(frame);
      this.checkBacklogsSoon();
    }, this.config.sse.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Every client's backlog once after the current burst: one immediate, not one per client. */
  private checkBacklogsSoon(): void {
    this.backlogCheck ??= setImmediate(() => {
      this.backlogCheck = undefined;
      for (const client of this.clients) client.checkBacklog();
    });
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    if (this.backlogCheck !== undefined) clearImmediate(this.backlogCheck);
    this.unsubscribe?.();
    for (const client of [...this.clients]) client.end();
    this.unregister();
  }

  /** Registers a connection; it receives live events once `goLive()` is called on it. */
  connect(res: ServerResponse, symbol: string | undefined, control: ControlState, resumeAfter?: string): SseClient {
    const client = new SseClient(res, {
      symbol,
      control,
      resumeAfter,
      maxBufferBytes: this.config.sse.maxBufferBytes,
      onClose: (c, reason) => {
        this.clients.delete(c);
        sseDisconnects.inc({ reason });
        if (reason === 'dropped') this.log.warn({ symbol }, 'dropped a slow SSE client (buffer over the limit); it can resume with Last-Event-ID');
      },
    });
    if (!client.isClosed) this.clients.add(client);
    return client;
  }
}
