import type Redis from 'ioredis';
import { generatorDecidedKey, type Candle, type ProducedSignal } from '@app/contracts';
import { getLogger, type LatencySamples } from '@app/observability';
import { isFenced } from '@app/redis-streams';
import type { GeneratorConfig } from '../config';
import { generatorMetrics as m } from '../metrics/generator.metrics';
import type { MarketFeedPublisher } from './market-feed.publisher';
import { PublishLanes } from './publish-lanes';
import { PublishShards, type SymbolTick } from './publish-shards';
import { SymbolDecisions, type Handout } from './symbol-decisions';

/** Publishes queued or in flight before the feed is held back (about two bursts of 400 symbols). */
const MAX_QUEUED_PUBLISHES = 1_000;

/**
 * Decisions a standby keeps per symbol while the holder makes no progress: about a week of 1m
 * candles live; in a fast replay, how far a standby may run ahead of the holder and still take
 * over without a gap.
 */
const MAX_STANDBY_PER_SYMBOL = 10_000;

export interface ReplicaPublisherDeps {
  cfg: GeneratorConfig;
  publisher: MarketFeedPublisher;
  /** The command connection: shard leases. */
  redis: Redis;
  /** The candle → signal samples every generator adds to, for the gateway's /api/stats. */
  latencySamples: LatencySamples;
  /** Told once, on the first publish that failed for good: the feed must stop. */
  onFailure: (err: unknown) => void;
}

/**
 * This replica's share of the publishing. Every replica decides every candle, but publishes only
 * the symbols whose shard it holds (PublishShards), each publish fenced by that lease. The others
 * stand by with their decisions (SymbolDecisions) until the symbol's checkpoint passes them; one
 * that takes a shard over (its holder died or left) publishes from the next undecided candle.
 *
 * The publish is not awaited per candle: it is queued in its symbol's lane (PublishLanes: in
 * order per symbol, every symbol in flight, bounded), so a same-second burst of closes costs about
 * one Redis round trip, not one per symbol.
 */
export class ReplicaPublisher {
  readonly shards: PublishShards;
  private readonly decisions = new SymbolDecisions(MAX_STANDBY_PER_SYMBOL);
  private readonly lanes: PublishLanes;
  private readonly log = getLogger('signal-generator');
  private closing = false;

  constructor(private readonly d: ReplicaPublisherDeps) {
    this.lanes = new PublishLanes(MAX_QUEUED_PUBLISHES, d.onFailure);
    this.shards = new PublishShards(d.redis, { symbols: d.cfg.symbols, owner: d.cfg.replica.name, leaseMs: d.cfg.replica.shardLeaseMs }, (t) => this.onShardTick(t));
  }

  /**
   * Reads the checkpoints (forgotten first with REPLAY_FROM_START) and returns them: symbol → open
   * time of its last candle on the streams. Then holds the symbols this replica's first lease tick gives it.
   */
  async start(): Promise<Map<string, number>> {
    const { cfg, publisher } = this.d;
    const keys = cfg.symbols.map((s) => this.decidedKey(s));
    if (cfg.marketSource === 'replay' && cfg.replay.fromStart) {
      await publisher.resetCheckpoints(keys);
      this.log.warn({ symbols: cfg.symbols }, 'REPLAY_FROM_START: checkpoints forgotten; every candle is decided and published again');
    }
    const times = await publisher.checkpoints(keys);
    const decided = new Map<string, number>();
    cfg.symbols.forEach((s, i) => {
      const t = times[i];
      if (t === undefined) return;
      decided.set(s, t);
      this.decisions.settled(s, t);
    });
    return decided;
  }

  /** Starts the lease ticks; the first is awaited, so a replica alone holds every symbol before its first candle. */
  startShards(): Promise<void> {
    return this.shards.start();
  }

  /** The open time of the symbol's last candle known to be on the streams (-Infinity: none). */
  checkpoint(symbol: string): number {
    return this.decisions.checkpoint(symbol);
  }

  /** How long publishes have waited without progress (a Redis outage); 0 when none wait. */
  stalledForMs(): number {
    return this.lanes.stalledForMs();
  }

  /** Decisions not yet known to be on the streams. */
  pendingCount(): number {
    return this.decisions.pendingCount();
  }

