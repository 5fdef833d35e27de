import { formatWithOptions } from 'node:util';
import { getLogger } from './logger';
import { redactSecrets } from './secrets';
import { isShuttingDown } from './shutdown-budget';

let installed = false;

/**
 * The last line of defence for secrets, installed once by each service's main.ts (never in tests,
 * where exiting would take the test runner down):
 *
 * - An uncaught exception or unhandled rejection is logged as one JSON line, scrubbed, and the
 *   process exits 1, as Node would. Node's own report prints the error's every property, and
 *   ioredis errors carry the failed command: a wrong Redis password came out in clear as
 *   `command: { name: 'auth', args: [password] }`. BullMQ (5.81) does exactly this when a queue
 *   or worker that never reached Redis is closed: its connection re-emits the AUTH error after it
 *   has removed its listeners.
 * - `console.*`, which libraries use for their own warnings (BullMQ prints an error it could not
 *   emit with `console.error(err)`, ioredis an unhandled 'error' event), is scrubbed the same way.
 *   Written by hand: pino covers our own log lines, and no library wraps console and the
 *   process-level handlers together with our registered secrets.
 * - Once a signal has started the shutdown, such an error is one warning line (its message) and
 *   the shutdown goes on to its own exit code. Parts are torn down in no set order, and BullMQ
 *   re-emits a connection's last error when we close a client it is still waiting on (a wrong
 *   password, a Redis that never answered); the process is ending and every piece of work in
 *   hand is safe to drop (see stepWithinShutdown).
 */
export function installProcessGuards(): void {
  if (installed) return;
  installed = true;
  scrubConsole();
  process.on('uncaughtException', (err, origin) => exitOn(err, origin));
  process.on('unhandledRejection', (reason) => exitOn(reason, 'unhandledRejection'));
}

function exitOn(err: unknown, origin: string): void {
  if (isShuttingDown()) {
    const message = err instanceof Error ? err.message : String(err);
    getLogger('shutdown').warn({ origin, err: message }, 'error while shutting down; ignored');
    return;
  }
  try {
    // The logger scrubs every argument (redactDeep): an Error keeps only its type, message and stack.
    getLogger().fatal({ err, origin }, 'unhandled error; exiting');
  } catch {
    process.stderr.write(`${redactSecrets(`unhandled error (${origin}): ${err instanceof Error ? err.message : String(err)}`)}\n`);
  }
  process.exit(1);
}

function scrubConsole(): void {
  const toStdout = ['log', 'info', 'debug'] as const;
  // trace() formats its stack and hands it to error(): covered through that.
  const toStderr = ['warn', 'error'] as const;
  for (const method of [...toStdout, ...toStderr]) {
    const stream = (toStdout as readonly string[]).includes(method) ? process.stdout : process.stderr;
    console[method] = (...args: unknown[]) => {
      // Formatted first: inspect() of an error shows its properties (command args included), and
      // the whole text is what gets scrubbed.
      stream.write(`${redactSecrets(formatWithOptions({ colors: false }, ...args))}\n`);
    };
  }
}
