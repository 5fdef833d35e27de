import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Candle, CandleSchema, generatorDecidedKey, latencySamplesKey, MicrosClock, ProducedSignalSchema, STREAMS, type ProducedSignal } from '@app/contracts';
import { getLogger, LatencySamples, stepWithinShutdown } from '@app/observability';
import { InvalidPayloadError, isFenced, RedisConnections, validatePayload } from '@app/redis-streams';
import type { GeneratorConfig } from '../config';
import { FeedLiveness } from './feed.health';
import type { MarketData } from '../market-data/market-data.factory';
import { generatorMetrics as m } from '../metrics/generator.metrics';
import { createLanes, type TimeframeLane } from '../pipeline/timeframe-lane';
import { MarketFeedPublisher } from '../publishing/market-feed.publisher';
import { PublishLanes } from '../publishing/publish-lanes';
import { PublishShards, type SymbolTick } from '../publishing/publish-shards';
import { SymbolDecisions, type Decision, type Handout } from '../publishing/symbol-decisions';
import { GENERATOR_CONFIG, MARKET_DATA_SOURCE } from '../tokens';

/** Publishes queued or in flight before the feed is held back (about two bursts of 400 symbols). */
const MAX_QUEUED_PUBLISHES = 1_000;

/**
 * Decisions a standby keeps per symbol while the holder makes no progress: about a week of 1m
 * candles live; in a fast replay, how far a standby may run ahead of the holder and still take
 * over without a gap.
 */
const MAX_STANDBY_PER_SYMBOL = 10_000;

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
 *
 * Replicas: every replica decides every candle, but publishes only the symbols whose shard it
 * holds (PublishShards), each publish fenced by that lease. The others stand by with their
 * decisions (SymbolDecisions) until the symbol's checkpoint passes them; one that takes a shard
 * over (its holder died or left) publishes from the next undecided candle. A finite replay ends
 * once every decision this replica made is on the streams, whoever published it.
 */
