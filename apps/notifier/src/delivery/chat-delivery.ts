import { randomUUID } from 'node:crypto';
import { getLogger, type LatencySamples } from '@app/observability';
import { composeMessage } from '../telegram/digest';
import type { PermanentReason, TransientReason } from '../telegram/send-outcome';
import type { TelegramSender } from '../telegram/telegram.client';
import { itemsDelivered, messagesFailed, messagesRetried, messagesSent, signalDeliveryLatency } from './delivery.metrics';
import type { ChatTarget } from './chat-target';
import { ChatWakeups } from './chat-wakeups';
import type { DeliveryKeys } from './delivery-keys';
import type { CommitOutcome, DeliveryStore } from './delivery.store';
import { busyPollMs, followerWaitMs, sendWindows, type RateLimits, type SendWindow } from './send-windows';

/** Where one entry stands with one chat after a `deliver` call. */
export type ChatResult =
  /** Delivered (now, earlier, or in someone else's digest). */
  | { state: 'done' }
  /** Telegram refused it for good (400/401/403/404). */
  | { state: 'failed'; reason: PermanentReason | 'earlier'; description: string }
  /** Not yet: a rate window, another sender on this chat, or a 429 pause. Look again in `ms`. */
  | { state: 'wait'; ms: number; reason: 'rate' | 'busy' | 'paused' }
  /** A 5xx, network error or timeout: retry with backoff. */
  | { state: 'retry'; reason: TransientReason; description: string };

/** Items read per send: a digest of 4096 characters holds about 30 lines. */
const PENDING_READ = 60;
/** Sends one `deliver` call may make before handing back (it keeps draining while limits allow). */
const MAX_SENDS_PER_CALL = 10;
/**
 * How long one `deliver` call may wait for a busy chat in the job itself (woken early when this
 * process frees the chat) before handing the wait to BullMQ's delayed set (see ChatWakeups).
 * Short: a waiting job holds one of the worker's `NOTIFIER_CONCURRENCY` slots. With Telegram's
 * default limits (1 message/s per chat) a busy chat is polled once a second, still through BullMQ.
 */
export const IN_PROCESS_WAIT_MS = 250;
/**
 * At most this share of the worker's slots wait in-process at once; beyond it a job waits in
 * BullMQ's delayed set as before. A job's entry reaches the outboxes only once a slot takes it,
 * so in a burst the slots must keep turning: that is what lets one digest carry ~30 entries.
 */
const IN_PROCESS_WAITERS_SHARE = 0.25;

/**
 * Delivers one entry to one chat: reserve the chat (lock + rate windows), send the oldest pending
 * items as one message or digest, record the outcome, repeat until the entry is out or a limit says
 * wait. Any job can carry any other job's items: whoever holds the chat sends everything pending.
 */
export class ChatDelivery {
  private readonly log = getLogger('delivery');
  private readonly wakeups = new ChatWakeups();
  private readonly maxWaiters: number;

  constructor(
    private readonly store: DeliveryStore,
    private readonly sender: TelegramSender,
    private readonly keys: DeliveryKeys,
    private readonly limits: RateLimits,
    /** Stream → Telegram accepted, per chat, for the gateway's /api/stats (the histogram has them all). */
    private readonly latency?: LatencySamples,
    /** The worker's concurrency (`NOTIFIER_CONCURRENCY`): bounds the in-process waiters. */
    concurrency = 20,
  ) {
    this.maxWaiters = Math.max(1, Math.floor(concurrency * IN_PROCESS_WAITERS_SHARE));
  }

  async deliver(chat: ChatTarget, entryKey: string): Promise<ChatResult> {
    const windows = sendWindows(chat, this.limits, this.keys);
    let refused: { reason: PermanentReason; description: string } | undefined;
    const waitUntil = Date.now() + IN_PROCESS_WAIT_MS;
    for (let sends = 0; sends <= MAX_SENDS_PER_CALL; ) {
      const owner = `${entryKey}/${randomUUID()}`;
      const r = await this.store.reserve(chat.id, entryKey, owner, windows);
      let wait: Extract<ChatResult, { state: 'wait' }>;
      switch (r.state) {
        case 'sent':
        case 'missing':
          return { state: 'done' };
        case 'failed':
          return { state: 'failed', ...(refused ?? { reason: 'earlier', description: 'Telegram refused a message carrying it (logged then)' }) };
        case 'paused':
          return { state: 'wait', ms: this.patience(r.ms, r.rank), reason: 'paused' };
        case 'busy':
          wait = { state: 'wait', ms: this.patience(Math.min(Math.max(r.ms, 1), busyPollMs(this.limits)), r.rank), reason: 'busy' };
          break;
        case 'rate':
          wait = { state: 'wait', ms: this.patience(r.ms, r.rank), reason: 'rate' };
          break;
        case 'reserved': {
          sends++;
          const sent = new Set<string>();
          let step: Awaited<ReturnType<ChatDelivery['sendNext']>>;
          try {
            step = await this.sendNext(chat, owner, windows, sent);
          } finally {
            // The chat is free (or its send failed): this process's waiters look again now, and
            // those whose entry this message carried are done.
            this.wakeups.wake(chat.id, sent);
          }
          if (sent.has(entryKey)) return { state: 'done' };
          if (step.state !== 'continue') return step;
          if (step.refused) refused = step.refused;
          continue;
        }
      }
      // Another sender holds the chat, most often one whose digest carries this entry: wait here
      // rather than through BullMQ's delayed set (ChatWakeups). A full window still waits there,
      // as before: the commits that reopen it are mostly other chats' and other replicas'.
      if (wait.reason !== 'busy' || Date.now() + wait.ms > waitUntil || this.wakeups.size >= this.maxWaiters) return wait;
      if (await this.wakeups.wait(chat.id, entryKey, wait.ms)) return { state: 'done' };
    }
    return { state: 'wait', ms: 0, reason: 'rate' };
  }

