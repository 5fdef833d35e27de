import type { Candle } from '@app/contracts';
import { getLogger, type Liveness } from '@app/observability';
import type { MarketDataSource } from '../market-data-source';
import { timeframeMs } from '../timeframe';
import { fullJitterDelay } from './backoff';
import { combinedStreamUrl, streamNames } from './binance-endpoints';
import { binanceFeedMetrics, type BinanceFeedMetrics } from './binance-feed.metrics';
import { resolveOptions, type BinanceFuturesSourceOptions, type ResolvedOptions } from './binance-futures.options';
import { BinanceRestClient } from './binance-rest.client';
import { BinanceWsConnection, describeCloseReason, type CloseReason } from './binance-ws.connection';
import { emptyStats, type BinanceFeedStats } from './binance-feed.stats';
import { CandleSequence } from './candle-sequence';
import { GapFiller } from './gap-filler';
import type { FeedLogger } from './feed-logger';
import type { AggTrade } from './agg-trade.parser';
import { parseStreamFrame, type FrameContext } from './stream-frame.parser';

type State = 'idle' | 'running' | 'stopping' | 'stopped';

/**
 * Live closed candles from the Binance USDT-M futures combined stream.
 *
 * Exactly once and in order per symbol: every candle passes one serial queue and a per-symbol
 * cursor (`CandleSequence`). A gap, whether left by a reconnect or seen as a jump in open times,
 * is filled from REST before the next live candle goes out. Connections are replaced
 * make-before-break ahead of Binance's 24 h cut, so a rotation loses nothing.
 */
export class BinanceFuturesSource implements MarketDataSource, Liveness {
  readonly stats: BinanceFeedStats = emptyStats();
  private readonly cfg: ResolvedOptions;
  private readonly url: string;
  private readonly frameCtx: FrameContext;
  private readonly gaps: GapFiller;
  private readonly sequence: CandleSequence;
  private readonly lastAggTradeId = new Map<string, number>();
  private readonly log: FeedLogger;
  private readonly metrics: BinanceFeedMetrics;

  private state: State = 'idle';
  private active?: BinanceWsConnection;
  private pending?: BinanceWsConnection;
  private reconnectTimer?: NodeJS.Timeout;
  private rotationTimer?: NodeJS.Timeout;
  private attempt = 0;
  /** Separate from `attempt`: the live socket keeps resetting that one while replacements fail. */
  private rotationAttempt = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly abort = new AbortController();
  private onCandle: (candle: Candle) => Promise<void> | void = () => undefined;
  private finished?: { resolve: () => void; reject: (err: unknown) => void };
  private stopped?: Promise<void>;
  private lastDeliveredAt?: number;

  constructor(options: BinanceFuturesSourceOptions) {
    this.cfg = resolveOptions(options);
    const intervalMs = timeframeMs(this.cfg.interval);
    const streams = streamNames({ klineSymbols: this.cfg.symbols, interval: this.cfg.interval, aggTradeSymbols: this.cfg.aggTradeSymbols });
    this.url = combinedStreamUrl(this.cfg.wsBaseUrl, streams);
    this.frameCtx = { streams: new Set(streams), interval: this.cfg.interval, intervalMs };
    this.sequence = new CandleSequence(intervalMs);
    this.log = options.logger ?? getLogger('binance-feed');
    this.metrics = options.metrics ?? binanceFeedMetrics();
    const rest = new BinanceRestClient({
      ...this.cfg.rest,
      logger: this.log,
      onRetry: (endpoint, status) => this.metrics.restRetries.inc({ endpoint, status }),
    });
    this.gaps = new GapFiller({
      rest,
      klines: this.frameCtx,
      pageSize: this.cfg.gapFillPageSize,
      closedGraceMs: this.cfg.closedGraceMs,
      now: this.cfg.now,
      signal: this.abort.signal,
      log: this.log,
      metrics: this.metrics,
      stats: this.stats,
      deliver: (candle) => this.deliver(candle),
    });
  }

  get connected(): boolean {
    return this.active !== undefined;
  }

