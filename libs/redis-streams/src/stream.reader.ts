import type Redis from 'ioredis';
import type { z } from 'zod';
import { decodeEntry, MalformedEntryError, withoutHashTag } from '@app/contracts';
import { getLogger, type Liveness, type Running } from '@app/observability';
import { allowBlocking } from './connection-deadlines';
import type { DecodedEntry } from './stream-entry';
import { InterruptibleDelay, nextBackoff } from './interruptible-delay';
import { lastStreamId } from './stream-range';
import { entriesHandled, handlerErrors, malformedEntries, readErrors } from './stream-metrics';

export interface StreamReaderOptions<T> {
  stream: string;
  schema: z.ZodType<T>;
  /** A dedicated connection: it blocks in XREAD. The reader disconnects it on close. */
  connection: Redis;
  /** Handles a batch in stream order. A throw is logged and counted; the reader moves on. */
  handle: (entries: DecodedEntry<T>[]) => Promise<void> | void;
  /** `$` (only entries after start), `0` (everything), or an entry id to resume after. Default `$`. */
  startId?: string;
  /**
   * XREAD BLOCK timeout in ms: bounds how stale liveness can get. The connection's deadlines
   * allow for it (allowBlocking), so a read that overstays them marks the connection dead and
   * it is replaced. Default 5000.
   */
  blockMs?: number;
  /** Entries per XREAD. Default 200. */
  count?: number;
  /** Name in logs and metrics. Default: the stream name. */
  name?: string;
  /**
   * The loop counts as stuck (isRunning false) when no read or handled batch came back, with
   * data, nothing or an error, for this long. Generous: a Redis outage fails reads within
   * about a minute, so only a wedged loop gets this far. Default 600000 (10 min).
   */
  stalledAfterMs?: number;
}

/**
 * A resumable XREAD BLOCK loop: remembers the last id it saw, rides out Redis restarts (reconnect
 * and resume from that id, so nothing is skipped or repeated), skips malformed entries with a
 * metric, and stops promptly on close().
 */
export class StreamReader<T> implements Liveness, Running {
  private closing = false;
  private loop: Promise<void> | undefined;
  private readonly delay = new InterruptibleDelay();
  private lastOkAt = 0;
  /** When the loop last came back from Redis, whatever the answer: liveness. */
  private lastBeatAt = 0;
  private healthy = false;
  private lastIdSeen: string;
  private readonly log;
  private readonly name: string;
  private readonly blockMs: number;

  constructor(private readonly opts: StreamReaderOptions<T>) {
    this.name = opts.name ?? opts.stream;
    this.blockMs = opts.blockMs ?? 5000;
    this.lastIdSeen = opts.startId ?? '$';
    this.log = getLogger(`stream-reader:${this.name}`);
    allowBlocking(opts.connection, this.blockMs);
  }

  /** The id of the last entry read (the resume point). */
  get lastId(): string {
    return this.lastIdSeen;
  }

  start(): void {
    this.lastBeatAt ||= Date.now();
    this.loop ??= this.run();
  }

  isLive(): boolean {
    return !this.closing && this.healthy && Date.now() - this.lastOkAt < this.blockMs + 10_000;
  }

  /** Started, not closed, and not stuck: true while it retries against a Redis that is down. */
  isRunning(): boolean {
    return this.loop !== undefined && !this.closing && Date.now() - this.lastBeatAt < (this.opts.stalledAfterMs ?? 600_000);
  }

  describe(): Record<string, unknown> {
    return { stream: withoutHashTag(this.opts.stream), last_id: this.lastIdSeen, last_read_ms_ago: this.lastOkAt ? Date.now() - this.lastOkAt : null };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.delay.wake();
    this.opts.connection.disconnect();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { connection, stream } = this.opts;
    let backoff = 100;
    while (!this.closing) {
      try {
        if (!this.healthy) await this.confirmConnection();
        if (this.lastIdSeen === '$') this.lastIdSeen = await this.resolveTail();
        const reply = (await connection.xread(
          'COUNT',
          this.opts.count ?? 200,
          'BLOCK',
          this.blockMs,
          'STREAMS',
          stream,
          this.lastIdSeen,
        ));
        this.lastOkAt = Date.now();
        this.healthy = true;
        backoff = 100;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length) await this.dispatch(entries);
        this.lastBeatAt = Date.now();
      } catch (err) {
        if (this.closing) break;
        this.lastBeatAt = Date.now();
        this.healthy = false;
        readErrors.inc({ stream: withoutHashTag(stream), reader: this.name });
        this.log.warn({ err: errMessage(err), retry_in_ms: backoff, resume_after: this.lastIdSeen }, 'stream read failed; will resume');
        await this.delay.wait(backoff);
        backoff = nextBackoff(backoff);
      }
    }
  }

  /** A round trip before blocking, so liveness is known at once rather than after one BLOCK. */
  private async confirmConnection(): Promise<void> {
    await this.opts.connection.ping();
    this.lastOkAt = Date.now();
    this.healthy = true;
  }

  /** `$` would skip entries added between two XREADs: pin it to the real last id once. */
  private resolveTail(): Promise<string> {
    return lastStreamId(this.opts.connection, this.opts.stream);
  }

  private async dispatch(entries: [string, string[]][]): Promise<void> {
    const { stream, schema } = this.opts;
    const decoded: DecodedEntry<T>[] = [];
    for (const [id, fields] of entries) {
      this.lastIdSeen = id;
      try {
        decoded.push({ id, payload: decodeEntry(schema, id, fields) });
      } catch (err) {
        malformedEntries.inc({ stream: withoutHashTag(stream), reader: this.name });
        this.log.warn({ id, err: errMessage(err) }, 'skipping malformed stream entry');
        if (!(err instanceof MalformedEntryError)) throw err;
      }
    }
    if (!decoded.length) return;
    try {
      await this.opts.handle(decoded);
      entriesHandled.inc({ stream: withoutHashTag(stream), reader: this.name }, decoded.length);
    } catch (err) {
      handlerErrors.inc({ stream: withoutHashTag(stream), reader: this.name });
      this.log.error({ first_id: decoded[0].id, count: decoded.length, err: errMessage(err) }, 'stream handler failed');
    }
  }
}

export function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
