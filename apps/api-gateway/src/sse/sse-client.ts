import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { compareStreamIds } from '@app/redis-streams';
import type { FeedEvent } from '../signals/signal-feed';
import type { ControlState } from '@app/contracts';
import { controlFrame, RETRY_FRAME, signalFrame, type SharedFrame } from './sse-frames';

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

/** A live event and its frame, built once by the hub for every client. */
interface Framed {
  event: FeedEvent;
  frame: SharedFrame;
}

/**
 * One SSE connection. Live events arriving while it replays stored signals (resume with
 * Last-Event-ID) are held back and then sent without repeats; a client that does not read fast
 * enough is disconnected instead of letting its buffer grow without bound.
 */
export class SseClient {
  private closed = false;
  /** Live events held while catching up; null once live. */
  private held: Framed[] | null = [];
  private heldBytes = 0;
  /** The last signal sent by the resume (or its starting point); null once live signals are past it. */
  private lastSignalId: string | null = null;
  private backlogCheck: NodeJS.Immediate | undefined;
  /** Where shared frames go: the response's socket, once its headers went out with the first write. */
  private readonly socket: Socket | null;
  /** Whether the response is chunked (HTTP/1.1), so shared frames go out as chunks. */
  private readonly chunked: boolean;

  constructor(
    private readonly res: ServerResponse,
    private readonly opts: SseClientOptions,
  ) {
    this.lastSignalId = opts.resumeAfter ?? null;
    res.once('close', () => this.finish('closed'));
    // Through the response: it sends the headers with it. Every later write, through the response
    // or straight to the socket, is queued on the socket behind it, in call order.
    res.write(RETRY_FRAME + controlFrame(opts.control));
    this.socket = res.socket;
    this.chunked = res.chunkedEncoding;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * From the in-process feed, with the event's frame (the same Buffer for every client). The hub
   * checks every client's backlog once after the burst (`checkBacklog`).
   */
  deliver(event: FeedEvent, frame: SharedFrame): void {
    if (this.closed) return;
    // Not held back by a catch-up: a pause must reach the client before anything else does.
    if (event.type === 'control') return this.write(frame);
    if (!this.wants(event.record.signal.symbol)) return;
    if (this.held) {
      this.held.push({ event, frame });
      this.heldBytes += frame.bytes.length;
      if (this.heldBytes + this.res.writableLength > this.opts.maxBufferBytes) this.drop();
      return;
    }
    this.send(event, frame);
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
    for (const { event, frame } of held) if (!this.closed) this.send(event, frame);
    if (held.length && this.backlogCheck === undefined) this.backlogCheck = setImmediate(() => this.checkBacklog());
  }

  /** A frame every client gets (the heartbeat), shared like `deliver`'s. */
  writeShared(frame: SharedFrame): void {
    if (!this.closed) this.write(frame);
  }

  /** Server shutdown: end the response cleanly (the client reconnects elsewhere). */
  end(): void {
    if (this.closed) return;
    this.res.end();
    this.finish('closed');
  }

  /**
   * Run after a burst of writes: Node corks a response for the tick, so during a burst the buffer
   * holds the whole burst even for a fast reader. What is still unsent once the socket had its
   * chance is the client's real backlog.
   */
  checkBacklog(): void {
    this.backlogCheck = undefined;
    if (!this.closed && this.res.writableLength > this.opts.maxBufferBytes) this.drop();
  }

  private send(event: FeedEvent, frame: SharedFrame): void {
    if (event.type === 'signal' && this.lastSignalId !== null) {
      // A replica whose reader lags may still deliver what the resume already sent. The feed is
      // in stream order, so once one live signal is past the resume point every later one is:
      // the comparison (two BigInt parses, per client per event) is needed no more.
      if (compareStreamIds(event.record.signal.id, this.lastSignalId) <= 0) return;
      this.lastSignalId = null;
    }
    this.write(frame);
  }

  /**
   * A shared frame straight to the socket, as the response would frame it: one write of one
   * Buffer, no per-client allocation. Falls back to the response if it has no socket.
   */
  private write(frame: SharedFrame): void {
    if (this.socket === null) this.res.write(frame.bytes);
    else this.socket.write(this.chunked ? frame.chunked : frame.bytes);
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
