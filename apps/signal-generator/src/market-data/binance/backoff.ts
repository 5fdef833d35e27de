/**
 * Exponential backoff with "full jitter": a uniform delay in [0, min(max, base * 2^attempt)).
 * Spreading reconnects over the whole window keeps many clients (or replicas) cut off by the same
 * outage from reconnecting in lock-step.
 */
export function fullJitterDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.floor(random() * ceiling);
}
