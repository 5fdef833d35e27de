import { randomUUID } from 'node:crypto';
import { getLogger, type LatencySamples } from '@app/observability';
import { composeMessage } from '../telegram/digest';
import type { PermanentReason, TransientReason } from '../telegram/send-outcome';
import type { TelegramSender } from '../telegram/telegram.client';
import { itemsDelivered, messagesFailed, messagesRetried, messagesSent, signalDeliveryLatency } from './delivery.metrics';
import type { ChatTarget } from './chat-target';
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
 * Delivers one entry to one chat: reserve the chat (lock + rate windows), send the oldest pending
 * items as one message or digest, record the outcome, repeat until the entry is out or a limit says
 * wait. Any job can carry any other job's items: whoever holds the chat sends everything pending.
 */
export class ChatDelivery {
  private readonly log = getLogger('delivery');

  constructor(
    private readonly store: DeliveryStore,
    private readonly sender: TelegramSender,
    private readonly keys: DeliveryKeys,
    private readonly limits: RateLimits,
    /** Stream → Telegram accepted, per chat, for the gateway's /api/stats (the histogram has them all). */
    private readonly latency?: LatencySamples,
  ) {}

  async deliver(chat: ChatTarget, entryKey: string): Promise<ChatResult> {
    const windows = sendWindows(chat, this.limits, this.keys);
    let refused: { reason: PermanentReason; description: string } | undefined;
    for (let sends = 0; sends <= MAX_SENDS_PER_CALL; sends++) {
      const owner = `${entryKey}/${randomUUID()}`;
      const r = await this.store.reserve(chat.id, entryKey, owner, windows);
      switch (r.state) {
        case 'sent':
        case 'missing':
          return { state: 'done' };
        case 'failed':
          return { state: 'failed', ...(refused ?? { reason: 'earlier', description: 'Telegram refused a message carrying it (logged then)' }) };
        case 'paused':
          return { state: 'wait', ms: this.patience(r.ms, r.rank), reason: 'paused' };
        case 'busy':
          return { state: 'wait', ms: this.patience(Math.min(Math.max(r.ms, 1), busyPollMs(this.limits)), r.rank), reason: 'busy' };
        case 'rate':
          return { state: 'wait', ms: this.patience(r.ms, r.rank), reason: 'rate' };
        case 'reserved':
          break;
      }
      const step = await this.sendNext(chat, owner, windows);
      if (step.state !== 'continue') return step;
      if (step.refused) refused = step.refused;
    }
    return { state: 'wait', ms: 0, reason: 'rate' };
  }

  private observeLatency(seconds: number): void {
    signalDeliveryLatency.observe(seconds);
    // Only a figure for /api/stats: never a reason to fail or repeat a delivery.
    this.latency?.record(seconds).catch((err: unknown) => this.log.debug({ err: String(err) }, 'latency sample not recorded'));
  }

  /** The oldest entry's job looks again as soon as a slot frees; the others less often (see followerWaitMs). */
  private patience(ms: number, rank: number): number {
    if (rank <= 0) return ms;
    const follower = followerWaitMs(this.limits);
    return Math.max(ms, follower) + Math.floor(Math.random() * follower * 0.2);
  }

  /** Holding the chat's reservation: send what is pending, record the outcome, free the chat. */
  private async sendNext(
    chat: ChatTarget,
    owner: string,
    windows: readonly SendWindow[],
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
          messagesSent.inc({ kind: message.kind === 'digest' ? 'digest' : pending.items[0].kind });
          const now = Date.now();
          for (const item of pending.items.slice(0, message.count)) {
            itemsDelivered.inc({ kind: item.kind });
            if (item.kind === 'signal') this.observeLatency(Math.max(0, now - entryTimeMs(item.entry_id)) / 1000);
          }
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
