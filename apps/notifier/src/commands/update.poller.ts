import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import { GrammyError, HttpError } from 'grammy';
import { getLogger, redactSecrets } from '@app/observability';
import { InterruptibleDelay, nextBackoff, type HostedLoop, type RedisLease } from '@app/redis-streams';
import type { CommandOffsetStore } from './command-offset.store';
import { pollerLeader } from './commands.metrics';

export interface UpdatePollerOptions {
  api: Api;
  lease: RedisLease;
  offsets: CommandOffsetStore;
  /** Answers one update; never throws (failures are answered and logged by the handler). */
  handle: (update: Update) => Promise<void>;
  /** getUpdates `timeout`, seconds (Telegram allows up to 50). */
  pollTimeoutSeconds: number;
  /** The lease's TTL: renewed every third of it; a standby replica tries every fifth (at most 1 s). */
  leaseMs: number;
  /** Once per lease won, before the first poll: deleteWebhook (getUpdates refuses while one is set), the command menu. */
  onLeader?: () => Promise<void>;
}

/**
 * Long polling for N replicas: only the lease holder calls getUpdates (Telegram allows one
 * poller per bot, a second gets 409), it answers the updates one by one in order, and after
 * each it commits `update_id + 1` as the offset, fenced by the lease. When the holder dies, the
 * lease expires, a standby takes it and polls from the committed offset: Telegram still has every
 * update after it, and none before it is asked for again.
 *
 * The one window left is a holder killed after answering an update and before committing it:
 * its successor answers that one update again (Telegram has no idempotency key for sendMessage,
 * as in the delivery's at-least-once window). Actions are safe to repeat: the kill switch is a
 * compare-and-set and a second close of a closed position is a no-op.
 */
export class UpdatePoller implements HostedLoop {
  private readonly log = getLogger('telegram-commands');
  private readonly delay = new InterruptibleDelay();
  private closing = false;
  private running = false;
  private leader = false;
  private poll: AbortController | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private offset = 0;

  constructor(private readonly opts: UpdatePollerOptions) {}

  start(): void {
    this.running = true;
    this.loop = this.run().finally(() => {
      this.running = false;
    });
  }

  isRunning(): boolean {
    return this.running;
  }

  describe(): Record<string, unknown> {
    return { leader: this.leader, offset: this.offset };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.delay.wake();
    this.poll?.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (!this.closing) {
      try {
        if (!(await this.opts.lease.acquire())) {
          this.setLeader(false);
          await this.delay.wait(Math.min(1000, this.opts.leaseMs / 5));
          continue;
        }
        if (!this.leader) {
          // Before the first poll; a failure (Telegram unreachable) is retried like a failed poll.
          await this.opts.onLeader?.();
          this.setLeader(true);
        }
        await this.pollOnce();
        backoff = 100;
      } catch (err) {
        if (this.closing) break;
        // The poll we aborted ourselves because the lease passed on: nothing went wrong.
        if (!this.leader && isAbort(err)) continue;
        this.log.warn({ err: describe(err), retry_in_ms: backoff }, 'polling Telegram for commands failed; retrying');
        await this.delay.wait(backoff);
        backoff = nextBackoff(backoff);
      }
    }
    this.setLeader(false);
    // A graceful stop hands the polling over at once instead of after the TTL.
    await this.opts.lease.release().catch(() => undefined);
  }

  private async pollOnce(): Promise<void> {
    this.offset = await this.opts.offsets.read();
    this.poll = new AbortController();
    let updates: Update[];
    try {
      updates = await this.opts.api.getUpdates(
        { offset: this.offset, timeout: this.opts.pollTimeoutSeconds, allowed_updates: ['message', 'callback_query'] },
        // grammY's types name the abort-controller polyfill; it takes any signal with addEventListener.
        this.poll.signal as unknown as Parameters<Api['getUpdates']>[1],
      );
    } finally {
      this.poll = undefined;
    }
    for (const update of updates) {
      if (this.closing || !this.opts.lease.isHeld()) return;
      await this.opts.handle(update);
      if (!(await this.opts.offsets.commit(this.opts.lease.token, update.update_id + 1))) {
        this.log.warn({ update_id: update.update_id }, 'lost the polling lease to another replica; it continues from the committed offset');
        this.opts.lease.lost();
        this.setLeader(false);
        return;
      }
      this.offset = update.update_id + 1;
    }
  }

  private setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    pollerLeader.set(leader ? 1 : 0);
    if (leader) {
      this.log.info({ lease_ms: this.opts.leaseMs }, 'this replica now polls Telegram for commands');
      this.renewTimer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.opts.leaseMs / 3)));
    } else {
      clearInterval(this.renewTimer);
      this.renewTimer = undefined;
      this.poll?.abort();
    }
  }

  /** Keeps the lease while a long poll is open; losing it aborts the poll at once. */
  private async renew(): Promise<void> {
    try {
      if (await this.opts.lease.acquire()) return;
      this.log.warn('the polling lease was taken by another replica; stopping to poll');
    } catch (err) {
      // Redis unreachable: keep polling only while our own clock says the lease cannot have passed on.
      if (this.opts.lease.isHeld()) return;
      this.log.warn({ err: describe(err) }, 'could not renew the polling lease; stopping to poll');
    }
    this.opts.lease.lost();
    this.setLeader(false);
  }
}

function isAbort(err: unknown): boolean {
  return err instanceof HttpError && (err.error as { name?: string } | undefined)?.name === 'AbortError';
}

/** A reason fit for a log line: Telegram's description, or the error's message, never the token. */
function describe(err: unknown): string {
  if (err instanceof GrammyError) return redactSecrets(`${err.method}: ${err.error_code} ${err.description}`);
  return redactSecrets(err instanceof Error ? err.message : String(err));
}
