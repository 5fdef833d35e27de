import { existsSync } from 'node:fs';
import type { GeneratorConfig } from '../config';
import { generatorMetrics } from '../metrics/generator.metrics';
import { getLogger } from '@app/observability';
import type { MarketDataSource } from './market-data-source';
import { describeKlineFile } from './replay/kline-file';
import { ReplaySource } from './replay/replay.source';

/** What the pipeline needs from the feed besides candles: tick sizes known to the source. */
export interface MarketData {
  source: MarketDataSource;
  /** Tick per symbol from the exchange (live); undefined = config, then inference from prices. */
  tickSize(symbol: string): number | undefined;
}

/** Builds the configured feed. Throws (naming the variable) when REPLAY_FILES and SYMBOLS disagree. */
export function createMarketData(cfg: GeneratorConfig): MarketData {
  switch (cfg.marketSource) {
    case 'replay':
      return { source: createReplay(cfg), tickSize: () => undefined };
    case 'binance':
      return createBinance(cfg);
  }
}

function createReplay(cfg: GeneratorConfig): ReplaySource {
  const log = getLogger('replay');
  const files = cfg.replay.files.map((f) => describeKlineFile(f, { defaultTimeframe: cfg.timeframe }));
  for (const f of files) {
    if (!existsSync(f.path)) throw new Error(`REPLAY_FILES: ${f.path}: no such file (relative paths resolve from ${process.cwd()})`);
    if (!cfg.symbols.includes(f.symbol)) throw new Error(`REPLAY_FILES: ${f.path} holds ${f.symbol}, which is not in SYMBOLS (${cfg.symbols.join(',')})`);
    if (f.timeframe !== cfg.timeframe) throw new Error(`REPLAY_FILES: ${f.path} holds ${f.timeframe} candles but TIMEFRAME is ${cfg.timeframe}`);
  }
  return new ReplaySource({
    files,
    speed: cfg.replay.speed,
    warmupCandles: cfg.replay.warmupCandles,
    badRows: cfg.replay.badRows,
    onBadRow: (err) => {
      generatorMetrics.badRows.inc();
      log.warn({ file: err.file, line: err.line }, `skipped bad replay row: ${err.problem}`);
    },
  });
}

/**
 * ---- LIVE FEED HOOK ------------------------------------------------------------------------
 * The live Binance adapter lives in `./binance/` (built separately). Wire its MarketDataSource
 * here once its class is published: construct it from `cfg.symbols`, `cfg.timeframe`,
 * `cfg.binance.wsBaseUrl` / `cfg.binance.restBaseUrl`, and return its exchangeInfo ticks as
 * `tickSize`.
 */
function createBinance(_cfg: GeneratorConfig): MarketData {
  throw new Error('MARKET_SOURCE: binance is not available in this build yet (the live adapter is not wired); use replay');
}
