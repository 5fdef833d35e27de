import type Redis from 'ioredis';
import type { z } from 'zod';
import { decodeEntry, MalformedEntryError } from '@app/contracts';
import { getLogger, type Liveness, type Running } from '@app/observability';
import { ensureGroup } from './ensure-group';
import type { DecodedEntry, RawStreamReply } from './stream-entry';
import { InterruptibleDelay, nextBackoff } from './interruptible-delay';
import { deadLettered, entriesHandled, handlerErrors, malformedEntries, readErrors } from './stream-metrics';
import { errMessage } from './stream.reader';

export interface ConsumerGroupReaderOptions<T> {
  stream: string;
  group: string;
  /**
   * Stable per replica (e.g. the hostname): after a restart the reader first re-reads the
   * entries it had been given but not acknowledged.
   */
  consumer: string;
  schema: z.ZodType<T>;
  /** A dedicated connection (it blocks). Disconnected on close. */
  connection: Redis;
  /** Handles one entry; resolve to XACK it, throw to leave it pending for a retry. */
  handle: (entry: DecodedEntry<T>) => Promise<void>;
  /** BLOCK timeout in ms. Default 5000. */
  blockMs?: number;
  /** Entries per read. Default 50. */
  count?: number;
  /** Entries idle this long in any consumer's pending list are claimed (dead replica). Default 30000. */
  claimIdleMs?: number;
  /** How often to look for idle entries. Default 5000. */
  claimIntervalMs?: number;
  /** Deliveries after which an entry goes to `<stream>:dead` instead of being retried. Default 5. */
  maxDeliveries?: number;
  /** Where a newly created group starts. Default `$`. */
  groupStartId?: string;
  /**
   * The loop counts as stuck (isRunning false) when no step came back, with entries, nothing or
   * an error, for this long. Generous: a Redis outage fails reads within about a minute, so
   * only a wedged loop (or a handler that never returns) gets this far. Default 600000 (10 min).
   */
  stalledAfterMs?: number;
  /**
   * Handle the stream strictly in order across every consumer of the group, for streams whose
   * meaning depends on it (`market`): an entry waits until every earlier one is acknowledged,
   * claiming an earlier one whose consumer has been idle `claimIdleMs` (dead) and handling it
   * first; a handler failure stops this consumer until the entry succeeds or, after
   * `maxDeliveries`, is dead-lettered. Replicas then take turns rather than share the load.
   * Default false: entries are handled as they come and a failed one is retried later.
   */
  ordered?: boolean;
}

/** Thrown in `ordered` mode when a handler fails: later entries must wait for this one. */
class OrderedEntryFailed extends Error {}

/**
 * XREADGROUP loop with at-least-once hand-off: own pending entries first, then new ones; XACK only
 * after `handle` resolves; XAUTOCLAIM takes over entries left idle by dead consumers; poison
 * entries are dead-lettered after `maxDeliveries`; malformed entries are counted, acked, skipped.
 */
export class ConsumerGroupReader<T> implements Liveness, Running {
  private closing = false;
  private loop: Promise<void> | undefined;
  private readonly delay = new InterruptibleDelay();
  private lastOkAt = 0;
  /** When the last step came back, whatever the answer: liveness. */
  private lastBeatAt = 0;
  private healthy = false;
  private groupReady = false;
  /** Non-null while re-reading our own pending list (at start and after an error). */
  private pendingCursor: string | null = '0';
  private nextClaimAt = 0;
  /** Ordered mode: wait before retrying a failed entry. */
  private retryBackoff = 100;
  private readonly log;
  private readonly o: Required<Omit<ConsumerGroupReaderOptions<T>, 'schema' | 'connection' | 'handle'>> &
    Pick<ConsumerGroupReaderOptions<T>, 'schema' | 'connection' | 'handle'>;

  constructor(opts: ConsumerGroupReaderOptions<T>) {
    this.o = {
      blockMs: 5000,
      count: 50,
      claimIdleMs: 30_000,
      claimIntervalMs: 5000,
      maxDeliveries: 5,
      groupStartId: '$',
      stalledAfterMs: 600_000,
      ordered: false,
      ...opts,
    };
    this.log = getLogger(`consumer:${opts.group}/${opts.consumer}`);
  }

  start(): void {
    this.lastBeatAt ||= Date.now();
    this.loop ??= this.run();
  }

  isLive(): boolean {
    return !this.closing && this.healthy && Date.now() - this.lastOkAt < this.o.blockMs + 10_000;
  }

  /** Started, not closed, and not stuck: true while it retries against a Redis that is down. */
  isRunning(): boolean {
    return this.loop !== undefined && !this.closing && Date.now() - this.lastBeatAt < this.o.stalledAfterMs;
  }

