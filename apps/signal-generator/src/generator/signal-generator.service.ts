import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Candle, CandleSchema, generatorDecidedKey, latencySamplesKey, MicrosClock, ProducedSignalSchema, STREAMS, type ProducedSignal } from '@app/contracts';
import { getLogger, LatencySamples, stepWithinShutdown } from '@app/observability';
import { InvalidPayloadError, RedisConnections, validatePayload } from '@app/redis-streams';
import type { GeneratorConfig } from '../config';
import { FeedLiveness } from './feed.health';
import type { MarketData } from '../market-data/market-data.factory';
import { countCandle, countVote, generatorMetrics as m } from '../metrics/generator.metrics';
import { createLanes, type TimeframeLane } from '../pipeline/timeframe-lane';
import { MarketFeedPublisher } from '../publishing/market-feed.publisher';
import { PublishLanes } from '../publishing/publish-lanes';
import { GENERATOR_CONFIG, MARKET_DATA_SOURCE } from '../tokens';

/** Publishes queued or in flight before the feed is held back (about two bursts of 400 symbols). */
const MAX_QUEUED_PUBLISHES = 1_000;

/**
 * Feed → pipelines → streams. Each closed candle goes to one pipeline per signal timeframe
 * (SIGNAL_TIMEFRAMES; a 5m pipeline decides on the 5m bar that candle closes, if it closes one);
 * the candle and the signals it yields (stamped by MicrosClock: publish time, not candle time)
 * are then written in one atomic step: to `market`, the candle then its signals, and the signals
 * to `signals`. Only feed candles go to `market`: they are the price path the position-closer
 * judges every position on, whatever the timeframe of its signal. In replay, the first
 * REPLAY_WARMUP_CANDLES per symbol only warm the indicators.
 *
 * Each (source, symbol, feed timeframe) has a checkpoint in Redis, written by the same atomic
 * step: the open time of the last feed candle published. It covers the decisions of every signal
 * timeframe made on that candle, since they are published with it. A candle at or before it only
 * goes through the pipelines (so their state matches a run that never stopped) and is not
 * published again: a restart, a crash or a second generator never repeats a decision.
 * REPLAY_FROM_START forgets it.
 *
 * The publish is not awaited per candle: each candle is decided at once and its publish queued in
 * its symbol's lane (PublishLanes: in order per symbol, every symbol in flight, bounded), so a
 * same-second burst of closes costs about one Redis round trip, not one per symbol.
 */
