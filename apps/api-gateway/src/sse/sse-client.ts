import type { ServerResponse } from 'node:http';
import { compareStreamIds } from '@app/redis-streams';
import type { FeedEvent } from '../signals/signal-feed';
import type { ControlState } from '@app/contracts';
import { ackFrame, controlFrame, heartbeatFrame, RETRY_FRAME, signalFrame } from './sse-frames';

export interface SseClientOptions {
  /** Only this symbol's signals and acks; all when undefined. */
  symbol?: string;
  /** Unsent bytes (socket buffer plus events held during catch-up) above which the client is dropped. */
  maxBufferBytes: number;
  /** Resume point (Last-Event-ID): no signal at or before it is sent, even by a replica whose reader lags. */
  resumeAfter?: string;
  /** The kill switch state at connect, sent right after the retry frame. */
  control: ControlState;
  /** Called once when the connection ends for any reason. */
  onClose: (client: SseClient, reason: 'closed' | 'dropped') => void;
}

/** A stored signal to replay on resume, already in its wire JSON. */
export interface CatchUpSignal {
  id: string;
  symbol: string;
  json: string;
}

/**
 * One SSE connection. Live events arriving while it replays stored signals (resume with
 * Last-Event-ID) are held back and then sent without repeats; a client that does not read fast
 * enough is disconnected instead of letting its buffer grow without bound.
 */
export class SseClient {
  private closed = false;
  /** Live events held while catching up; null once live. */
  private held: FeedEvent[] | null = [];
  private heldBytes = 0;
  private lastSignalId: string | null = null;
  private backlogCheck: NodeJS.Immediate | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly opts: SseClientOptions,
  ) {
    this.lastSignalId = opts.resumeAfter ?? null;
    res.once('close', () => this.finish('closed'));
    res.write(RETRY_FRAME + controlFrame(opts.control));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** From the in-process feed. */
  deliver(event: FeedEvent): void {
    if (this.closed) return;
    // Not held back by a catch-up: a pause must reach the client before anything else does.
    if (event.type === 'control') return this.write(controlFrame(event.state));
    if (!this.wants(event.record.signal.symbol)) return;
    if (this.held) {
      this.held.push(event);
      this.heldBytes += event.record.json.length;
      if (this.heldBytes + this.res.writableLength > this.opts.maxBufferBytes) this.drop();
      return;
    }
    this.send(event);
  }

  /** Replays stored signals at the pace the client reads them (waits for `drain`). */
  async catchUp(signals: AsyncIterable<CatchUpSignal>): Promise<void> {
    for await (const s of signals) {
      if (this.closed) return;
      if (!this.wants(s.symbol)) continue;
      this.lastSignalId = s.id;
      // Marked sent before the write: a live copy held meanwhile is then skipped.
      if (!this.res.write(signalFrame(s.id, s.json))) await this.drained();
    }
  }

  /** Ends the catch-up: sends what was held (skipping signals already replayed), then streams live. */
  goLive(): void {
    const held = this.held ?? [];
    this.held = null;
    this.heldBytes = 0;
    for (const event of held) if (!this.closed) this.send(event);
  }

  heartbeat(now: Date): void {
    if (!this.closed) this.write(heartbeatFrame(now));
  }

  /** Server shutdown: end the response cleanly (the client reconnects elsewhere). */
  end(): void {
    if (this.closed) return;
    this.res.end();
    this.finish('closed');
  }

  private send(event: FeedEvent): void {
    if (event.type === 'control') return this.write(controlFrame(event.state));
    if (event.type === 'ack') {
      this.write(ackFrame(event.record));
      return;
    }
    const { id } = event.record.signal;
    if (this.lastSignalId !== null && compareStreamIds(id, this.lastSignalId) <= 0) return;
    this.lastSignalId = id;
    this.write(signalFrame(id, event.record.json));
  }

  private write(frame: string): void {
    this.res.write(frame);
    if (this.backlogCheck === undefined) this.backlogCheck = setImmediate(() => this.checkBacklog());
  }

  /**
   * Runs after the current burst: Node corks a response for the tick, so during a burst the
   * buffer holds the whole burst even for a fast reader. What is still unsent once the socket had
   * its chance is the client's real backlog.
   */
  private checkBacklog(): void {
    this.backlogCheck = undefined;
    if (!this.closed && this.res.writableLength > this.opts.maxBufferBytes) this.drop();
  }

  private wants(symbol: string): boolean {
    return this.opts.symbol === undefined || this.opts.symbol === symbol;
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  /** A slow reader: cut it off; it reconnects with Last-Event-ID and resumes without a gap. */
  private drop(): void {
    if (this.closed) return;
    this.finish('dropped');
    this.res.destroy();
  }

  private finish(reason: 'closed' | 'dropped'): void {
    if (this.closed) return;
    this.closed = true;
    this.held = null;
    if (this.backlogCheck !== undefined) clearImmediate(this.backlogCheck);
    this.opts.onClose(this, reason);
  }
}
