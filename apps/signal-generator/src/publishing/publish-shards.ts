import type Redis from 'ioredis';
import { GENERATOR_SHARDS, KEYS } from '@app/contracts';
import { getLogger, type Liveness } from '@app/observability';
import { InterruptibleDelay, ShardLeases, shardOf, type Fence } from '@app/redis-streams';
import { generatorMetrics as m } from '../metrics/generator.metrics';

export interface PublishShardsOptions {
  symbols: string[];
  /** This replica's name (logs, lease token). */
  owner: string;
  /** A replica that stops renewing loses its shards after this long (SHARD_LEASE_MS). */
  leaseMs: number;
}

/** What one lease tick found: the symbols held now, and those among them taken (not extended) in this tick. */
export interface SymbolTick {
  held: ReadonlySet<string>;
  taken: ReadonlySet<string>;
}

/**
 * This replica's share of the symbols to publish: its leases on the GENERATOR_SHARDS symbol
 * shards (ShardLeases: the live replicas split the shards evenly, and a replica that stops
 * renewing loses its own after `leaseMs`), renewed every fifth of the lease. After each tick,
 * `onTick` learns which symbols are held; `fence(symbol)` goes with every publish so a replica
 * that lost a shard without noticing yet (paused, cut off) cannot publish it.
 */
export class PublishShards implements Liveness {
  readonly tickMs: number;
  private readonly leases: ShardLeases;
  private readonly log = getLogger('publish-shards');
  private readonly delay = new InterruptibleDelay();
  private loop: Promise<void> | undefined;
  private closing = false;
  private held: SymbolTick['held'] = new Set();
  private heldShards: number[] = [];
  private lastOkAt = 0;
  private failing = false;
  /** Left on purpose (stopping, or a finite replay all published): nothing more to renew. */
  private left = false;
  private stepWaiters: (() => void)[] = [];

  constructor(
    redis: Redis,
    private readonly o: PublishShardsOptions,
    private readonly onTick: (tick: SymbolTick) => Promise<void>,
  ) {
    this.leases = new ShardLeases(redis, { prefix: KEYS.generatorShards, shards: GENERATOR_SHARDS, owner: o.owner, leaseMs: o.leaseMs });
    this.tickMs = Math.max(50, Math.floor(o.leaseMs / 5));
  }

  /** The lease that must still be ours for `symbol`'s publish to be written. */
  fence(symbol: string): Fence {
    return this.leases.fence(shardOf(symbol, GENERATOR_SHARDS));
  }

  /** A first tick, awaited (a single replica holds every symbol before its first candle), then one every `tickMs`. */
  async start(): Promise<void> {
    await this.step();
    this.loop ??= this.run();
  }

  /** Resolves after the next tick (or at once when stopped). */
  nextTick(): Promise<void> {
    if (this.closing) return Promise.resolve();
    return new Promise((resolve) => this.stepWaiters.push(resolve));
  }

  /** Stops renewing; the shards stay held until `leave` (or their expiry), so publishes in flight still land. */
  async stop(): Promise<void> {
    this.closing = true;
    this.delay.wake();
    await this.loop;
    this.wakeWaiters();
  }

  /** Gives every shard up at once, so the other replicas take them at their next tick (a clean stop). */
  async leave(): Promise<void> {
    try {
      await this.leases.leave();
      this.log.info({ shards: this.heldShards }, 'shards released');
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'shards not released; the others take them when the leases expire');
    }
    this.held = new Set();
    this.heldShards = [];
    this.left = true;
  }

  /** Ready while the leases were renewed within one lease (a standby holding nothing too), or once left on purpose. */
  isLive(): boolean {
    return this.left || Date.now() - this.lastOkAt < this.o.leaseMs;
  }

  describe(): Record<string, unknown> {
    return {
      shards: this.heldShards,
      symbols: [...this.held],
      lease_ms: this.o.leaseMs,
      ...(this.left ? { left: true } : {}),
      renewed_ms_ago: this.lastOkAt ? Date.now() - this.lastOkAt : null,
    };
  }

  private async run(): Promise<void> {
    while (!this.closing) {
      await this.delay.wait(this.tickMs);
      if (!this.closing) await this.step();
    }
  }

  private async step(): Promise<void> {
    try {
      const tick = await this.leases.tick();
      const symbolsOf = (shards: number[]) => new Set(this.o.symbols.filter((s) => shards.includes(shardOf(s, GENERATOR_SHARDS))));
      const held = symbolsOf(tick.held);
      this.logChange(tick.held);
      this.held = held;
      this.heldShards = tick.held;
      for (let shard = 0; shard < GENERATOR_SHARDS; shard++) m.shardHeld.set({ shard: String(shard) }, tick.held.includes(shard) ? 1 : 0);
      m.symbolsHeld.set(held.size);
      await this.onTick({ held, taken: symbolsOf(tick.taken) });
      this.lastOkAt = Date.now();
      if (this.failing) this.log.info('shard leases renewed again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'shard lease tick failed; retrying every tick (publishes stay fenced by the leases)');
      this.failing = true;
    } finally {
      this.wakeWaiters();
    }
  }

  private logChange(shards: number[]): void {
    const before = this.heldShards;
    const gained = shards.filter((s) => !before.includes(s));
    const lost = before.filter((s) => !shards.includes(s));
    if (gained.length || lost.length) this.log.info({ replica: this.o.owner, shards, gained, lost }, 'symbol shards changed');
  }

  private wakeWaiters(): void {
    const waiters = this.stepWaiters;
    this.stepWaiters = [];
    for (const w of waiters) w();
  }
}
