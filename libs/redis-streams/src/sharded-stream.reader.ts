import type Redis from 'ioredis';
import type { z } from 'zod';
import { decodeEntry, MalformedEntryError, withoutHashTag } from '@app/contracts';
import { getLogger, type Liveness, type Running } from '@app/observability';
import { allowBlocking } from './connection-deadlines';
import { defineScripts, luaScript } from './define-scripts';
import { fenceCheckLua, isFenced, type Fence } from './fence';
import { InterruptibleDelay, nextBackoff } from './interruptible-delay';
import { ShardLeases } from './shard-leases';
import { shardOf } from './shard-of';
import { registerShardLagMetric, shardsHeld } from './shard-metrics';
import { compareStreamIds, type DecodedEntry } from './stream-entry';
import { deadLettered, entriesHandled, handlerErrors, malformedEntries, readErrors } from './stream-metrics';
import { errMessage } from './stream.reader';

/**
 * KEYS: cursor hash, then one lease key per shard named in ARGV. ARGV: token, then shard, id
 * pairs. Moves each shard's cursor to its id, but only for the shards whose lease the caller
 * still holds; returns the shards refused.
 */
const ADVANCE_LUA = `
local refused = {}
for i = 2, #KEYS do
  local shard, id = ARGV[(i - 1) * 2], ARGV[(i - 1) * 2 + 1]
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('HSET', KEYS[1], shard, id)
  else refused[#refused + 1] = tonumber(shard) end
end
return refused
`;

/**
 * KEYS: lease key, cursor hash, dead-letter stream. ARGV: token, shard, id, MAXLEN, then the
 * dead-letter entry's fields. Parks the entry and moves past it in one step, under the lease.
 */
const DEAD_LETTER_LUA = `${fenceCheckLua(1, 1)}
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', unpack(ARGV, 5))
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
`;

export interface ShardedStreamReaderOptions<T> {
  stream: string;
  /** Name in logs, in the `reader` label of the stream metrics and in dead letters' `group` field. */
  name: string;
  schema: z.ZodType<T>;
  /** The partition key of an entry (a symbol): the entries of one key are handled in stream order. */
  keyOf: (payload: T) => string;
  /** Number of shards; the same for every replica and for as long as the cursors are kept. */
  shards: number;
  /** Keys `<keyPrefix>:members`, `<keyPrefix>:lease:<shard>` and `<keyPrefix>:cursor` (shard → last id handled). */
  keyPrefix: string;
  /** This replica's name (logs; part of its lease token, which is unique per process). */
  consumer: string;
  /** A dedicated connection: it blocks in XREAD. Disconnected on close. */
  connection: Redis;
  /** The shared command connection: leases, cursors, dead letters (usable after `connection` is closed). */
  commands: Redis;
  /**
   * Handles one entry under its shard's fence; resolve to move the shard's cursor past it, throw
   * to retry it (before any later entry of the shard). Pass `fence` to every script that writes.
   */
  handle: (entry: DecodedEntry<T>, fence: Fence) => Promise<void>;
  /** A replica that stops renewing loses its shards after this long. Default 5000. */
  leaseMs?: number;
  /** Where a shard that has no cursor yet starts (exclusive). Default `0-0`: the whole stream. */
  initialCursor?: () => Promise<string>;
  /** XREAD BLOCK timeout in ms, at most a lease tick; the connection's deadlines allow for it. Default 1000. */
  blockMs?: number;
  /** Entries per XREAD. Default 100. */
  count?: number;
  /** Failed attempts after which an entry goes to the dead letters and its shard moves on. Default 5. */
  maxDeliveries?: number;
  /**
   * The dead-letter stream. Default `<stream>:dead`. It is written in one script with the shard's
   * lease and cursor, so on Redis Cluster it must carry the hash tag of `keyPrefix`.
   */
  deadLetterStream?: string;
  /** Isrunning turns false when no step came back for this long (a wedged loop). Default 600000. */
  stalledAfterMs?: number;
}

/**
 * Reads one stream in order per partition key across N replicas. The keys hash to shards
 * (shardOf), the live replicas split the shards through leases (ShardLeases), and each replica
 * handles, in stream order, the entries of the shards it holds, moving each shard's cursor past
 * an entry once it is handled. Every replica reads the whole stream (reading is cheap; handling is
 * the work that is split). A replica that dies loses its shards within `leaseMs`; the replica
 * that takes one over resumes after its cursor, so the entry that was in flight is handled again
 * (handlers must make that a no-op or finish it) and no later entry of the shard comes before it.
 *
 * Written here rather than on a consumer group: a group hands entries to whichever consumer asks,
 * so two replicas can handle one symbol's entries at once; neither Redis nor BullMQ offers a
 * partitioned, ordered read (Kafka's partitions are the model).
 *
 * A malformed entry has no key: it belongs to shard 0, whose holder counts and skips it.
 */
