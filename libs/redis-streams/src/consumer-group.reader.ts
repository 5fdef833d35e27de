import type Redis from 'ioredis';
import type { z } from 'zod';
import { decodeEntry, MalformedEntryError, withoutHashTag } from '@app/contracts';
import { getLogger, type Liveness, type Running } from '@app/observability';
import { allowBlocking } from './connection-deadlines';
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
  handle?: (entry: DecodedEntry<T>) => Promise<void>;
  /**
   * Instead of `handle`: the well-formed entries of one read at once, in stream order; resolve to
   * XACK them (with the read's malformed and trimmed ones) in one XACK, throw to leave them all
   * pending. For a handler that may redo a whole batch (idempotent per entry), this
   * turns two round trips per entry into two per read.
   */
  handleBatch?: (entries: DecodedEntry<T>[]) => Promise<void>;
  /** BLOCK timeout in ms; the connection's deadlines allow for it (allowBlocking). Default 5000. */
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
}

/**
 * XREADGROUP loop with at-least-once hand-off: own pending entries first, then new ones; XACK only
 * after `handle` resolves; XAUTOCLAIM takes over entries left idle by dead consumers; poison
 * entries are dead-lettered after `maxDeliveries`; malformed entries are counted, acked, skipped.
 * Entries are handled as they come, in no order across consumers: a stream whose meaning
 * depends on its order per key is read with ShardedStreamReader.
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
  private readonly log;
  private readonly o: Required<Omit<ConsumerGroupReaderOptions<T>, 'schema' | 'connection' | 'handle' | 'handleBatch'>> &
    Pick<ConsumerGroupReaderOptions<T>, 'schema' | 'connection' | 'handle' | 'handleBatch'>;

  constructor(opts: ConsumerGroupReaderOptions<T>) {
    if (!opts.handle === !opts.handleBatch) throw new Error('ConsumerGroupReader needs exactly one of handle and handleBatch');
    this.o = {
      blockMs: 5000,
      count: 50,
      claimIdleMs: 30_000,
      claimIntervalMs: 5000,
      maxDeliveries: 5,
      groupStartId: '$',
      stalledAfterMs: 600_000,
      ...opts,
    };
    this.log = getLogger(`consumer:${opts.group}/${opts.consumer}`);
    allowBlocking(opts.connection, this.o.blockMs);
    // A connection lost with an XREADGROUP in flight may have lost its reply after Redis had
    // delivered entries to us (a blocked read is served the moment an entry arrives): they sit in
    // our pending list, and ioredis's resend of the read only asks for newer ones. Re-read our
    // pending list after the step in hand, rather than leave them to XAUTOCLAIM's idle time.
    opts.connection.on('close', () => {
      if (!this.closing) this.pendingCursor = '0';
    });
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
        this.healthy = false;
        const msg = errMessage(err);
        if (msg.includes('NOGROUP')) this.groupReady = false;
        readErrors.inc({ stream: withoutHashTag(this.o.stream), reader: this.o.group });
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
      const reply = (await c.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', stream, this.pendingCursor)) as RawStreamReply;
      const entries = reply?.[0]?.[1] ?? [];
      if (!entries.length) {
        this.pendingCursor = null;
        return;
      }
      if (this.o.handleBatch) {
        await this.processBatch(entries);
        this.pendingCursor = entries[entries.length - 1][0];
        return;
      }
      for (const [id, fields] of entries) {
        this.pendingCursor = id;
        await this.process(id, fields);
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
    const entries = reply?.[0]?.[1] ?? [];
    if (this.o.handleBatch) {
      if (entries.length) await this.processBatch(entries);
      return;
    }
    for (const [id, fields] of entries) await this.process(id, fields);
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
    deadLettered.inc({ stream: withoutHashTag(stream), group });
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
      malformedEntries.inc({ stream: withoutHashTag(stream), reader: group });
      this.log.warn({ id, err: err.reason }, 'skipping malformed stream entry');
      await c.xack(stream, group, id);
      return;
    }
    try {
      await (this.o.handleBatch ? this.o.handleBatch([{ id, payload }]) : this.o.handle!({ id, payload }));
    } catch (err) {
      handlerErrors.inc({ stream: withoutHashTag(stream), reader: group });
      this.log.error({ id, err: errMessage(err) }, 'handler failed; entry stays pending for a retry');
      return;
    }
    await c.xack(stream, group, id);
    entriesHandled.inc({ stream: withoutHashTag(stream), reader: group });
  }

  /** `process` for a whole read with `handleBatch`: one handler call, one XACK. */
  private async processBatch(entries: [string, string[] | null][]): Promise<void> {
    const { connection: c, stream, group, schema } = this.o;
    const acked: string[] = [];
    const decoded: DecodedEntry<T>[] = [];
    for (const [id, fields] of entries) {
      // Trimmed from the stream while pending: nothing left to handle.
      if (fields === null) {
        acked.push(id);
        continue;
      }
      try {
        decoded.push({ id, payload: decodeEntry(schema, id, fields) });
      } catch (err) {
        if (!(err instanceof MalformedEntryError)) throw err;
        malformedEntries.inc({ stream, reader: group });
        this.log.warn({ id, err: err.reason }, 'skipping malformed stream entry');
        acked.push(id);
      }
    }
    let handled = false;
    if (decoded.length) {
      try {
        await this.o.handleBatch!(decoded);
        handled = true;
        for (const e of decoded) acked.push(e.id);
      } catch (err) {
        handlerErrors.inc({ stream, reader: group }, decoded.length);
        this.log.error({ ids: decoded.map((e) => e.id), err: errMessage(err) }, 'handler failed; entries stay pending for a retry');
      }
    }
    if (acked.length) await c.xack(stream, group, ...acked);
    if (handled) entriesHandled.inc({ stream, reader: group }, decoded.length);
  }
}
