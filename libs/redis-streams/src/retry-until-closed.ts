import { InterruptibleDelay, nextBackoff } from './interruptible-delay';

export interface RetryUntilClosedOptions {
  /** Checked before each attempt: once true, no further attempt is made. */
  isClosing: () => boolean;
  /** The owner's delay: its `wake()` (called on shutdown) ends a backoff wait at once. */
  delay: InterruptibleDelay;
  /** Told of each failure and the wait before the next attempt (100 ms doubling to 5 s). */
  onError: (err: unknown, retryInMs: number) => void;
}

/**
 * Runs `attempt` until it resolves or the owner is closing. The read models' start (rebuild from
 * Redis, then follow the stream) uses it, so a gateway started while Redis is down comes up by
 * itself once Redis answers, and shutdown never waits out a backoff.
 */
export async function retryUntilClosed(attempt: () => Promise<void>, opts: RetryUntilClosedOptions): Promise<void> {
  let backoff = 100;
  while (!opts.isClosing()) {
    try {
      await attempt();
      return;
    } catch (err) {
      opts.onError(err, backoff);
      // Closed while this attempt ran: its wake() came before this wait, which it cannot end.
      if (opts.isClosing()) return;
      await opts.delay.wait(backoff);
      backoff = nextBackoff(backoff);
    }
  }
}
