import { InterruptibleDelay, isFenced, nextBackoff } from '@app/redis-streams';
import { getLogger } from '@app/observability';

/**
 * Retries a publish until it succeeds or `isClosing()`: a signal is never dropped because Redis
 * blinked. The wait applies back-pressure to the feed (replay pauses; the candle handler is awaited).
 * Invalid payloads are not retried: they would fail forever; nor a publish refused because this
 * replica no longer holds the symbol's shard: the replica that does publishes it.
 */
export async function publishWithRetry<T>(what: string, publish: () => Promise<T>, isClosing: () => boolean, delay: InterruptibleDelay): Promise<T | undefined> {
  // Only on the failure path: a child logger per publish was 4 % of the live generator's CPU in a
  // burst of closes (bench:live profile).
  const log = () => getLogger('publisher');
  let backoff = 100;
  let failures = 0;
  for (;;) {
    try {
      const id = await publish();
      if (failures) log().info({ what, failures }, 'publish recovered');
      return id;
    } catch (err) {
      if ((err as Error).name === 'InvalidPayloadError' || isFenced(err) || isClosing()) throw err;
      if (failures++ === 0) log().warn({ what, err: (err as Error).message }, 'publish failed; retrying');
      await delay.wait(backoff);
      backoff = nextBackoff(backoff);
    }
  }
}
