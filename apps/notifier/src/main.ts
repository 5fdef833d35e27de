import 'reflect-metadata';
import { bootstrapService } from '@app/observability';
import { loadConfig, type NotifierConfig } from './config';
import { NotifierModule } from './notifier.module';

async function main(): Promise<void> {
  let cfg: NotifierConfig;
  try {
    cfg = loadConfig();
  } catch (err) {
    process.stderr.write(`notifier: ${(err as Error).message}\n`);
    process.exit(1);
  }
  await bootstrapService(NotifierModule, { service: 'notifier', port: cfg.port, host: cfg.host, logLevel: cfg.logLevel });
}

main().catch((err: unknown) => {
  process.stderr.write(`notifier failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
