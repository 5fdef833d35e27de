import { fullJitterDelay } from './backoff';
import type { BinanceFeedMetrics } from './binance-feed.metrics';
import type { BinanceFeedStats } from './binance-feed.stats';
import type { ResolvedOptions } from './binance-futures.options';
import { BinanceWsConnection, describeCloseReason, type CloseReason } from './binance-ws.connection';
import type { FeedLogger } from './feed-logger';

export interface ShardHost {
  readonly running: boolean;
  readonly stats: BinanceFeedStats;
  readonly metrics: BinanceFeedMetrics;
  readonly log: FeedLogger;
  /** A text frame (or `null` for binary) from this shard's live or overlapping socket. */
  onFrame(data: Buffer | null): void;
  /** The shard (re)connected after a time without a socket: its kline symbols need a gap fill. */
  onReconnected(shard: StreamShard): void;
  /** The shard gained or lost its live socket. */
  onConnectedChanged(): void;
}

type Timings = Pick<
  ResolvedOptions,
  'connectTimeoutMs' | 'stallTimeoutMs' | 'closeTimeoutMs' | 'reconnectBaseMs' | 'reconnectMaxMs' | 'maxConnectionAgeMs'
>;

/**
 * One combined-stream connection's worth of streams (Binance allows 200 per connection) and its
 * life: reconnect with backoff, the stall watchdog (in BinanceWsConnection), and make-before-break
 * rotation ahead of the 24 h cut. Each shard lives on its own, so losing one socket costs only
 * its own symbols a gap fill; the others keep streaming.
 */
export class StreamShard {
  private active?: BinanceWsConnection;
  private pending?: BinanceWsConnection;
  private reconnectTimer?: NodeJS.Timeout;
  private rotationTimer?: NodeJS.Timeout;
  private attempt = 0;
  /** Separate from `attempt`: the live socket keeps resetting that one while replacements fail. */
  private rotationAttempt = 0;
  private paused = false;

  constructor(
    readonly index: number,
    readonly url: string,
    /** The kline symbols this shard carries (gap-filled after it reconnects). */
    readonly klineSymbols: readonly string[],
    private readonly cfg: Timings,
    private readonly host: ShardHost,
  ) {}

  get connected(): boolean {
    return this.active !== undefined;
  }

  open(): void {
    const conn: BinanceWsConnection = new BinanceWsConnection(
      this.url,
      { connectTimeoutMs: this.cfg.connectTimeoutMs, stallTimeoutMs: this.cfg.stallTimeoutMs, closeTimeoutMs: this.cfg.closeTimeoutMs },
      {
        onOpen: () => this.onOpen(conn),
        onMessage: (data) => {
          if (conn === this.active) this.attempt = 0;
          this.host.onFrame(data);
        },
        onClose: (reason) => this.onClose(conn, reason),
      },
    );
    this.pending = conn;
    conn.start();
  }

  /** Stops or resumes reading both sockets (backpressure from the delivery queue). */
  setPaused(paused: boolean): void {
    this.paused = paused;
    this.active?.setPaused(paused);
    this.pending?.setPaused(paused);
  }

  /** Cancels timers and closes both sockets; resolves once they are closed. */
  async close(): Promise<void> {
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.rotationTimer);
    const conns = [this.active, this.pending].filter((c): c is BinanceWsConnection => c !== undefined);
    this.active = undefined;
    this.pending = undefined;
    await Promise.all(conns.map((c) => c.close('stop')));
  }

  private onOpen(conn: BinanceWsConnection): void {
    const { host } = this;
    if (conn !== this.pending || !host.running) {
      void conn.close('not needed');
      return;
    }
    this.pending = undefined;
    const previous = this.active;
    this.active = conn;
    if (this.paused) conn.setPaused(true);
    host.stats.connects++;
    host.onConnectedChanged();
    this.armRotation(this.cfg.maxConnectionAgeMs);
    if (previous) {
      // Make-before-break: both sockets overlapped, so nothing was missed; the cursor drops repeats.
      host.stats.rotations++;
      this.rotationAttempt = 0;
      host.metrics.rotations.inc();
      host.log.info({ shard: this.index, connection: conn.id, replaced: previous.id }, 'rotated Binance connection');
      void previous.close('rotation');
      return;
    }
    host.log.info({ shard: this.index, connection: conn.id, attempt: this.attempt }, 'connected to Binance futures stream');
    host.onReconnected(this);
  }

  private onClose(conn: BinanceWsConnection, reason: CloseReason): void {
    const { host } = this;
    if (reason.kind === 'stall') {
      host.stats.stalls++;
      host.metrics.stalls.inc();
    }
    if (!host.running) return;
    if (conn === this.pending) {
      this.pending = undefined;
      if (this.active) {
        const delay = fullJitterDelay(this.rotationAttempt++, this.cfg.reconnectBaseMs, this.cfg.reconnectMaxMs);
        host.log.warn({ shard: this.index, reason: describeCloseReason(reason), retryInMs: delay }, 'rotation connection failed; keeping the current one');
        this.armRotation(delay);
      } else {
        host.log.warn({ shard: this.index, reason: describeCloseReason(reason) }, 'Binance connection attempt failed');
        this.scheduleReconnect();
      }
      return;
    }
    if (conn !== this.active) return; // the old half of a rotation
    this.active = undefined;
    host.onConnectedChanged();
    clearTimeout(this.rotationTimer);
    host.log.warn({ shard: this.index, connection: conn.id, reason: describeCloseReason(reason) }, 'disconnected from Binance futures stream');
    // A rotation already under way becomes the reconnect.
    if (!this.pending) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const { host } = this;
    const delay = fullJitterDelay(this.attempt++, this.cfg.reconnectBaseMs, this.cfg.reconnectMaxMs);
    host.stats.reconnects++;
    host.metrics.reconnects.inc();
    host.log.info({ shard: this.index, attempt: this.attempt, delayMs: delay }, `reconnecting to Binance in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (host.running) this.open();
    }, delay);
  }

  private armRotation(delayMs: number): void {
    clearTimeout(this.rotationTimer);
    this.rotationTimer = setTimeout(() => {
      this.rotationTimer = undefined;
      if (this.host.running && this.active && !this.pending) {
        this.host.log.info({ shard: this.index, connection: this.active.id }, 'opening a replacement Binance connection (max connection age)');
        this.open();
      }
    }, delayMs);
  }
}