  /** Wall-clock ms of the last delivery (health: age of the last candle). */
  get lastCandleAt(): number | undefined {
    return this.lastDeliveredAt;
  }

  isLive(): boolean {
    return this.connected;
  }

  describe(): Record<string, unknown> {
    return { connected: this.connected, last_candle_at: this.lastDeliveredAt, ...this.stats };
  }

  /**
   * Connects and delivers closed candles until `stop()`. Resolves after `stop()`; rejects (and
   * tears the feed down) if `onCandle` throws, like the replay source.
   */
  run(onCandle: (candle: Candle) => Promise<void> | void): Promise<void> {
    if (this.state !== 'idle') return Promise.reject(new Error('BinanceFuturesSource.run() may only be called once'));
    this.state = 'running';
    this.onCandle = onCandle;
    const done = new Promise<void>((resolve, reject) => (this.finished = { resolve, reject }));
    this.log.info({ url: this.url }, 'connecting to Binance futures stream');
    this.open();
    return done;
  }

  /** Closes sockets, cancels timers and REST calls, waits for an in-flight `onCandle`. Idempotent. */
  stop(): Promise<void> {
    if (this.state === 'idle') this.state = 'stopped';
    if (this.state === 'running') this.stopped = this.shutdown();
    return this.stopped ?? Promise.resolve();
  }

  // ---- connection lifecycle -------------------------------------------------------------------

  private open(): void {
    const conn: BinanceWsConnection = new BinanceWsConnection(
      this.url,
      { connectTimeoutMs: this.cfg.connectTimeoutMs, stallTimeoutMs: this.cfg.stallTimeoutMs, closeTimeoutMs: this.cfg.closeTimeoutMs },
      {
        onOpen: () => this.onOpen(conn),
        onMessage: (text) => this.onMessage(conn, text),
        onClose: (reason) => this.onClose(conn, reason),
      },
    );
    this.pending = conn;
    conn.start();
  }

  private onOpen(conn: BinanceWsConnection): void {
    if (conn !== this.pending || this.state !== 'running') {
      void conn.close('not needed');
      return;
    }
    this.pending = undefined;
    const previous = this.active;
    this.active = conn;
    this.stats.connects++;
    this.metrics.connected.set(1);
    this.armRotation(this.cfg.maxConnectionAgeMs);
    if (previous) {
      // Make-before-break: both sockets overlapped, so nothing was missed; the cursor drops repeats.
      this.stats.rotations++;
      this.rotationAttempt = 0;
      this.metrics.rotations.inc();
      this.log.info({ connection: conn.id, replaced: previous.id }, 'rotated Binance connection');
      void previous.close('rotation');
      return;
    }
    this.log.info({ connection: conn.id, attempt: this.attempt }, 'connected to Binance futures stream');
    this.enqueue(() => this.fillAfterReconnect());
  }