@Injectable()
export class SignalGeneratorService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly feed: FeedLiveness;
  private readonly log = getLogger('signal-generator');
  private readonly lanes: TimeframeLane[];
  private readonly seen = new Map<string, number>();
  /** Per symbol: held or standby, the checkpoint as this process knows it, decisions not yet on the streams. */
  private readonly decisions = new SymbolDecisions(MAX_STANDBY_PER_SYMBOL);
  readonly shards: PublishShards;
  private closing = false;
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
    this.shards = new PublishShards(connections.command, { symbols: cfg.symbols, owner: cfg.replica.name, leaseMs: cfg.replica.shardLeaseMs }, (t) => this.onShardTick(t));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.publisher.ensureGroups();
    await this.loadCheckpoints();
    await this.market.init();
    await this.warmUp();
    await this.shards.start();
    this.gaugeTimer = setInterval(() => this.updateGauges(), 1000).unref();
    this.feed.state = 'running';
    this.log.info({ source: this.cfg.marketSource, symbols: this.cfg.symbols, timeframes: this.cfg.signalTimeframes, strategies: this.cfg.pipeline.strategies }, 'market feed starting');
    this.running = this.market.source
      .run((c) => this.onCandle(c))
      .then(() => this.settleAll())
      .then(
        async () => {
          // Nothing more to publish: another run (more data, or started over) may take the symbols.
          if (!this.closing) await this.shards.stop().then(() => this.shards.leave());
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
    this.closing = true;
    this.publisher.close();
    if (this.gaugeTimer) clearInterval(this.gaugeTimer);
    await stepWithinShutdown(
      'market feed',
      (async () => {
        await this.shards.stop();
        await this.market.source.stop();
        await this.running;
        this.log.info('feed stopped and in-flight publishes settled');
      })(),
    );
    // After the publishes in flight: the replica taking the shards over reads their checkpoints.
    await stepWithinShutdown('shard leases', this.shards.leave());
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
    const decided = new Map<string, number>();
    this.cfg.symbols.forEach((s, i) => {
      const t = times[i];
      if (t === undefined) return;
      decided.set(s, t);
      this.decisions.settled(s, t);
    });
    if (decided.size) {
      const after = Object.fromEntries([...decided].map(([s, t]) => [s, new Date(t).toISOString()]));
      this.log.info({ after }, 'resuming after the last candle published; earlier candles only rebuild the indicators');
    }
    this.market.source.resumeAfter?.(decided);
  }

  /**
   * After each lease tick: symbols handed over stop being published here; for symbols taken over
   * (and those found held but not known as ours), the checkpoint is read and the decisions after
   * it are published, in one lane task per symbol queued ahead of any later candle; for symbols
   * on standby, the decisions the holder has published since are forgotten.
   */
  private async onShardTick(tick: SymbolTick): Promise<void> {
    for (const s of this.decisions.held()) {
      if (!tick.held.has(s) && this.decisions.lose(s)) this.log.info({ symbol: s }, 'symbol handed over; deciding it on standby');
    }
    const take = [...tick.held].filter((s) => tick.taken.has(s) || !this.decisions.isHeld(s));
    // A symbol taken again while known as ours may have been another's in between: resynchronise.
    for (const s of take) this.decisions.lose(s);
    const standby = this.decisions.unsettled().filter((s) => !tick.held.has(s));
    const checkpoints = await this.publisher.checkpoints([...take, ...standby].map((s) => this.decidedKey(s)));
    take.forEach((symbol, i) => {
      const { publish, settled } = this.decisions.take(symbol, checkpoints[i]);
      if (settled) m.alreadyDecided.inc({ symbol, by: 'replica' }, settled);
      this.log.info({ symbol, backlog: publish.length, after: this.checkpointIso(symbol) }, 'symbol taken; publishing from the next undecided candle');
      if (publish.length) {
        this.publishes.enqueue(symbol, async () => {
          for (const h of publish) await this.publish(h);
        });
      }
    });
    standby.forEach((symbol, i) => {
      const settled = this.decisions.settled(symbol, checkpoints[take.length + i]);
      if (settled) m.alreadyDecided.inc({ symbol, by: 'replica' }, settled);
    });
  }

  /**
   * A finite replay's end: waits until every decision this replica made is on the streams, by
   * this replica or the holder of its symbol; a holder that dies meanwhile is taken over from.
   */
  private async settleAll(): Promise<void> {
    await this.publishes.drain();
    if (this.decisions.pendingCount() > 0 && !this.closing) {
      this.feed.state = 'settling';
      this.log.info({ symbols: this.decisions.unsettled() }, 'replay read to its end; waiting for the replicas holding these symbols to publish past it');
    }
    while (this.decisions.pendingCount() > 0 && !this.closing) {
      await this.shards.nextTick();
      await this.publishes.drain();
    }
  }

  private checkpointIso(symbol: string): string | null {
    const t = this.decisions.checkpoint(symbol);
    return Number.isFinite(t) ? new Date(t).toISOString() : null;
  }

  /** Runs pre-start history through the pipeline, publishing nothing; a failure only delays signals. */
  private async warmUp(): Promise<void> {
    try {
      const history = await this.market.history();
      const perSymbol: Record<string, number> = {};
      for (const c of history) {
        m.candles.inc({ symbol: c.symbol });
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
    m.candles.inc({ symbol: candle.symbol });
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
    if (candle.open_time <= this.decisions.checkpoint(candle.symbol)) {
      m.alreadyDecided.inc({ symbol: candle.symbol, by: 'checkpoint' });
      return;
    }
    const signals = decided.filter((s) => this.acceptable(s));
    const { publish, dropped } = this.decisions.add({ candle, signals, deliveredAt });
    if (dropped) this.standbyDropped(candle.symbol, dropped);
    if (publish) await this.publishes.submit(candle.symbol, () => this.publish(publish));
  }

  /** Publishes a decision unless its symbol was lost (or lost and taken again) since it was handed out. */
  private async publish(h: Handout): Promise<void> {
    if (!this.decisions.isCurrent(h)) return;
    const { candle, signals, deliveredAt }: Decision = h.decision;
    let written;
    try {
      // Written after the candle, in the same step: a position-closer must not judge a new position
      // on the very candle it was entered at the close of, nor miss the next one.
      written = await this.publisher.publish(this.decidedKey(candle.symbol), candle, signals, this.shards.fence(candle.symbol));
    } catch (err) {
      if (!isFenced(err)) throw err;
      m.fencedPublishes.inc({ symbol: candle.symbol });
      // Kept on standby: the replica holding the shard now publishes it, or this one on taking it back.
      if (this.decisions.lose(candle.symbol)) this.log.warn({ symbol: candle.symbol, candle_time: new Date(candle.open_time).toISOString() }, 'shard lost before this publish; another replica publishes the symbol');
      return;
    }
    if (written === undefined) return;
    this.decisions.published(candle.symbol, candle.open_time);
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
      for (const v of r.votes) m.votes.inc({ strategy: v.strategy, direction: v.direction, timeframe: lane.timeframe });
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

  private standbyDropped(symbol: string, n: number): void {
    m.standbyDropped.inc({ symbol }, n);
    this.log.warn({ symbol, dropped: n, kept: MAX_STANDBY_PER_SYMBOL, checkpoint: this.checkpointIso(symbol) }, 'standby decisions dropped: the replica holding the symbol has not published them; a takeover now would leave them out');
  }

  private updateGauges(): void {
    m.feedConnected.set(this.market.source.connected ? 1 : 0);
    m.lastCandleAge.set(this.feed.ageSeconds());
    m.standbyDecisions.set(this.decisions.pendingCount());
  }
}