export class ShardedStreamReader<T> implements Liveness, Running {
  private closing = false;
  private loop: Promise<void> | undefined;
  private readonly delay = new InterruptibleDelay();
  private readonly leases: ShardLeases;
  private readonly scripts;
  private readonly log;
  private readonly tickMs: number;
  private readonly cursorKey: string;
  /** Held shards and the id of the last entry handled in each. */
  private readonly held = new Map<number, string>();
  /** The last id read and dealt with in this pass; null: start again from the lowest held cursor. */
  private position: string | null = null;
  private nextTickAt = 0;
  private lastOkAt = 0;
  private lastBeatAt = 0;
  private healthy = false;

  constructor(private readonly o: ShardedStreamReaderOptions<T>) {
    this.leases = new ShardLeases(o.commands, { prefix: o.keyPrefix, shards: o.shards, owner: o.consumer, leaseMs: o.leaseMs });
    this.tickMs = Math.max(50, Math.floor(this.leases.leaseMs / 5));
    this.cursorKey = `${o.keyPrefix}:cursor`;
    this.scripts = defineScripts(o.commands, {
      shardCursorAdvance: luaScript<number[]>(ADVANCE_LUA),
      shardDeadLetter: luaScript<number>(DEAD_LETTER_LUA, 3),
    });
    this.log = getLogger(`sharded-reader:${o.name}/${o.consumer}`);
    allowBlocking(o.connection, o.blockMs ?? 1000);
    registerShardLagMetric(o.commands, o.stream, o.name, this.cursorKey, o.shards);
  }

  start(): void {
    this.lastBeatAt ||= Date.now();
    this.loop ??= this.run();
  }

  isLive(): boolean {
    return !this.closing && this.healthy && Date.now() - this.lastOkAt < (this.o.blockMs ?? 1000) + this.tickMs + 10_000;
  }

  isRunning(): boolean {
    return this.loop !== undefined && !this.closing && Date.now() - this.lastBeatAt < (this.o.stalledAfterMs ?? 600_000);
  }

  describe(): Record<string, unknown> {
    return {
      stream: this.o.stream,
      consumer: this.o.consumer,
      shards: [...this.held.keys()].sort((a, b) => a - b),
      position: this.position,
      last_read_ms_ago: this.lastOkAt ? Date.now() - this.lastOkAt : null,
    };
  }

  /** Stops after the entry in hand, then gives the shards up so the others take over at once. */
  async close(): Promise<void> {
    this.closing = true;
    this.delay.wake();
    this.o.connection.disconnect();
    await this.loop;
    this.held.clear();
    shardsHeld.set({ stream: withoutHashTag(this.o.stream), reader: this.o.name }, 0);
    await this.leases.leave().catch((err: unknown) => this.log.warn({ err: errMessage(err) }, 'could not release shards; they expire by themselves'));
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (!this.closing) {
      try {
        await this.step();
        this.lastOkAt = this.lastBeatAt = Date.now();
        this.healthy = true;
        backoff = 100;
      } catch (err) {
        if (this.closing) break;
        this.lastBeatAt = Date.now();
        this.healthy = false;
        // Re-read from the cursors: the entry in hand was not recorded as handled.
        this.position = null;
        readErrors.inc({ stream: withoutHashTag(this.o.stream), reader: this.o.name });
        this.log.warn({ err: errMessage(err), retry_in_ms: backoff }, 'sharded read failed; will resume');
        await this.delay.wait(backoff);
        backoff = nextBackoff(backoff);
      }
    }
  }

  private async step(): Promise<void> {
    if (Date.now() >= this.nextTickAt) await this.tick();
    if (!this.held.size || !this.leases.isCurrent()) {
      await this.delay.wait(Math.max(10, this.nextTickAt - Date.now()));
      return;
    }
    this.position ??= this.lowestCursor();
    const block = Math.max(10, Math.min(this.o.blockMs ?? 1000, this.nextTickAt - Date.now()));
    const reply = await this.o.connection.xread('COUNT', this.o.count ?? 100, 'BLOCK', block, 'STREAMS', this.o.stream, this.position);
    for (const [id, fields] of reply?.[0]?.[1] ?? []) {
      if (this.closing) return;
      if (Date.now() >= this.nextTickAt) await this.tick();
      // A shard taken over with an older cursor: read again from there.
      if (this.position === null) return;
      await this.process(id, fields);
      if (this.position === null) return;
      this.position = id;
    }
  }

