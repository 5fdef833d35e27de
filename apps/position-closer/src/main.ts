import 'reflect-metadata';
import { loadOrExit } from '@app/config';
import { refuseLegacyKeyNames } from '@app/redis-streams';
import { bootstrapService, installProcessGuards, redactSecrets } from '@app/observability';
import { loadConfig } from './config';
import { PositionCloserModule } from './position-closer.module';

async function main(): Promise<void> {
  installProcessGuards();
  const config = loadOrExit('position-closer', () => loadConfig(process.env));
  await refuseLegacyKeyNames(config.redis);
  await bootstrapService(PositionCloserModule.forRoot(config), { service: 'position-closer', port: config.port, host: config.host, logLevel: config.logLevel });
}

main().catch((err: unknown) => {
  // An unreachable port or Redis at start: one clear line, no stack trace for expected errors.
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  process.stderr.write(redactSecrets(`position-closer failed to start: ${message}\n`));
  process.exit(1);
});
