import { redactSecrets } from '@app/observability';
import { ConfigError } from './config-error';

/** The exit code of every service and script on bad configuration (1 is "failed while running"). */
export const CONFIG_EXIT_CODE = 2;

/**
 * Loads the config once, at start. On a ConfigError: one line `<service>: <message>` naming
 * every bad variable on stderr, no stack trace, exit code 2. Other errors propagate.
 */
export function loadOrExit<C>(service: string, load: () => C): C {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(redactSecrets(`${service}: ${err.message}\n`));
    process.exit(CONFIG_EXIT_CODE);
  }
}
