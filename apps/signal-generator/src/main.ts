import 'reflect-metadata';
import { loadOrExit } from '@app/config';
import { refuseLegacyKeyNames } from '@app/redis-streams';
import { bootstrapService, installProcessGuards, redactSecrets } from '@app/observability';
import { loadConfig } from './config';
import { createMarketData } from './market-data/market-data.factory';
import { SignalGeneratorModule } from './signal-generator.module';

async function main(): Promise<void> {
  installProcessGuards();
  const config = loadOrExit('signal-generator', () => {
    const cfg = loadConfig(process.env);
    createMarketData(cfg); // REPLAY_FILES/SYMBOLS mismatches are config errors: report them before Nest starts
    return cfg;
  });
  await refuseLegacyKeyNames(config.redis);
  await bootstrapService(SignalGeneratorModule.forRoot(config), { service: 'signal-generator', port: config.port, host: config.host, logLevel: config.logLevel });
}

main().catch((err: unknown) => {
  process.stderr.write(redactSecrets(`signal-generator failed to start: ${err instanceof Error ? err.message : String(err)}\n`));
  process.exit(1);
});
