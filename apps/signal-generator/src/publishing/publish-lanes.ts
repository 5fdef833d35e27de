/**
 * Per-symbol serial lanes for the publishes, all symbols in flight at once, with a bound.
 *
 * Why: awaiting Redis once per candle made a same-second burst of closes (every symbol closes its
 * 1m candle in the same second) cost one round trip per symbol, back to back. Here each candle is
 * decided at once and its publish only waits for the previous publish of the same symbol, so the
 * burst's XADDs go out together and Redis round trips overlap.
 *
 * Guarantees kept: per symbol, a candle is published only after the one before it succeeded (so
 * `market` stays in order and the idempotent checkpoint never jumps over an unpublished candle);
 * after the first failure no further task runs in any lane, and the failure is thrown to the
 * next `submit` (which stops the feed, as an awaited failure did before) and to `drain`.
 *
 * Backpressure: at most `limit` publishes are queued or in flight; `submit` then waits until one
 * settles, which holds the feed's delivery queue, and the feed pauses its sockets in turn (TCP
 * flow control up to Binance). Nothing is dropped: a candle is either published, or the feed
 * fails loudly and a restart resumes from the checkpoint.
 */
export class PublishLanes {
  private readonly tails = new Map<string, Promise<void>>();
  private queued = 0;
  private error: { err: unknown } | undefined;
  private readonly waiters: (() => void)[] = [];
  /** When a publish last settled, or the lanes last went from idle to busy. */
  private progressAt = 0;

  constructor(
    private readonly limit: number,
    /** Told once, on the first failure. */
    private readonly onFailure: (err: unknown) => void = () => undefined,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`publish lanes: limit must be a positive integer, got ${limit}`);
  }

  /** Publishes queued or in flight. */
  get pending(): number {
    return this.queued;
  }

  /**
   * How long publishes have been queued without any settling (0 when idle): a Redis outage shows
   * here, since the feed itself keeps delivering until the bound is reached.
   */
  stalledForMs(now: number = Date.now()): number {
    return this.queued === 0 ? 0 : now - this.progressAt;
  }

  get failure(): unknown {
    return this.error?.err;
  }

  /** Queues `task` behind the previous task of `key`; resolves once queued (not once run). */
  async submit(key: string, task: () => Promise<void>): Promise<void> {
    this.throwIfFailed();
    while (this.queued >= this.limit) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
      this.throwIfFailed();
    }
    this.enqueue(key, task);
  }

  /**
   * Queues `task` at once, over the bound if need be: for work that must take its place in its
   * lane before anything submitted later and must not hold its caller up (a symbol's backlog on
   * takeover, one task per symbol, from the lease loop). Throws after a failure, as `submit`.
   */
  enqueue(key: string, task: () => Promise<void>): void {
    this.throwIfFailed();
    if (this.queued === 0) this.progressAt = Date.now();
    this.queued++;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next: Promise<void> = previous
      .then(() => (this.error === undefined ? task() : undefined))
      .catch((err: unknown) => {
        if (this.error !== undefined) return;
        this.error = { err };
        this.onFailure(err);
      })
      .finally(() => {
        this.queued--;
        this.progressAt = Date.now();
        if (this.tails.get(key) === next) this.tails.delete(key);
        this.waiters.shift()?.();
      });
    this.tails.set(key, next);
  }

  /** Waits for every queued publish; throws the first failure, if any. */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.error !== undefined) throw this.error.err;
  }
}
