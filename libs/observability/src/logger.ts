import pino, { Logger } from 'pino';
import { redactDeep } from './secrets';

export type { Logger } from 'pino';

let root: Logger | undefined;

/**
 * The process-wide JSON logger: one line per event, `service` on every line, secrets scrubbed.
 * Level from `LOG_LEVEL` handed in by the app's config (default `info`).
 */
export function createLogger(service: string, level = 'info'): Logger {
  root = pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ['token', '*.token', 'botToken', '*.botToken', 'apiKey', '*.apiKey', 'headers.authorization', 'headers["x-api-key"]'], censor: '[redacted]' },
    hooks: {
      // Scrub every argument (message strings, merged objects, errors) before formatting.
      logMethod(args, method) {
        const clean = args.map((a) => redactDeep(a)) as Parameters<typeof method>;
        return method.apply(this, clean);
      },
    },
  });
  return root;
}

/** The root logger (created on first use with defaults when an app did not create one). */
export function getLogger(name?: string): Logger {
  root ??= createLogger(process.title || 'app');
  return name ? root.child({ component: name }) : root;
}