  describe(): Record<string, unknown> {
    return { stream: this.o.stream, group: this.o.group, consumer: this.o.consumer, last_read_ms_ago: this.lastOkAt ? Date.now() - this.lastOkAt : null };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.delay.wake();
    this.o.connection.disconnect();
    await this.loop;
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
        this.pendingCursor = '0';
        if (err instanceof OrderedEntryFailed) {
          // Logged and counted by process(); retried from our pending list, in order.
          await this.delay.wait(this.retryBackoff);
          this.retryBackoff = nextBackoff(this.retryBackoff);
          continue;
        }
        this.healthy = false;
        const msg = errMessage(err);
        if (msg.includes('NOGROUP')) this.groupReady = false;
        readErrors.inc({ stream: this.o.stream, reader: this.o.group });
        this.log.warn({ err: msg, retry_in_ms: backoff }, 'consumer-group read failed; will resume');
        await this.delay.wait(backoff);
        backoff = nextBackoff(backoff);
      }
    }
  }

  private async step(): Promise<void> {
    const { connection: c, stream, group, consumer, count } = this.o;
    if (!this.groupReady) {
      await ensureGroup(c, stream, group, this.o.groupStartId);
      this.groupReady = true;
    }
    if (this.pendingCursor !== null) {
      // Ordered: one at a time, so re-reading counts a delivery only for the entry handled next,
      // not for the innocent ones behind a failing entry (they would be dead-lettered with it).
      const n = this.o.ordered ? 1 : count;
      const reply = (await c.xreadgroup('GROUP', group, consumer, 'COUNT', n, 'STREAMS', stream, this.pendingCursor)) as RawStreamReply;
      const entries = reply?.[0]?.[1] ?? [];
      if (!entries.length) {
        this.pendingCursor = null;
        return;
      }
      for (const [id, fields] of entries) {
        this.pendingCursor = id;
        // Own pending list re-read after a failure: a poison entry must not hold the stream forever.
        if (this.o.ordered && (await this.deliveries(id)) > this.o.maxDeliveries) await this.deadLetter(id, fields);
        else await this.process(id, fields);
      }
      return;
    }
    const now = Date.now();
    if (now >= this.nextClaimAt) {
      await this.claimIdle();
      this.nextClaimAt = Date.now() + this.o.claimIntervalMs;
    }
    const block = Math.max(10, Math.min(this.o.blockMs, this.nextClaimAt - Date.now()));
    const reply = (await c.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'BLOCK', block, 'STREAMS', stream, '>')) as RawStreamReply;
    for (const [id, fields] of reply?.[0]?.[1] ?? []) await this.process(id, fields);
  }

  private async claimIdle(): Promise<void> {
    const { connection: c, stream, group, consumer, claimIdleMs, count } = this.o;
    let cursor = '0-0';
    for (let round = 0; round < 100 && !this.closing; round++) {
      const [next, entries] = (await c.xautoclaim(stream, group, consumer, claimIdleMs, cursor, 'COUNT', count)) as [
        string,
        [string, string[] | null][],
      ];
      for (const [id, fields] of entries) {
        if (fields && (await this.deliveries(id)) > this.o.maxDeliveries) await this.deadLetter(id, fields);
        else await this.process(id, fields);
      }
      if (entries.length) this.log.info({ claimed: entries.length }, 'claimed idle entries from other consumers');
      cursor = next;
      if (next === '0-0') break;
    }
  }

  private async deliveries(id: string): Promise<number> {
    const rows = (await this.o.connection.xpending(this.o.stream, this.o.group, id, id, 1)) as [string, string, number, number][];
    return rows[0]?.[3] ?? 0;
  }

  private async deadLetter(id: string, fields: string[]): Promise<void> {
    const { connection: c, stream, group } = this.o;
    await c.xadd(`${stream}:dead`, 'MAXLEN', '~', 10_000, '*', ...fields, 'source_id', id, 'group', group);
    await c.xack(stream, group, id);
    deadLettered.inc({ stream, group });
    this.log.error({ id }, `entry failed ${this.o.maxDeliveries} times; moved to ${stream}:dead`);
  }

  private async process(id: string, fields: string[] | null): Promise<void> {
    const { connection: c, stream, group, schema } = this.o;
    if (fields === null) {
      // Trimmed from the stream while pending: nothing left to handle.
      await c.xack(stream, group, id);
      return;
    }
    let payload: T;
    try {
      payload = decodeEntry(schema, id, fields);
    } catch (err) {
      if (!(err instanceof MalformedEntryError)) throw err;
      malformedEntries.inc({ stream, reader: group });
      this.log.warn({ id, err: err.reason }, 'skipping malformed stream entry');
      await c.xack(stream, group, id);
      return;
    }
    if (this.o.ordered && !(await this.waitTurn(id))) return;
    try {
      await this.o.handle({ id, payload });
    } catch (err) {
      handlerErrors.inc({ stream, reader: group });
      this.log.error({ id, err: errMessage(err) }, 'handler failed; entry stays pending for a retry');
      if (this.o.ordered) throw new OrderedEntryFailed(id);
      return;
    }
    await c.xack(stream, group, id);
    entriesHandled.inc({ stream, reader: group });
    this.retryBackoff = 100;
  }

  /**
   * Ordered mode: true once no entry before `id` is pending in the group and `id` is still ours;
   * false when another consumer claimed it while we waited (it handles it). Entries are
   * delivered in id order, so an earlier pending entry is one another consumer is handling
   * now: wait for its XACK, or claim it when that consumer has been idle for `claimIdleMs`.
   */
  private async waitTurn(id: string): Promise<boolean> {
    const { connection: c, stream, group, consumer, claimIdleMs } = this.o;
    let backoff = 5;
    while (!this.closing) {
      const [first] = (await c.xpending(stream, group, '-', id, 1)) as [string, string, number, number][];
      if (!first) return false; // acknowledged by the consumer that claimed it
      const [firstId, owner, idleMs] = first;
      if (firstId === id) return owner === consumer;
      // Ours: it failed and must go first; the loop re-reads our pending list in order.
      if (owner === consumer) throw new OrderedEntryFailed(firstId);
      if (idleMs >= claimIdleMs) {
        const claimed = (await c.xclaim(stream, group, consumer, claimIdleMs, firstId)) as [string, string[] | null][];
        for (const [cid, fields] of claimed) {
          this.log.info({ id: cid, from: owner }, 'claimed an earlier entry from an idle consumer');
          if ((await this.deliveries(cid)) > this.o.maxDeliveries && fields) await this.deadLetter(cid, fields);
          else await this.process(cid, fields);
        }
        continue;
      }
      await this.delay.wait(backoff);
      backoff = Math.min(backoff * 2, 100);
    }
    throw new Error('closing');
  }
}
