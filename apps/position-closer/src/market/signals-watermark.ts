import type Redis from 'ioredis';
import { GROUPS, STREAMS } from '@app/contracts';
import { groupInfo } from '@app/redis-streams';

/**
 * How far the `position-closer` group has got through `signals`: every signal with a smaller
 * stream id has been handled (its position opened or reversed) and acknowledged.
 *
 * Candles and signals arrive on two streams; the producer writes candle N, then the signal of
 * candle N, then candle N+1. Evaluating a candle only once every signal before it has been
 * handled replays that order exactly, whichever replica handles what and however far behind
 * either reader is: a candle is never judged against a position an earlier signal reversed, and
 * never skipped for a position an earlier signal opened.
 */
export class SignalsWatermark {
  constructor(private readonly redis: Redis) {}

  /** The id of the first signal not yet handled, or null when every signal has been. */
  async firstUnhandled(): Promise<string | null> {
    const group = (await groupInfo(this.redis, STREAMS.signals)).find((g) => g.name === GROUPS.positionCloser);
    // No stream yet: nothing to wait for. No group yet: the consumer has not started; wait for it.
    if (!group) return (await this.redis.exists(STREAMS.signals)) ? '0-1' : null;
    // Pending entries (delivered, not yet acknowledged) all come before undelivered ones.
    const [count, minPending] = (await this.redis.xpending(STREAMS.signals, GROUPS.positionCloser)) as [number, string | null, string | null, unknown];
    if (count > 0 && minPending) return minPending;
    const undelivered = (await this.redis.xrange(STREAMS.signals, `(${group.lastDeliveredId}`, '+', 'COUNT', 1)) as [string, string[]][];
    return undelivered[0]?.[0] ?? null;
  }
}
