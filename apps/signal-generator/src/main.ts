import 'reflect-metadata';
import { bootstrapService, installProcessGuards, redactSecrets } from '@app/observability';
import { loadConfig } from './config';
import { createMarketData } from './market-data/market-data.factory';
import { SignalGeneratorModule } from './signal-generator.module';

async function main(): Promise<void> {
  installProcessGuards();
  let cfg;
  try {
    cfg = loadConfig();
    createMarketData(cfg); // REPLAY_FILES/SYMBOLS mismatches are config errors: report them before Nest starts
  } catch (err) {
    process.stderr.write(redactSecrets(`signal-generator: ${(err as Error).message}\n`));
    process.exit(1);
  }
  await bootstrapService(SignalGeneratorModule, { service: 'signal-generator', port: cfg.port, host: cfg.host, logLevel: cfg.logLevel });
}

main().catch((err: unknown) => {
  process.stderr.write(redactSecrets(`signal-generator failed to start: ${err instanceof Error ? err.message : String(err)}\n`));
  process.exit(1);
});
