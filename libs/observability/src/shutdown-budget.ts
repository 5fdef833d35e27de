import { getLogger } from './logger';

/**
 * From SIGTERM, how long the shutdown steps (loops, queues, the feed) together may wait for what
 * they have in hand and for Redis. The Redis connections are then closed (at most 1 s) and the
 * process exits, well within the 10 s an orchestrator is told to allow.
 */
export const SHUTDOWN_STEPS_MS = 6000;

/** When the steps' time is up; unset until shutdown begins (a test's app.close() has none). */
let stepsDeadline: number | undefined;

/** Starts the shutdown clock (bootstrapService does, on SIGTERM or SIGINT). */
export function beginShutdown(now = Date.now()): void {
  stepsDeadline ??= now + SHUTDOWN_STEPS_MS;
}

/** True once a signal has started the shutdown. */
export function isShuttingDown(): boolean {
  return stepsDeadline !== undefined;
}

/**
 * Waits for one shutdown step to finish, but never past the shutdown deadline (without one,
 * SHUTDOWN_STEPS_MS from now), so a Redis that never answers cannot hold the process. A step
 * cut short leaves what it had in hand as a crash would, and every such thing is made safe for
 * that: an unacknowledged entry is delivered again, a BullMQ job stalls and runs again, a candle
 * not yet published is published by the next run, each idempotent. Never rejects: a step that
 * fails is logged, and shutdown goes on.
 */
export async function stepWithinShutdown(what: string, step: Promise<unknown>): Promise<void> {
  const log = getLogger('shutdown');
  const waitMs = Math.max(0, (stepsDeadline ?? Date.now() + SHUTDOWN_STEPS_MS) - Date.now());
  let timer: NodeJS.Timeout | undefined;
  const finished = await Promise.race([
    step.then(
      () => true,
      (err: unknown) => {
        log.warn({ step: what, err: err instanceof Error ? err.message : String(err) }, 'shutdown step failed; going on');
        return true;
      },
    ),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), waitMs))),
  ]);
  clearTimeout(timer);
  if (!finished) log.warn({ step: what, waited_ms: waitMs }, 'shutdown step still waiting (Redis not answering?); stopping without it');
}
