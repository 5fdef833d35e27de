import { installProcessGuards, redactSecrets } from '@app/observability';
import { ConfigError, loadConfig } from './config';
import { startGateway } from './gateway';

async function main(): Promise<void> {
  installProcessGuards();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(redactSecrets(`api-gateway: ${err.message}\n`));
    process.exit(2);
  }
  await startGateway(config);
}

main().catch((err: unknown) => {
  process.stderr.write(redactSecrets(`api-gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`));
  process.exit(1);
});
