import type Redis from 'ioredis';
import type { z } from 'zod';
import { decodeEntry, MalformedEntryError, withoutHashTag } from '@app/contracts';
import { getLogger } from '@app/observability';
import type { DecodedEntry } from './stream-entry';
import { malformedEntries } from './stream-metrics';

type RawEntry = [string, string[]];

export interface RangeOptions<T> {
  stream: string;
  /** The contract schema each entry is decoded with. */
  schema: z.ZodType<T>;
  /** The `reader` label of stream_malformed_entries_total, and the logger's name. */
  reader: string;
  /** Entries from this id on (inclusive). Default: the first entry. Ignored when `after` is set. */
  from?: string;
  /** Entries after this id (exclusive): a resume point. */
  after?: string;
  /** Up to this id (inclusive), typically a tail taken first with lastStreamId. Default: the newest. */
  until?: string;
  /** Entries per XRANGE round trip. Default 500. */
  pageSize?: number;
}

export interface TailOptions<T> extends Pick<RangeOptions<T>, 'stream' | 'schema' | 'reader' | 'until' | 'pageSize'> {
  /** How many of the newest entries to read (malformed ones count, so the window is the stream's). */
  count: number;
}

/**
 * The entries of a stream from `from`/`after` to `until`, oldest first: one XRANGE page at a time
 * (a rebuild of tens of thousands of entries never asks Redis for all of them at once), each entry
 * decoded with the contract schema on its own. An entry that does not decode is counted
 * (stream_malformed_entries_total{stream, reader}), logged and skipped: it never ends the read,
 * or a rebuild would retry into it forever.
 */
export async function* readRange<T>(redis: Redis, opts: RangeOptions<T>): AsyncGenerator<DecodedEntry<T>> {
  const pageSize = opts.pageSize ?? 500;
  const until = opts.until ?? '+';
  let start = opts.after !== undefined ? `(${opts.after}` : (opts.from ?? '-');
  for (;;) {
    const page = (await redis.xrange(opts.stream, start, until, 'COUNT', pageSize)) as RawEntry[];
    for (const entry of page) {
      const decoded = decodeOrSkip(entry, opts);
      if (decoded) yield decoded;
    }
    if (page.length < pageSize) return;
    start = `(${page[page.length - 1][0]}`;
  }
}

/**
 * The newest `count` entries up to `until`, returned oldest first: XREVRANGE pages walked back
 * from the tail, then decoded one by one as readRange does.
 */
export async function readTail<T>(redis: Redis, opts: TailOptions<T>): Promise<DecodedEntry<T>[]> {
  const pageSize = opts.pageSize ?? 1000;
  const raw: RawEntry[] = [];
  let end = opts.until ?? '+';
  while (raw.length < opts.count) {
    const page = (await redis.xrevrange(opts.stream, end, '-', 'COUNT', Math.min(pageSize, opts.count - raw.length))) as RawEntry[];
    raw.push(...page);
    if (page.length === 0 || raw.length >= opts.count) break;
    end = `(${page[page.length - 1][0]}`;
  }
  const out: DecodedEntry<T>[] = [];
  for (let i = raw.length - 1; i >= 0; i--) {
    const decoded = decodeOrSkip(raw[i], opts);
    if (decoded) out.push(decoded);
  }
  return out;
}

/**
 * The id of the stream's newest entry, `0-0` when it is empty or absent. A rebuild takes it first,
 * reads up to it (`until`), then follows the stream after it: nothing missed, nothing twice.
 */
export async function lastStreamId(redis: Redis, stream: string): Promise<string> {
  const last = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1)) as RawEntry[];
  return last[0]?.[0] ?? '0-0';
}

/** The id of the stream's oldest entry (what trimming left), `0-0` when it is empty or absent. */
export async function firstStreamId(redis: Redis, stream: string): Promise<string> {
  const first = (await redis.xrange(stream, '-', '+', 'COUNT', 1)) as RawEntry[];
  return first[0]?.[0] ?? '0-0';
}

function decodeOrSkip<T>([id, fields]: RawEntry, opts: Pick<RangeOptions<T>, 'stream' | 'schema' | 'reader'>): DecodedEntry<T> | undefined {
  try {
    return { id, payload: decodeEntry(opts.schema, id, fields) };
  } catch (err) {
    // Whatever failed here (the schema, or a parse of hostile JSON) belongs to this entry alone.
    malformedEntries.inc({ stream: withoutHashTag(opts.stream), reader: opts.reader });
    const reason = err instanceof MalformedEntryError ? err.reason : err instanceof Error ? err.message : String(err);
    getLogger(`stream-range:${opts.reader}`).warn({ stream: opts.stream, id, err: reason }, 'skipping malformed stream entry');
    return undefined;
  }
}
