import type { INestApplication } from '@nestjs/common';
import { getLogger } from './logger';
import { beginShutdown } from './shutdown-budget';

/**
 * From SIGTERM, when the process exits whatever is still running: the shutdown steps are bounded
 * (SHUTDOWN_STEPS_MS), so only something unbounded (an HTTP request stuck on Redis, say) gets
 * this far. Below the 10 s an orchestrator allows before SIGKILL.
 */
export const HARD_STOP_MS = 9000;

/**
 * SIGTERM and SIGINT stop the service: Nest's shutdown hooks (loops stop, connections close),
 * then the signal is raised again with the listeners gone, so the process ends by it, the
 * conventional exit for a signal (143 for SIGTERM in a shell), as Nest's own shutdown does. A
 * second signal while that runs is ignored. A signal before the service has finished starting
 * ends it at once the same way: nothing has been handed to it yet. Exit 1 when a hook throws or
 * the whole has not finished within HARD_STOP_MS.
 *
 * In place of Nest's enableShutdownHooks, which waits for a start still in progress (for as long
 * as that start waits on a Redis that does not answer) and then prints the failed start's stack
 * as a shutdown error. Returns a function that removes the listeners.
 */
export function stopOnSignals(app: INestApplication, isStarted: () => boolean): () => void {
  const log = getLogger('shutdown');
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const startedAt = Date.now();
    beginShutdown(startedAt);
    setTimeout(() => {
      log.error({ signal, after_ms: HARD_STOP_MS }, 'shutdown did not finish in time; exiting anyway');
      process.exit(1);
    }, HARD_STOP_MS).unref();
    if (!isStarted()) {
      log.info({ signal }, 'stopped before it had finished starting');
      raiseAgain(signal);
      return;
    }
    log.info({ signal }, 'stopping');
    app.close().then(
      () => {
        log.info({ signal, took_ms: Date.now() - startedAt }, 'stopped');
        raiseAgain(signal);
      },
      (err: unknown) => {
        log.error({ signal, err: err instanceof Error ? err.message : String(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
  const detach = () => {
    for (const s of signals) process.removeListener(s, onSignal);
  };
  const raiseAgain = (signal: NodeJS.Signals) => {
    detach();
    process.kill(process.pid, signal);
  };
  for (const s of signals) process.on(s, onSignal);
  return detach;
}
