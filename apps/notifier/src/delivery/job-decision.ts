import type { ChatResult } from './chat-delivery';

/** What the worker does with a job once every chat has been tried. */
export type JobDecision =
  | { action: 'complete' }
  /** Some chat must wait (rate window, busy, 429 pause): back to delayed, the attempt not counted. */
  | { action: 'delay'; ms: number }
  /** A 5xx/network failure: fail this attempt so BullMQ retries with exponential backoff. */
  | { action: 'retry'; message: string }
  /** Every chat is settled and some refused it for good. */
  | { action: 'fail'; message: string };

/**
 * Transient failures first (they need the backoff), then waits (they cost nothing), then permanent
 * refusals (only once nothing else is left to do for this entry), else done.
 */
export function decideJob(results: readonly { chat: string; result: ChatResult }[]): JobDecision {
  const retries = results.filter((r) => r.result.state === 'retry');
  if (retries.length) return { action: 'retry', message: `send to ${describe(retries)} failed; retrying with backoff` };
  const waits = results.flatMap((r) => (r.result.state === 'wait' ? [r.result.ms] : []));
  if (waits.length) return { action: 'delay', ms: Math.max(0, Math.min(...waits)) };
  const failed = results.filter((r) => r.result.state === 'failed');
  if (failed.length) return { action: 'fail', message: `Telegram refused delivery to ${describe(failed)}` };
  return { action: 'complete' };
}

function describe(rows: readonly { chat: string; result: ChatResult }[]): string {
  return rows
    .map(({ chat, result }) => {
      const detail = result.state === 'retry' || result.state === 'failed' ? `${result.reason}: ${result.description}` : result.state;
      return `chat ${chat} (${detail})`;
    })
    .join(', ');
}