@Injectable()
export class SignalGeneratorService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly feed: FeedLiveness;
  private readonly log = getLogger('signal-generator');
  private readonly lanes: TimeframeLane[];
  private readonly seen = new Map<string, number>();
  /** Symbol → open time of the last candle published (the checkpoint as this process knows it). */
  private readonly decided = new Map<string, number>();
  private running: Promise<void> | undefined;
  private gaugeTimer: NodeJS.Timeout | undefined;
  /** The candle → signal samples every generator adds to, for the gateway's /api/stats. */
  private readonly latencySamples: LatencySamples;
  private readonly publishes: PublishLanes;

  constructor(
    @Inject(GENERATOR_CONFIG) private readonly cfg: GeneratorConfig,
    @Inject(MARKET_DATA_SOURCE) private readonly market: MarketData,
    private readonly publisher: MarketFeedPublisher,
    connections: RedisConnections,
  ) {
    this.latencySamples = new LatencySamples(connections.command, { key: latencySamplesKey('candle_to_signal') });
    // One clock for every lane: timestamps stay unique across timeframes.
    const clock = new MicrosClock();
    this.publishes = new PublishLanes(MAX_QUEUED_PUBLISHES, (err) => {
      this.log.error({ err: err instanceof Error ? err.message : String(err) }, 'publish failed; stopping the feed');
      // A failure with no later candle to report it must still stop the feed.
      void this.market.source.stop();
    });
    this.feed = new FeedLiveness(market.source, cfg.feedStaleMs, Date.now, () => this.publishes.stalledForMs());
    this.lanes = createLanes(cfg.signalTimeframes, { ...cfg.pipeline, clock, tickSize: (s) => cfg.tickSizes[s] ?? market.tickSize(s) });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.publisher.ensureGroups();
    await this.loadCheckpoints();
    await this.market.init();
    await this.warmUp();
    this.gaugeTimer = setInterval(() => this.updateGauges(), 1000).unref();
    this.feed.state = 'running';
    this.log.info({ source: this.cfg.marketSource, symbols: this.cfg.symbols, timeframes: this.cfg.signalTimeframes, strategies: this.cfg.pipeline.strategies }, 'market feed starting');
    this.running = this.market.source
      .run((c) => this.onCandle(c))
      .then(() => this.publishes.drain())
      .then(
        () => {
          this.feed.state = 'finished';
          this.log.info({ candles: [...this.seen] }, 'market feed ended');
        },
        (err: unknown) => {
          this.feed.state = 'failed';
          this.feed.error = err instanceof Error ? err.message : String(err);
          this.log.error({ err: this.feed.error }, 'market feed failed');
        },
      );
  }

  /**
   * Stops the feed and waits for the publishes in flight, within the shutdown budget: a publish
   * that Redis never answers is left to the next run, which the checkpoint keeps from repeating.
   */
  async onModuleDestroy(): Promise<void> {
    this.publisher.close();
    if (this.gaugeTimer) clearInterval(this.gaugeTimer);
    await stepWithinShutdown(
      'market feed',
      (async () => {
        await this.market.source.stop();
        await this.running;
        this.log.info('feed stopped and in-flight publishes settled');
      })(),
    );
  }

  /** Keyed by the feed timeframe: the unit published (and refused twice) is the feed candle. */
  private decidedKey(symbol: string): string {
    return generatorDecidedKey(this.cfg.pipeline.source, symbol, this.cfg.timeframe);
  }

  private async loadCheckpoints(): Promise<void> {
    const keys = this.cfg.symbols.map((s) => this.decidedKey(s));
    if (this.cfg.marketSource === 'replay' && this.cfg.replay.fromStart) {
      await this.publisher.resetCheckpoints(keys);
      this.log.warn({ symbols: this.cfg.symbols }, 'REPLAY_FROM_START: checkpoints forgotten; every candle is decided and published again');
    }
    const times = await this.publisher.checkpoints(keys);
    this.cfg.symbols.forEach((s, i) => {
      const t = times[i];
      if (t !== undefined) this.decided.set(s, t);
    });
    if (this.decided.size) {
      const after = Object.fromEntries([...this.decided].map(([s, t]) => [s, new Date(t).toISOString()]));
      this.log.info({ after }, 'resuming after the last candle published; earlier candles only rebuild the indicators');
    }
    this.market.source.resumeAfter?.(this.decided);
  }

  /** Runs pre-start history through the pipeline, publishing nothing; a failure only delays signals. */
  private async warmUp(): Promise<void> {
    try {
      const history = await this.market.history();
      const perSymbol: Record<string, number> = {};
      for (const c of history) {
        countCandle(c.symbol);
        perSymbol[c.symbol] = (perSymbol[c.symbol] ?? 0) + 1;
        this.decide(c);
      }
      if (history.length) this.log.info({ candles: perSymbol }, 'indicators warmed up on recent history');
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'no warm-up history; signals start once the indicators have seen enough live candles');
    }
  }

  private async onCandle(candle: Candle): Promise<void> {
    const deliveredAt = Date.now();
    const n = (this.seen.get(candle.symbol) ?? 0) + 1;
    this.seen.set(candle.symbol, n);
    const warmup = this.cfg.marketSource === 'replay' && n <= this.cfg.replay.warmupCandles;
    countCandle(candle.symbol);
    if (!warmup) {
      try {
        validatePayload(STREAMS.market, CandleSchema, candle);
      } catch (err) {
        if (!(err instanceof InvalidPayloadError)) throw err;
        this.log.error({ symbol: candle.symbol, err: err.message }, 'candle refused by the contract; not published, not traded');
        return;
      }
    }
    const decided = this.decide(candle);
    if (warmup) return;
    if (candle.open_time <= (this.decided.get(candle.symbol) ?? -Infinity)) {
      m.alreadyDecided.inc({ symbol: candle.symbol, by: 'checkpoint' });
      return;
    }
    const signals = decided.filter((s) => this.acceptable(s));
    await this.publishes.submit(candle.symbol, () => this.publish(candle, signals, deliveredAt));
  }

  private async publish(candle: Candle, signals: ProducedSignal[], deliveredAt: number): Promise<void> {
    // Written after the candle, in the same step: a position-closer must not judge a new position
    // on the very candle it was entered at the close of, nor miss the next one.
    const written = await this.publisher.publish(this.decidedKey(candle.symbol), candle, signals);
    if (written === undefined) return;
    this.decided.set(candle.symbol, candle.open_time);
    if (written === 'duplicate') {
      m.alreadyDecided.inc({ symbol: candle.symbol, by: 'redis' });
      this.log.warn({ symbol: candle.symbol, candle_time: new Date(candle.open_time).toISOString() }, 'candle already decided by another generator or before a restart; not published again');
      return;
    }
    const closedAt = this.cfg.marketSource === 'replay' ? deliveredAt : candle.close_time + 1;
    signals.forEach((signal, i) => {
      const id = written.signalIds[i];
      const latency = Math.max(0, Date.now() - closedAt) / 1000;
      m.latency.observe(latency);
      // Only a figure for /api/stats: a Redis hiccup here must not hold the feed up or fail it.
      this.latencySamples.record(latency).catch((err: unknown) => this.log.debug({ err: String(err) }, 'latency sample not recorded'));
      const md = signal.metadata;
      m.signals.inc({ symbol: signal.symbol, direction: signal.direction, source: md.source, timeframe: signal.timeframe });
      this.log.info(
        { id, symbol: signal.symbol, timeframe: signal.timeframe, direction: signal.direction, entry: signal.entry_price, sl: signal.stop_loss, tp: signal.take_profit, agree: md.strategies_agree, confidence: md.consensus_confidence, candle_time: md.candle_time, source: md.source },
        'signal published',
      );
    });
  }

  /** The candle through every timeframe's pipeline; the signals made on it, in SIGNAL_TIMEFRAMES order. */
  private decide(candle: Candle): ProducedSignal[] {
    const signals: ProducedSignal[] = [];
    for (const lane of this.lanes) {
      const bar = lane.bar(candle);
      if (bar === undefined) continue;
      const r = lane.pipeline.process(bar);
      for (const v of r.votes) countVote(v.strategy, v.direction, lane.timeframe);
      if (r.signal) signals.push(r.signal);
    }
    return signals;
  }

  /** Whether the contract accepts the signal; a refusal is a bug to see, not a reason to stop the feed. */
  private acceptable(signal: ProducedSignal): boolean {
    try {
      validatePayload(STREAMS.signals, ProducedSignalSchema, signal);
      return true;
    } catch (err) {
      if (!(err instanceof InvalidPayloadError)) throw err;
      m.invalidSignals.inc();
      this.log.error({ symbol: signal.symbol, err: err.message }, 'signal refused by the contract; skipped');
      return false;
    }
  }

  private updateGauges(): void {
    m.feedConnected.set(this.market.source.connected ? 1 : 0);
    m.lastCandleAge.set(this.feed.ageSeconds());
  }
}
