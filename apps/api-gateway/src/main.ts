import { loadOrExit } from '@app/config';
import { installProcessGuards, redactSecrets } from '@app/observability';
import { refuseLegacyKeyNames } from '@app/redis-streams';
import { loadConfig } from './config';
import { startGateway } from './gateway';

async function main(): Promise<void> {
  installProcessGuards();
  const config = loadOrExit('api-gateway', () => loadConfig(process.env));
  await refuseLegacyKeyNames(config.redis);
  await startGateway(config);
}

main().catch((err: unknown) => {
  process.stderr.write(redactSecrets(`api-gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`));
  process.exit(1);
});