  private onClose(conn: BinanceWsConnection, reason: CloseReason): void {
    if (reason.kind === 'stall') {
      this.stats.stalls++;
      this.metrics.stalls.inc();
    }
    if (this.state !== 'running') return;
    if (conn === this.pending) {
      this.pending = undefined;
      if (this.active) {
        const delay = fullJitterDelay(this.rotationAttempt++, this.cfg.reconnectBaseMs, this.cfg.reconnectMaxMs);
        this.log.warn({ reason: describeCloseReason(reason), retryInMs: delay }, 'rotation connection failed; keeping the current one');
        this.armRotation(delay);
      } else {
        this.log.warn({ reason: describeCloseReason(reason) }, 'Binance connection attempt failed');
        this.scheduleReconnect();
      }
      return;
    }
    if (conn !== this.active) return; // the old half of a rotation
    this.active = undefined;
    this.metrics.connected.set(0);
    clearTimeout(this.rotationTimer);
    this.log.warn({ connection: conn.id, reason: describeCloseReason(reason) }, 'disconnected from Binance futures stream');
    // A rotation already under way becomes the reconnect.
    if (!this.pending) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = this.nextBackoff();
    this.stats.reconnects++;
    this.metrics.reconnects.inc();
    this.log.info({ attempt: this.attempt, delayMs: delay }, `reconnecting to Binance in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.state === 'running') this.open();
    }, delay);
  }

  private nextBackoff(): number {
    return fullJitterDelay(this.attempt++, this.cfg.reconnectBaseMs, this.cfg.reconnectMaxMs);
  }

  private armRotation(delayMs: number): void {
    clearTimeout(this.rotationTimer);
    this.rotationTimer = setTimeout(() => {
      this.rotationTimer = undefined;
      if (this.state === 'running' && this.active && !this.pending) {
        this.log.info({ connection: this.active.id }, 'opening a replacement Binance connection (max connection age)');
        this.open();
      }
    }, delayMs);
  }

  private async shutdown(error?: unknown): Promise<void> {
    this.state = 'stopping';
    this.abort.abort();
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.rotationTimer);
    const conns = [this.active, this.pending].filter((c): c is BinanceWsConnection => c !== undefined);
    this.active = undefined;
    this.pending = undefined;
    this.metrics.connected.set(0);
    await Promise.all(conns.map((c) => c.close('stop')));
    await this.queue;
    this.state = 'stopped';
    this.log.info({ ...this.stats }, 'Binance feed stopped');
    if (error === undefined) this.finished?.resolve();
    else this.finished?.reject(error);
  }

  // ---- frames ---------------------------------------------------------------------------------

  private onMessage(conn: BinanceWsConnection, text: string | null): void {
    if (conn === this.active) this.attempt = 0;
    const result = text === null ? ({ ok: false, reason: 'binary', detail: 'binary frame' } as const) : parseStreamFrame(text, this.frameCtx);
    if (!result.ok) {
      this.stats.malformedFrames++;
      this.metrics.malformedFrames.inc({ reason: result.reason });
      this.log.warn({ reason: result.reason, detail: result.detail, frame: text?.slice(0, 200) }, 'skipped a malformed Binance frame');
      return;
    }
    const frame = result.frame;
    switch (frame.kind) {
      case 'kline':
        if (frame.closed) this.enqueue(() => this.acceptLive(frame.candle));
        return;
      case 'aggTrade':
        this.acceptAggTrade(frame.trade);
        return;
    }
  }

  private acceptAggTrade(trade: AggTrade): void {
    const last = this.lastAggTradeId.get(trade.symbol);
    if (last !== undefined && trade.id <= last) return; // overlap during a rotation
    this.lastAggTradeId.set(trade.symbol, trade.id);
    this.cfg.onAggTrade?.(trade);
  }

  // ---- delivery (always inside the serial queue) ----------------------------------------------

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue
      .then(async () => {
        if (this.state === 'running') await task();
      })
      .catch((err: unknown) => this.fail(err));
  }

  private fail(err: unknown): void {
    if (this.state !== 'running') return;
    this.log.error({ err }, 'candle consumer failed; stopping the Binance feed');
    // Not awaited: shutdown waits for the queue, and this runs inside it.
    this.stopped = this.shutdown(err);
  }

  private async acceptLive(candle: Candle): Promise<void> {
    const verdict = this.sequence.classify(candle);
    if (verdict.kind === 'duplicate') {
      this.stats.duplicateCandles++;
      return;
    }
    if (verdict.kind === 'gap') await this.gaps.fill(candle.symbol, verdict.from, candle.open_time - 1, 'missing before a live candle');
    await this.deliver(candle);
  }

  private async fillAfterReconnect(): Promise<void> {
    for (const symbol of this.cfg.symbols) {
      const from = this.sequence.nextOpenTime(symbol);
      if (from !== undefined) await this.gaps.fill(symbol, from, undefined, 'reconnect');
    }
  }

  /** Hands one candle to the consumer if it moves the cursor forward; true when delivered. */
  private async deliver(candle: Candle): Promise<boolean> {
    if (this.state !== 'running' || !this.sequence.isNew(candle)) return false;
    this.sequence.advance(candle);
    await this.onCandle(candle);
    this.lastDeliveredAt = Date.now();
    return true;
  }
}
