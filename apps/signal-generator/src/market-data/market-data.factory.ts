import { existsSync } from 'node:fs';
import { ConfigError } from '@app/config';
import type { Candle } from '@app/contracts';
import type { GeneratorConfig } from '../config';
import { generatorMetrics } from '../metrics/generator.metrics';
import { getLogger } from '@app/observability';
import { BinanceFuturesSource, BinanceRestClient, fetchSymbolFilters } from './binance';
import { fetchRecentClosedCandles } from './live-history';
import type { MarketDataSource } from './market-data-source';
import { describeKlineFile } from './replay/kline-file';
import { ReplaySource } from './replay/replay.source';

/** What the pipeline needs from the feed besides candles: tick sizes known to the source. */
export interface MarketData {
  source: MarketDataSource;
  /** Loads what must be known before the first candle (live: exchangeInfo). Throws naming the cause. */
  init(): Promise<void>;
  /** Tick per symbol from the exchange (live); undefined = config, then inference from prices. */
  tickSize(symbol: string): number | undefined;
  /**
   * Closed candles from before the feed starts, to warm the indicators (not published). Live: the
   * last LIVE_WARMUP_CANDLES per symbol from REST; replay: none (its warm-up is in the stream).
   */
  history(): Promise<Candle[]>;
}

/** Builds the configured feed. Throws (naming the variable) when REPLAY_FILES and SYMBOLS disagree. */
export function createMarketData(cfg: GeneratorConfig): MarketData {
  switch (cfg.marketSource) {
    case 'replay':
      return { source: createReplay(cfg), init: async () => undefined, tickSize: () => undefined, history: async () => [] };
    case 'binance':
      return createBinance(cfg);
  }
}

function createReplay(cfg: GeneratorConfig): ReplaySource {
  const log = getLogger('replay');
  const files = cfg.replay.files.map((f) => {
    try {
      return describeKlineFile(f, { defaultTimeframe: cfg.timeframe });
    } catch (err) {
      throw new ConfigError(`REPLAY_FILES: ${(err as Error).message}`);
    }
  });
  for (const f of files) {
    if (!existsSync(f.path)) throw new ConfigError(`REPLAY_FILES: ${f.path}: no such file (relative paths resolve from ${process.cwd()})`);
    if (!cfg.symbols.includes(f.symbol)) throw new ConfigError(`REPLAY_FILES: ${f.path} holds ${f.symbol}, which is not in SYMBOLS (${cfg.symbols.join(',')})`);
    if (f.timeframe !== cfg.timeframe) throw new ConfigError(`REPLAY_FILES: ${f.path} holds ${f.timeframe} candles but TIMEFRAME is ${cfg.timeframe}`);
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
 * The live USDT-M futures feed. Ticks come from `/fapi/v1/exchangeInfo` at start: a tick guessed
 * from price decimals can be finer than the real grid (a 0.5 tick prints as one decimal), and
 * ATAS could not place such prices, so a failed lookup stops the start rather than guessing.
 * Symbols with TICK_SIZES in config skip the lookup.
 */
function createBinance(cfg: GeneratorConfig): MarketData {
  const source = new BinanceFuturesSource({ symbols: cfg.symbols, interval: cfg.timeframe, ...cfg.binance });
  const rest = new BinanceRestClient({ ...cfg.binance.rest, logger: getLogger('binance-feed') });
  const ticks = new Map<string, number>();
  return {
    source,
    tickSize: (s) => ticks.get(s),
    history: () => fetchRecentClosedCandles(rest, cfg.symbols, cfg.timeframe, cfg.liveWarmupCandles),
    async init() {
      const missing = cfg.symbols.filter((s) => cfg.tickSizes[s] === undefined);
      if (missing.length === 0) return;
      try {
        const filters = await fetchSymbolFilters(rest, missing);
        for (const [symbol, f] of filters) ticks.set(symbol, f.tickSize);
      } catch (err) {
        throw new Error(`tick sizes from exchangeInfo (BINANCE_REST_URL) failed: ${(err as Error).message}; set TICK_SIZES to start without it`);
      }
    },
  };
}
