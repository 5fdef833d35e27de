import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Candle, CandleSchema, latencySamplesKey, MicrosClock, ProducedSignalSchema, STREAMS, type ProducedSignal } from '@app/contracts';
import { getLogger, LatencySamples, stepWithinShutdown } from '@app/observability';
import { InvalidPayloadError, RedisConnections, validatePayload } from '@app/redis-streams';
import type { GeneratorConfig } from '../config';
import { FeedLiveness } from './feed.health';
import type { MarketData } from '../market-data/market-data.factory';
import { countCandle, countVote, generatorMetrics as m } from '../metrics/generator.metrics';
import { createLanes, type TimeframeLane } from '../pipeline/timeframe-lane';
import { MarketFeedPublisher } from '../publishing/market-feed.publisher';
import { ReplicaPublisher } from '../publishing/replica-publisher';
import type { PublishShards } from '../publishing/publish-shards';
import { GENERATOR_CONFIG, MARKET_DATA_SOURCE } from '../tokens';

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
 * Replicas: every replica decides every candle; ReplicaPublisher publishes the symbols whose
 * shard this one holds and keeps the others' decisions on standby. A finite replay ends once
 * every decision this replica made is on the streams, whoever published it.
 */
@Injectable()
export class SignalGeneratorService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly feed: FeedLiveness;
  private readonly log = getLogger('signal-generator');
  private readonly lanes: TimeframeLane[];
  private readonly seen = new Map<string, number>();
  private readonly publishing: ReplicaPublisher;
  private closing = false;
  private running: Promise<void> | undefined;
  private gaugeTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(GENERATOR_CONFIG) private readonly cfg: GeneratorConfig,
    @Inject(MARKET_DATA_SOURCE) private readonly market: MarketData,
    private readonly publisher: MarketFeedPublisher,
    connections: RedisConnections,
  ) {
    // One clock for every lane: timestamps stay unique across timeframes.
    const clock = new MicrosClock();
    this.publishing = new ReplicaPublisher({
      cfg,
      publisher,
      redis: connections.command,
      latencySamples: new LatencySamples(connections.command, { key: latencySamplesKey('candle_to_signal') }),
      onFailure: (err) => {
        this.log.error({ err: err instanceof Error ? err.message : String(err) }, 'publish failed; stopping the feed');
        // A failure with no later candle to report it must still stop the feed.
        void this.market.source.stop();
      },
    });
    this.feed = new FeedLiveness(market.source, cfg.feedStaleMs, Date.now, () => this.publishing.stalledForMs());
    this.lanes = createLanes(cfg.signalTimeframes, { ...cfg.pipeline, clock, tickSize: (s) => cfg.tickSizes[s] ?? market.tickSize(s) });
  }

  /** The symbol shards this replica holds (health). */
  get shards(): PublishShards {
    return this.publishing.shards;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.publisher.ensureGroups();
    const decided = await this.publishing.start();
    if (decided.size) {
      const after = Object.fromEntries([...decided].map(([s, t]) => [s, new Date(t).toISOString()]));
      this.log.info({ after }, 'resuming after the last candle published; earlier candles only rebuild the indicators');
    }
    this.market.source.resumeAfter?.(decided);
    await this.market.init();
    await this.warmUp();
    await this.publishing.startShards();
    this.gaugeTimer = setInterval(() => this.updateGauges(), 1000).unref();
    this.feed.state = 'running';
    this.log.info({ source: this.cfg.marketSource, symbols: this.cfg.symbols, timeframes: this.cfg.signalTimeframes, strategies: this.cfg.pipeline.strategies }, 'market feed starting');
    this.running = this.market.source
      .run((c) => this.onCandle(c))
      .then(() => this.publishing.settle(() => (this.feed.state = 'settling')))
      .then(
        async () => {
          // Nothing more to publish: another run (more data, or started over) may take the symbols.
          await this.leaveShards();
          this.feed.state = 'finished';
          this.log.info({ candles: [...this.seen] }, 'market feed ended');
        },
        async (err: unknown) => {
          this.feed.state = 'failed';
          this.feed.error = err instanceof Error ? err.message : String(err);
          this.log.error({ err: this.feed.error }, 'market feed failed');
          // This replica publishes nothing more: a standby takes its symbols now, not when it is restarted.
          await this.leaveShards();
        },
      );
  }

  /**
   * Stops the feed and waits for the publishes in flight, within the shutdown budget: a publish
   * that Redis never answers is left to the next run, which the checkpoint keeps from repeating.
   */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    if (this.gaugeTimer) clearInterval(this.gaugeTimer);
    await stepWithinShutdown(
      'market feed',
      (async () => {
        await this.publishing.close();
        await this.market.source.stop();
        await this.running;
        this.log.info('feed stopped and in-flight publishes settled');
      })(),
    );
    // After the publishes in flight: the replica taking the shards over reads their checkpoints.
    await stepWithinShutdown('shard leases', this.publishing.leave());
  }

  private async leaveShards(): Promise<void> {
    if (!this.closing) await this.publishing.leave();
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
    // A source whose parser already checked the candle against the schema (the live feed) is not
    // checked twice: on a burst of closes the second check was ~4 % of the generator's CPU.
    if (!warmup && !this.market.source.candlesChecked) {
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
    if (candle.open_time <= this.publishing.checkpoint(candle.symbol)) {
      m.alreadyDecided.inc({ symbol: candle.symbol, by: 'checkpoint' });
      return;
    }
    await this.publishing.submit(candle, decided.filter((s) => this.acceptable(s)), deliveredAt);
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
    m.standbyDecisions.set(this.publishing.pendingCount());
  }
}