  /** A candle after the checkpoint and the signals made on it: queued to publish if the symbol is ours, kept on standby otherwise. */
  async submit(candle: Candle, signals: ProducedSignal[], deliveredAt: number): Promise<void> {
    const { publish, dropped } = this.decisions.add({ candle, signals, deliveredAt });
    if (dropped) {
      m.standbyDropped.inc({ symbol: candle.symbol }, dropped);
      this.log.warn({ symbol: candle.symbol, dropped, kept: MAX_STANDBY_PER_SYMBOL, checkpoint: this.checkpointIso(candle.symbol) }, 'standby decisions dropped: the replica holding the symbol has not published them; a takeover now would leave them out');
    }
    if (publish) await this.lanes.submit(candle.symbol, () => this.publish(publish));
  }

  /**
   * A finite replay's end: waits until every decision this replica made is on the streams, by
   * this replica or the holder of its symbol; a holder that dies meanwhile is taken over from.
   * `onWait` is told once if it has to wait for other replicas.
   */
  async settle(onWait: () => void): Promise<void> {
    await this.lanes.drain();
    if (this.decisions.pendingCount() > 0 && !this.closing) {
      onWait();
      this.log.info({ symbols: this.decisions.unsettled() }, 'replay read to its end; waiting for the replicas holding these symbols to publish past it');
    }
    while (this.decisions.pendingCount() > 0 && !this.closing) {
      await this.shards.nextTick();
      await this.lanes.drain();
    }
  }

  /** Stops retrying publishes and renewing leases (shutdown); the shards stay held until `leave`. */
  async close(): Promise<void> {
    this.closing = true;
    this.d.publisher.close();
    await this.shards.stop();
  }

  /** Gives every shard up at once: another replica takes the symbols at its next tick. */
  async leave(): Promise<void> {
    await this.shards.stop();
    await this.shards.leave();
  }

  /** Keyed by the feed timeframe: the unit published (and refused twice) is the feed candle. */
  private decidedKey(symbol: string): string {
    return generatorDecidedKey(this.d.cfg.pipeline.source, symbol, this.d.cfg.timeframe);
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
    const checkpoints = await this.d.publisher.checkpoints([...take, ...standby].map((s) => this.decidedKey(s)));
    take.forEach((symbol, i) => {
      const { publish, settled } = this.decisions.take(symbol, checkpoints[i]);
      if (settled) m.alreadyDecided.inc({ symbol, by: 'replica' }, settled);
      this.log.info({ symbol, backlog: publish.length, after: this.checkpointIso(symbol) }, 'symbol taken; publishing from the next undecided candle');
      if (publish.length) {
        this.lanes.enqueue(symbol, async () => {
          for (const h of publish) await this.publish(h);
        });
      }
    });
    standby.forEach((symbol, i) => {
      const settled = this.decisions.settled(symbol, checkpoints[take.length + i]);
      if (settled) m.alreadyDecided.inc({ symbol, by: 'replica' }, settled);
    });
  }

  /** Publishes a decision unless its symbol was lost (or lost and taken again) since it was handed out. */
  private async publish(h: Handout): Promise<void> {
    if (!this.decisions.isCurrent(h)) return;
    const { candle, signals, deliveredAt } = h.decision;
    let written;
    try {
      // Written after the candle, in the same step: a position-closer must not judge a new position
      // on the very candle it was entered at the close of, nor miss the next one.
      written = await this.d.publisher.publish(this.decidedKey(candle.symbol), candle, signals, this.shards.fence(candle.symbol));
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
    const closedAt = this.d.cfg.marketSource === 'replay' ? deliveredAt : candle.close_time + 1;
    signals.forEach((signal, i) => {
      const id = written.signalIds[i];
      const latency = Math.max(0, Date.now() - closedAt) / 1000;
      m.latency.observe(latency);
      // Only a figure for /api/stats: a Redis hiccup here must not hold the feed up or fail it.
      this.d.latencySamples.record(latency).catch((err: unknown) => this.log.debug({ err: String(err) }, 'latency sample not recorded'));
      const md = signal.metadata;
      m.signals.inc({ symbol: signal.symbol, direction: signal.direction, source: md.source, timeframe: signal.timeframe });
      this.log.info(
        { id, symbol: signal.symbol, timeframe: signal.timeframe, direction: signal.direction, entry: signal.entry_price, sl: signal.stop_loss, tp: signal.take_profit, agree: md.strategies_agree, confidence: md.consensus_confidence, candle_time: md.candle_time, source: md.source },
        'signal published',
      );
    });
  }

  private checkpointIso(symbol: string): string | null {
    const t = this.decisions.checkpoint(symbol);
    return Number.isFinite(t) ? new Date(t).toISOString() : null;
  }
}
