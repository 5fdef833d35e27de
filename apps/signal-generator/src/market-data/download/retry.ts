import { fullJitterDelay } from '../binance/backoff';

export interface RetryOptions {
  /** Retries after the first try. */
  retries: number;
  /** Backoff base and ceiling (full jitter, as the live feed's reconnects). Default 500 ms and 15 s. */
  baseMs?: number;
  maxMs?: number;
  /** Only these errors are tried again; any other is thrown at once. */
  isRetryable: (err: unknown) => boolean;
  onRetry?: (err: unknown, retry: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` until it succeeds, the error is not retryable, or the retries are spent (then the last
 * error is thrown). Written here rather than taken from p-retry: its maintained majors are ESM-only,
 * which this CommonJS build cannot require on Node 20, and the backoff rule is the one the live feed
 * already uses.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const { baseMs = 500, maxMs = 15_000, sleep = realSleep } = opts;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= opts.retries || !opts.isRetryable(err)) throw err;
      const delay = fullJitterDelay(attempt, baseMs, maxMs);
      opts.onRetry?.(err, attempt + 1, delay);
      await sleep(delay);
    }
  }
}
