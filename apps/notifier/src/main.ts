import 'reflect-metadata';
import { loadOrExit } from '@app/config';
import { refuseLegacyKeyNames } from '@app/redis-streams';
import { bootstrapService, installProcessGuards, redactSecrets } from '@app/observability';
import { loadConfig } from './config';
import { NotifierModule } from './notifier.module';

async function main(): Promise<void> {
  installProcessGuards();
  const config = loadOrExit('notifier', () => loadConfig(process.env));
  await refuseLegacyKeyNames(config.redis);
  await bootstrapService(NotifierModule.forRoot(config), { service: 'notifier', port: config.port, host: config.host, logLevel: config.logLevel });
}

main().catch((err: unknown) => {
  process.stderr.write(redactSecrets(`notifier failed to start: ${err instanceof Error ? err.message : String(err)}\n`));
  process.exit(1);
});
