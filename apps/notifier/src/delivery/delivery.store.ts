import type Redis from 'ioredis';
import { defineScripts, luaScript } from '@app/redis-streams';
import type { NotificationJob } from '@app/contracts';
import type { ChatTarget } from './chat-target';
import { COMMIT, FAN_OUT, RESERVE } from './delivery.scripts';
import type { DeliveryKeys } from './delivery-keys';
import type { SendWindow } from './send-windows';

export type Reservation =
  | { state: 'sent' | 'failed' | 'missing' }
  /** `rank`: the entry's place in the chat's outbox, 0 for the oldest. */
  | { state: 'paused' | 'busy' | 'rate'; ms: number; rank: number }
  | { state: 'reserved' };

export type CommitOutcome = 'sent' | 'failed' | 'released';

export interface PendingItems {
  /** Entry keys with a readable item, oldest first. */
  keys: string[];
  items: NotificationJob[];
  /** Entry keys whose item expired or cannot be read: to be dropped. */
  unreadable: string[];
}

export interface DeliveryStoreOptions {
  /** How long sent/failed records and items are kept: a redelivery older than this could repeat. */
  retentionMs: number;
  /** The chat lock's TTL: longer than a send can take, so only a dead sender's lock expires. */
  lockTtlMs: number;
}

/**
 * The per-chat delivery state in Redis: outboxes, sent/failed records, send windows, chat locks.
 * See apps/notifier/README.md for why this gives each chat each entry exactly once.
 */
export class DeliveryStore {
  /** The key count comes first in each call: a chat's send windows vary. */
  private readonly scripts;

  constructor(
    private readonly redis: Redis,
    private readonly keys: DeliveryKeys,
    private readonly opts: DeliveryStoreOptions,
  ) {
    this.scripts = defineScripts(redis, {
      notifierFanOut: luaScript<number>(FAN_OUT),
      notifierReserve: luaScript<[string, number, number]>(RESERVE),
      notifierCommit: luaScript<number>(COMMIT),
    });
  }

  /** Queues `item` for every chat that has not had it yet. Returns how many outboxes gained it. */
  async fanOut(entryKey: string, item: NotificationJob, chats: readonly ChatTarget[]): Promise<number> {
    const k = this.keys;
    const keys = [k.item(entryKey), k.itemRefs(entryKey), ...chats.flatMap((c) => [k.outbox(c.id), k.sent(c.id), k.failed(c.id)])];
    return this.scripts.notifierFanOut(keys.length, ...keys, JSON.stringify(item), this.opts.retentionMs, streamOrder(item.entry_id), entryKey);
  }

  async reserve(chat: string, entryKey: string, owner: string, windows: readonly SendWindow[]): Promise<Reservation> {
    const k = this.keys;
    const keys = [k.outbox(chat), k.sent(chat), k.failed(chat), k.lock(chat), k.pause, ...windows.map((w) => w.key)];
    const [state, ms, rank] = await this.scripts.notifierReserve(
      keys.length,
      ...keys,
      entryKey,
      owner,
      this.opts.lockTtlMs,
      ...windows.flatMap((w) => [w.max, w.windowMs]),
    );
    switch (state) {
      case 'paused':
      case 'busy':
      case 'rate':
        return { state, ms: Number(ms), rank: Number(rank) };
      case 'sent':
      case 'failed':
      case 'missing':
      case 'reserved':
        return { state };
      default:
        throw new Error(`unexpected reservation state '${state}'`);
    }
  }

  /** The oldest `limit` entries waiting for `chat` (call while holding its reservation). */
  async pending(chat: string, limit: number): Promise<PendingItems> {
    const keys = await this.redis.zrange(this.keys.outbox(chat), 0, limit - 1);
    if (!keys.length) return { keys: [], items: [], unreadable: [] };
    const raw = await this.redis.mget(...keys.map((e) => this.keys.item(e)));
    const out: PendingItems = { keys: [], items: [], unreadable: [] };
    keys.forEach((key, i) => {
      const item = parseItem(raw[i]);
      if (item) {
        out.keys.push(key);
        out.items.push(item);
      } else {
        out.unreadable.push(key);
      }
    });
    return out;
  }

  /** Ends a reservation; `pauseMs` > 0 pauses every sender (a 429's retry_after). */
  async commit(chat: string, owner: string, outcome: CommitOutcome, entryKeys: readonly string[], windows: readonly SendWindow[], pauseMs = 0): Promise<void> {
    const k = this.keys;
    const items = entryKeys.flatMap((e) => [k.item(e), k.itemRefs(e)]);
    const keys = [k.lock(chat), k.outbox(chat), k.sent(chat), k.failed(chat), k.pause, ...windows.map((w) => w.key), ...items];
    await this.scripts.notifierCommit(keys.length, ...keys, owner, outcome, this.opts.retentionMs, Math.max(0, Math.ceil(pauseMs)), ...entryKeys);
  }

  /** Moves entries out of the outbox into `failed` without a reservation (unreadable items). */
  async drop(chat: string, entryKeys: readonly string[]): Promise<void> {
    if (!entryKeys.length) return;
    const now = Date.now();
    await this.redis
      .multi()
      .zrem(this.keys.outbox(chat), ...entryKeys)
      .zadd(this.keys.failed(chat), ...entryKeys.flatMap((e) => [now, e]))
      .exec();
  }

  async outboxSize(chat: string): Promise<number> {
    return this.redis.zcard(this.keys.outbox(chat));
  }
}

/**
 * Outbox score from a stream id (`ms-seq`): ms × 1000 + seq keeps stream order and stays an exact
 * double (< 2^53) for the next few centuries. Entries of one millisecond beyond 999 tie, harmlessly.
 */
export function streamOrder(entryId: string): number {
  const [ms, seq] = entryId.split('-').map(Number);
  return (Number.isFinite(ms) ? ms : 0) * 1000 + Math.min(Number.isFinite(seq) ? seq : 0, 999);
}

function parseItem(raw: string | null): NotificationJob | undefined {
  if (!raw) return undefined;
  try {
    const item = JSON.parse(raw) as NotificationJob;
    return item && (item.kind === 'signal' || item.kind === 'position_closed' || item.kind === 'control') ? item : undefined;
  } catch {
    return undefined;
  }
}
