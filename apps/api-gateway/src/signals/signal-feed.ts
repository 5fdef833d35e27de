import { Injectable } from '@nestjs/common';
import type { ControlState } from '@app/contracts';
import type { SignalRecord } from './signal-record';

/** What SSE clients are told: a new signal, that a signal was acknowledged, or a kill switch change (on any replica). */
export type FeedEvent = { type: 'signal'; record: SignalRecord } | { type: 'ack'; record: SignalRecord } | { type: 'control'; state: ControlState };

export type FeedListener = (event: FeedEvent) => void;

/**
 * The in-process fan-out of the stream readers: one Redis reader per replica, any number of
 * listeners (SSE clients). Listeners run synchronously and must not throw or block.
 */
@Injectable()
export class SignalFeed {
  private readonly listeners = new Set<FeedListener>();

  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: FeedEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
