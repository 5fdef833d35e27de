import type { Candle } from '@app/contracts';
import { getLogger, type Liveness } from '@app/observability';
import type { MarketDataSource } from '../market-data-source';
import { timeframeMs } from '../timeframe';
import { combinedStreamUrl, shardStreams, streamNames } from './binance-endpoints';
import { binanceFeedMetrics, type BinanceFeedMetrics } from './binance-feed.metrics';
import { resolveOptions, type BinanceFuturesSourceOptions, type ResolvedOptions } from './binance-futures.options';
import { BinanceRestClient } from './binance-rest.client';
import { emptyStats, type BinanceFeedStats } from './binance-feed.stats';
import { CandleSequence } from './candle-sequence';
import { GapFiller } from './gap-filler';
import type { FeedLogger } from './feed-logger';
import type { AggTrade } from './agg-trade.parser';
import { parseStreamFrame, type FrameContext } from './stream-frame.parser';
import { StreamShard, type ShardHost } from './stream-shard';

type State = 'idle' | 'running' | 'stopping' | 'stopped';

/**
 * Delivery-queue bounds. Above the high mark the sockets stop being read (TCP pushes back to
 * Binance) until the queue is down to the low mark: a consumer slower than the feed holds the
 * feed up instead of growing memory without end. Nothing is dropped; a pause long enough to trip
 * the stall watchdog ends in a reconnect and a REST gap fill.
 */
const QUEUE_HIGH_WATER = 2_000;
const QUEUE_LOW_WATER = 500;

/**
 * Forming-kline updates are most of the traffic (Binance pushes one every 250 ms per symbol) and
 * only closed klines are used: a substring test skips them before JSON.parse and the schemas.
 * `"x":false` cannot occur in an aggTrade event (no `x` field), so nothing else is skipped.
 * The test runs on the frame's raw bytes, before the UTF-8 decode: the pattern is ASCII, and in
 * UTF-8 an ASCII byte never occurs inside a multi-byte character, so the bytes hold it exactly
 * when the decoded text does, and a dropped frame costs no string.
 */
const FORMING_KLINE = Buffer.from('"x":false', 'utf8');

/**
 * Live closed candles from the Binance USDT-M futures combined stream.
 *
 * Exactly once and in order per symbol: every candle passes one serial queue and a per-symbol
 * cursor (`CandleSequence`). A gap, whether left by a reconnect or seen as a jump in open times,
 * is filled from REST before the next live candle goes out. The streams are split over as many
 * connections (StreamShard) as Binance's 200-per-connection limit needs; each reconnects on its
 * own and is replaced make-before-break ahead of Binance's 24 h cut, so a rotation loses nothing.
 */
export class BinanceFuturesSource implements MarketDataSource, Liveness, ShardHost {
  readonly stats: BinanceFeedStats = emptyStats();
  /**
   * Live and gap-filled candles alike come out of `toCandle` (kline.parser.ts), which checks
   * `CandleSchema` and returns its output; a frame that fails it is counted and skipped there.
   */
  readonly candlesChecked = true;
  readonly log: FeedLogger;
  readonly metrics: BinanceFeedMetrics;
  private readonly cfg: ResolvedOptions;
  private readonly shards: StreamShard[];
  private readonly frameCtx: FrameContext;
  private readonly gaps: GapFiller;
  private readonly sequence: CandleSequence;
  private readonly lastAggTradeId = new Map<string, number>();

  private state: State = 'idle';
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private paused = false;
  private readonly abort = new AbortController();
  private onCandle: (candle: Candle) => Promise<void> | void = () => undefined;
  private finished?: { resolve: () => void; reject: (err: unknown) => void };
  private stopped?: Promise<void>;
  private lastDeliveredAt?: number;

  constructor(options: BinanceFuturesSourceOptions) {
    this.cfg = resolveOptions(options);
    const intervalMs = timeframeMs(this.cfg.interval);
    const streams = streamNames({ klineSymbols: this.cfg.symbols, interval: this.cfg.interval, aggTradeSymbols: this.cfg.aggTradeSymbols });
    this.frameCtx = { streams: new Set(streams), interval: this.cfg.interval, intervalMs };
    this.sequence = new CandleSequence(intervalMs);
    this.log = options.logger ?? getLogger('binance-feed');
    this.metrics = options.metrics ?? binanceFeedMetrics();
    const klineStreams = new Map(this.cfg.symbols.map((sym, i) => [streams[i], sym]));
    this.shards = shardStreams(streams).map(
      (part, i) =>
        new StreamShard(
          i,
          combinedStreamUrl(this.cfg.wsBaseUrl, part),
          part.flatMap((st) => klineStreams.get(st) ?? []),
          this.cfg,
          this,
        ),
    );
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

  /** Every shard has a live socket. */
  get connected(): boolean {
    return this.shards.every((s) => s.connected);
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /** How many combined-stream connections the symbols need. */
  get connectionCount(): number {
    return this.shards.length;
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
    for (const shard of this.shards) {
      this.log.info({ shard: shard.index, url: shard.url }, 'connecting to Binance futures stream');
      shard.open();
    }
    return done;
  }

  /** Closes sockets, cancels timers and REST calls, waits for an in-flight `onCandle`. Idempotent. */
  stop(): Promise<void> {
    if (this.state === 'idle') this.state = 'stopped';
    if (this.state === 'running') this.stopped = this.shutdown();
    return this.stopped ?? Promise.resolve();
  }

  private async shutdown(error?: unknown): Promise<void> {
    this.state = 'stopping';
    this.abort.abort();
    this.metrics.connected.set(0);
    await Promise.all(this.shards.map((s) => s.close()));
    await this.queue;
    this.state = 'stopped';
    this.log.info({ ...this.stats }, 'Binance feed stopped');
    if (error === undefined) this.finished?.resolve();
    else this.finished?.reject(error);
  }

  // ---- frames ---------------------------------------------------------------------------------

  onReconnected(shard: StreamShard): void {
    this.enqueue(() => this.fillAfterReconnect(shard.klineSymbols));
  }

  onConnectedChanged(): void {
    this.metrics.connected.set(this.connected ? 1 : 0);
  }

  onFrame(data: Buffer | null): void {
    if (data !== null && data.includes(FORMING_KLINE)) return;
    const text = data === null ? null : data.toString('utf8');
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
    this.queued++;
    if (!this.paused && this.queued >= QUEUE_HIGH_WATER) this.setPaused(true);
    this.queue = this.queue
      .then(async () => {
        if (this.state === 'running') await task();
      })
      .catch((err: unknown) => this.fail(err))
      .finally(() => {
        this.queued--;
        if (this.paused && this.queued <= QUEUE_LOW_WATER) this.setPaused(false);
      });
  }

  private setPaused(paused: boolean): void {
    this.paused = paused;
    this.log.warn({ queued: this.queued }, paused ? 'candle consumer behind; pausing the Binance sockets' : 'candle consumer caught up; reading the Binance sockets again');
    for (const shard of this.shards) shard.setPaused(paused);
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

  private async fillAfterReconnect(symbols: readonly string[]): Promise<void> {
    for (const symbol of symbols) {
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