  /** Renews the leases; drops the shards given away and loads the cursors of the shards taken. */
  private async tick(): Promise<void> {
    const before = this.position;
    const { held, taken } = await this.leases.tick();
    this.nextTickAt = Date.now() + this.tickMs;
    const now = new Set(held);
    for (const shard of [...this.held.keys()]) {
      if (!now.has(shard) || taken.includes(shard)) {
        this.held.delete(shard);
        if (!now.has(shard)) this.log.info({ shard }, 'shard handed over');
      }
    }
    // Every entry up to the read position is dealt with in each shard held throughout: record
    // it, so the cursors show progress (lag) and a successor starts near the tip.
    if (before !== null) {
      const idle = [...this.held].filter(([, cursor]) => compareStreamIds(cursor, before) < 0).map(([shard]) => shard);
      if (idle.length) await this.advance(idle.map((shard) => [shard, before]));
    }
    const toLoad = held.filter((shard) => !this.held.has(shard));
    if (toLoad.length) {
      const stored = await this.o.commands.hmget(this.cursorKey, ...toLoad.map(String));
      for (const [i, shard] of toLoad.entries()) {
        const cursor = stored[i] ?? (await this.initialCursor());
        this.held.set(shard, cursor);
        if (this.position !== null && compareStreamIds(cursor, this.position) < 0) this.position = null;
        this.log.info({ shard, after: cursor }, 'shard taken');
      }
    }
    shardsHeld.set({ stream: withoutHashTag(this.o.stream), reader: this.o.name }, this.held.size);
  }

  private async process(id: string, fields: string[]): Promise<void> {
    const { stream, name } = this.o;
    let entry: DecodedEntry<T> | null = null;
    let shard = 0;
    try {
      entry = { id, payload: decodeEntry(this.o.schema, id, fields) };
      shard = shardOf(this.o.keyOf(entry.payload), this.o.shards);
    } catch (err) {
      if (!(err instanceof MalformedEntryError)) throw err;
      if (!this.isNewFor(0, id)) return;
      malformedEntries.inc({ stream: withoutHashTag(stream), reader: name });
      this.log.warn({ id, err: err.reason }, 'skipping malformed stream entry');
      await this.advance([[0, id]]);
      return;
    }
    let backoff = 100;
    for (let attempt = 1; this.isNewFor(shard, id); attempt++) {
      try {
        await this.o.handle(entry, this.leases.fence(shard));
      } catch (err) {
        if (isFenced(err)) return this.lost(shard);
        handlerErrors.inc({ stream: withoutHashTag(stream), reader: name });
        this.log.error({ id, shard, attempt, err: errMessage(err) }, 'handler failed; the shard waits for this entry');
        if (attempt >= (this.o.maxDeliveries ?? 5)) return this.deadLetter(shard, id, fields);
        await this.delay.wait(backoff);
        backoff = nextBackoff(backoff);
        if (this.closing) throw new Error('closing');
        // Keep the leases while retrying; the shard may be gone or moved on afterwards.
        if (Date.now() >= this.nextTickAt) await this.tick();
        continue;
      }
      await this.advance([[shard, id]]);
      entriesHandled.inc({ stream: withoutHashTag(stream), reader: name });
      return;
    }
  }

  /** True when `shard` is held and `id` is after its cursor: the entry is this replica's to handle. */
  private isNewFor(shard: number, id: string): boolean {
    const cursor = this.held.get(shard);
    return cursor !== undefined && compareStreamIds(id, cursor) > 0;
  }

  private async advance(moves: [number, string][]): Promise<void> {
    const keys = moves.map(([shard]) => this.leases.leaseKey(shard));
    const args = moves.flatMap(([shard, id]) => [shard, id]);
    const refused = await this.scripts.shardCursorAdvance(1 + keys.length, this.cursorKey, ...keys, this.leases.token, ...args);
    for (const [shard, id] of moves) if (this.held.has(shard)) this.held.set(shard, id);
    for (const shard of refused) this.lost(Number(shard));
  }

  private async deadLetter(shard: number, id: string, fields: string[]): Promise<void> {
    const { stream, name } = this.o;
    const dead = this.o.deadLetterStream ?? `${stream}:dead`;
    try {
      await this.scripts.shardDeadLetter(this.leases.leaseKey(shard), this.cursorKey, dead, this.leases.token, shard, id, 10_000, ...fields, 'source_id', id, 'group', name);
    } catch (err) {
      if (isFenced(err)) return this.lost(shard);
      throw err;
    }
    this.held.set(shard, id);
    deadLettered.inc({ stream: withoutHashTag(stream), group: name });
    this.log.error({ id, shard }, `entry failed ${this.o.maxDeliveries ?? 5} times; moved to ${dead}`);
  }

  /** Another replica holds the shard now (our lease ran out): stop acting on it at once. */
  private lost(shard: number): void {
    if (!this.held.delete(shard)) return;
    this.log.warn({ shard }, 'shard lease lost; another replica continues it');
    shardsHeld.set({ stream: withoutHashTag(this.o.stream), reader: this.o.name }, this.held.size);
  }

  private lowestCursor(): string {
    let low: string | null = null;
    for (const cursor of this.held.values()) if (low === null || compareStreamIds(cursor, low) < 0) low = cursor;
    return low ?? '0-0';
  }

  private initialCursor(): Promise<string> {
    return this.o.initialCursor?.() ?? Promise.resolve('0-0');
  }
}
