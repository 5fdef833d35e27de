import 'reflect-metadata';
import { bootstrapService, installProcessGuards, redactSecrets } from '@app/observability';
import { loadConfig } from './config';
import { PositionCloserModule } from './position-closer.module';

async function main(): Promise<void> {
  installProcessGuards();
  const config = loadConfig();
  await bootstrapService(PositionCloserModule, { service: 'position-closer', port: config.PORT, host: config.HOST, logLevel: config.LOG_LEVEL });
}

main().catch((err: unknown) => {
  // A bad config or an unreachable port: one clear line, no stack trace for expected errors.
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  process.stderr.write(redactSecrets(`position-closer failed to start: ${message}\n`));
  process.exit(1);
});
