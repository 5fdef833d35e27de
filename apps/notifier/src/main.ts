import 'reflect-metadata';
import { bootstrapService, installProcessGuards, redactSecrets } from '@app/observability';
import { loadConfig, type NotifierConfig } from './config';
import { NotifierModule } from './notifier.module';

async function main(): Promise<void> {
  installProcessGuards();
  let cfg: NotifierConfig;
  try {
    cfg = loadConfig();
  } catch (err) {
    process.stderr.write(redactSecrets(`notifier: ${(err as Error).message}\n`));
    process.exit(1);
  }
  await bootstrapService(NotifierModule, { service: 'notifier', port: cfg.port, host: cfg.host, logLevel: cfg.logLevel });
}

main().catch((err: unknown) => {
  process.stderr.write(redactSecrets(`notifier failed to start: ${err instanceof Error ? err.message : String(err)}\n`));
  process.exit(1);
});
