import { loadOrExit } from '@app/config';
import { installProcessGuards, redactSecrets } from '@app/observability';
import { loadConfig } from './config';
import { startGateway } from './gateway';

async function main(): Promise<void> {
  installProcessGuards();
  await startGateway(loadOrExit('api-gateway', () => loadConfig(process.env)));
}

main().catch((err: unknown) => {
  process.stderr.write(redactSecrets(`api-gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`));
  process.exit(1);
});