  /** The signals one message carried: one Redis transaction for all of them, not one per signal. */
  private observeLatencies(seconds: readonly number[]): void {
    if (!seconds.length) return;
    for (const s of seconds) signalDeliveryLatency.observe(s);
    // Only a figure for /api/stats: never a reason to fail or repeat a delivery.
    this.latency?.recordMany(seconds).catch((err: unknown) => this.log.debug({ err: String(err) }, 'latency samples not recorded'));
  }

  /** The oldest entry's job looks again as soon as a slot frees; the others less often (see followerWaitMs). */
  private patience(ms: number, rank: number): number {
    if (rank <= 0) return ms;
    const follower = followerWaitMs(this.limits);
    return Math.max(ms, follower) + Math.floor(Math.random() * follower * 0.2);
  }

  /**
   * Holding the chat's reservation: send what is pending, record the outcome, free the chat.
   * `sent` gets the entries the outcome recorded as sent, once the commit has succeeded.
   */
  private async sendNext(
    chat: ChatTarget,
    owner: string,
    windows: readonly SendWindow[],
    sent: Set<string>,
  ): Promise<ChatResult | { state: 'continue'; refused?: { reason: PermanentReason; description: string } }> {
    let committed = false;
    const commit = async (outcome: CommitOutcome, entryKeys: readonly string[], pauseMs = 0) => {
      await this.store.commit(chat.id, owner, outcome, entryKeys, windows, pauseMs);
      committed = true;
    };
    try {
      const pending = await this.store.pending(chat.id, PENDING_READ);
      if (pending.unreadable.length) {
        await this.store.drop(chat.id, pending.unreadable);
        messagesFailed.inc({ reason: 'unreadable' }, pending.unreadable.length);
        this.log.error({ chat_id: chat.id, entries: pending.unreadable }, 'dropped outbox entries whose stored item is gone or unreadable');
      }
      if (!pending.items.length) {
        await commit('released', []);
        return { state: 'continue' };
      }
      const message = composeMessage(pending.items);
      const covered = pending.keys.slice(0, message.count);
      const outcome = await this.sender.sendMessage(chat.id, message.text);
      switch (outcome.kind) {
        case 'sent': {
          await commit('sent', covered);
          for (const key of covered) sent.add(key);
          messagesSent.inc({ kind: message.kind === 'digest' ? 'digest' : pending.items[0].kind });
          const now = Date.now();
          const latencies: number[] = [];
          for (const item of pending.items.slice(0, message.count)) {
            itemsDelivered.inc({ kind: item.kind });
            if (item.kind === 'signal') latencies.push(Math.max(0, now - entryTimeMs(item.entry_id)) / 1000);
          }
          this.observeLatencies(latencies);
          this.log.debug({ chat_id: chat.id, items: covered.length, kind: message.kind, message_id: outcome.messageId }, 'message sent');
          return { state: 'continue' };
        }
        case 'rate_limited':
          await commit('released', [], outcome.retryAfterMs);
          messagesRetried.inc({ reason: 'rate_limited' });
          this.log.warn({ chat_id: chat.id, retry_after_ms: outcome.retryAfterMs, description: outcome.description }, 'Telegram said 429: pausing all sends for retry_after');
          return { state: 'wait', ms: outcome.retryAfterMs, reason: 'paused' };
        case 'transient':
          await commit('released', []);
          messagesRetried.inc({ reason: outcome.reason });
          this.log.warn({ chat_id: chat.id, reason: outcome.reason, description: outcome.description }, 'send failed; will retry with backoff');
          return { state: 'retry', reason: outcome.reason, description: outcome.description };
        case 'permanent':
          await commit('failed', covered);
          messagesFailed.inc({ reason: outcome.reason });
          this.log.error(
            { chat_id: chat.id, status: outcome.status, reason: outcome.reason, description: outcome.description, items: covered.length },
            `Telegram refused the message for good (${outcome.status} ${outcome.description}); not retrying`,
          );
          return { state: 'continue', refused: { reason: outcome.reason, description: `${outcome.status} ${outcome.description}` } };
        default:
          return unreachable(outcome);
      }
    } finally {
      // An exception before the outcome was recorded: free the chat now rather than at lock expiry.
      if (!committed) await this.store.commit(chat.id, owner, 'released', [], windows).catch(() => undefined);
    }
  }
}

function unreachable(x: never): never {
  throw new Error(`unexpected send outcome ${JSON.stringify(x)}`);
}

/** When Redis stored the entry: the ms part of its stream id. */
function entryTimeMs(entryId: string): number {
  const ms = Number(entryId.split('-')[0]);
  return Number.isFinite(ms) ? ms : Date.now();
}
