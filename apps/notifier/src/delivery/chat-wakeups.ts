/**
 * Jobs of this process waiting for a chat, woken when a sender of this process frees it, and told
 * whether that sender's message carried their entry.
 *
 * A job that finds its chat held by another sender, or a window about to reopen, used to go back
 * to BullMQ's delayed set at once and come back to look again: each such trip costs the job a
 * moveToDelayed, a promotion, a moveToActive and a fan-out re-run, about forty Redis commands,
 * for what is mostly a wait of a few milliseconds while the holder's digest carries its entry.
 * Short waits are therefore waited here, in the job (still active, its BullMQ lock renewed as
 * usual), and cut short when this process's holder commits. A waiter whose entry that commit
 * recorded as sent is done without asking Redis again: the commit is the same atomic step that
 * put the entry in the chat's `sent` record, which is what asking would have found. A holder in
 * another replica is not heard: the waiter looks again when its wait runs out, as it would have
 * after the delayed set.
 */
export class ChatWakeups {
  private readonly waiters = new Map<string, Map<() => void, string>>();
  /** Entries whose wait ended because a commit of this process recorded them as sent. */
  private readonly sent = new WeakMap<() => void, true>();

  /**
   * Resolves after `ms`, or earlier when `wake(chat, …)` is called: true when the waking commit
   * recorded `entryKey` as sent to `chat`.
   */
  wait(chat: string, entryKey: string, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      let waiters = this.waiters.get(chat);
      if (!waiters) this.waiters.set(chat, (waiters = new Map<() => void, string>()));
      const own = waiters;
      const done = () => {
        clearTimeout(timer);
        own.delete(done);
        if (!own.size && this.waiters.get(chat) === own) this.waiters.delete(chat);
        resolve(this.sent.has(done));
      };
      const timer = setTimeout(done, Math.max(0, ms));
      own.set(done, entryKey);
    });
  }

  /** Wakes every job of this process waiting for `chat` (its sender just freed it). */
  wake(chat: string, sentEntries: ReadonlySet<string> = NONE): void {
    const waiters = this.waiters.get(chat);
    if (!waiters) return;
    this.waiters.delete(chat);
    for (const [done, entryKey] of waiters) {
      if (sentEntries.has(entryKey)) this.sent.set(done, true);
      done();
    }
  }

  /** Jobs waiting now, all chats. */
  get size(): number {
    let n = 0;
    for (const waiters of this.waiters.values()) n += waiters.size;
    return n;
  }
}

const NONE: ReadonlySet<string> = new Set();
