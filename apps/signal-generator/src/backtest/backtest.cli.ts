import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { MicrosClock } from '@app/contracts';
import { CONFIG_EXIT_CODE, ConfigError } from '@app/config';
import { DEFAULT_COSTS, type CostModel } from '@app/trading';
import { loadConfig } from '../config';
import { describeKlineFile } from '../market-data/replay/kline-file';
import { ReplaySource } from '../market-data/replay/replay.source';
import { DEFAULT_MAX_HOLD_MS, runBacktest } from './backtest.runner';
import { integerFlag, numberFlag } from './cli-flags';
import { runThreadedBacktest, shardBySymbol } from './threaded-backtest';
import { formatReport } from './backtest-report';
import { HtmlReportCollector } from './html-report.collector';
import { renderHtmlReport } from './html-report';
import { WALK_FORWARD_DEFAULTS as WF, walkForwardCommand } from './walk-forward/walk-forward.command';

const USAGE = `usage: npm run backtest -- [--skip-bad-rows] [--symbol SYM] [--timeframe 1m] [--signal-timeframes 1m,5m,15m]
         [--fee-bps ${DEFAULT_COSTS.takerFeeBps}] [--maker-fee-bps ${DEFAULT_COSTS.makerFeeBps}] [--slippage-ticks ${DEFAULT_COSTS.slippageTicks}] [--max-hold-minutes ${DEFAULT_MAX_HOLD_MS / 60_000}] [--html report.html] <file.csv>...
       npm run backtest -- --walk-forward [--train ${WF.train}] [--test ${WF.test}] [--seed ${WF.seed}] [--trials ${WF.trials}] [--min-trades ${WF.minTrades}] [--workers N] [same options] <file.csv>...

Replays kline CSV files (6-column or Binance 12-column) through the signal-generator's pipeline at
max speed, trades the signals as the position-closer does, and prints per strategy and for the
fused signal: signals, win rate, average and total R, profit factor and max drawdown in R, each
after costs beside gross. Strategy, fusion and risk settings come from the same environment
variables as the service (MIN_STRATEGIES_AGREE, MIN_CONFIDENCE, MIN_RR, ...).

  --signal-timeframes the timeframes the strategies decide on, built from the files' candles; default SIGNAL_TIMEFRAMES, else the files' own
  --fee-bps           taker fee per side in basis points (market entry, stop, early exits); default ${DEFAULT_COSTS.takerFeeBps} = Binance USDT-M 0.05 %
  --maker-fee-bps     maker fee of the take-profit limit order; default ${DEFAULT_COSTS.makerFeeBps} = 0.02 %
  --slippage-ticks    ticks lost on each market or stop fill; default ${DEFAULT_COSTS.slippageTicks}
  --html              also write a self-contained HTML report there (equity, drawdown, tables, trades on the candles)
  --walk-forward      tune on each training window, trade the following test window; report only the test windows, stitched, beside the defaults
  --train / --test    window lengths (14d, 12h, ...); the windows step by the test length
  --seed              the random search's seed: the same seed and data give the same report
  --trials            random draws of every strategy's declared parameter ranges per window (the defaults are always a candidate)
  --min-trades        closed trades a candidate needs on a training window to be chosen
  --workers           worker threads: the backtest splits the symbols across them (default: the cores available from about
                      100k rows of files on, else 1; not with --html), the walk-forward its windows (default: the cores);
                      the report is the same for any number
  --max-hold-minutes  close a trade still open this long at the candle's close, as the closer's MAX_HOLD_MINUTES; default ${DEFAULT_MAX_HOLD_MS / 60_000}`;

/** Below this much CSV, the plain backtest runs in one thread unless --workers says otherwise. */
const THREADS_FROM_BYTES = 6_000_000;

/** lightweight-charts' standalone (global `LightweightCharts`) bundle; its package exports do not list it. */
function readChartLibrary(): string {
  const dir = dirname(require.resolve('lightweight-charts/package.json'));
  return readFileSync(join(dir, 'dist', 'lightweight-charts.standalone.production.js'), 'utf8');
}

/** Counts lines fast (bytes, no parsing) to size the progress bar. */
async function countLines(path: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  }
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'skip-bad-rows': { type: 'boolean', default: false },
      symbol: { type: 'string' },
      timeframe: { type: 'string' },
      'signal-timeframes': { type: 'string' },
      'fee-bps': { type: 'string' },
      'maker-fee-bps': { type: 'string' },
      'slippage-ticks': { type: 'string' },
      'max-hold-minutes': { type: 'string' },
      html: { type: 'string' },
      'walk-forward': { type: 'boolean', default: false },
      train: { type: 'string' },
      test: { type: 'string' },
      seed: { type: 'string' },
      trials: { type: 'string' },
      'min-trades': { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const costs: CostModel = {
    takerFeeBps: numberFlag('fee-bps', values['fee-bps'], DEFAULT_COSTS.takerFeeBps),
    makerFeeBps: numberFlag('maker-fee-bps', values['maker-fee-bps'], DEFAULT_COSTS.makerFeeBps),
    slippageTicks: numberFlag('slippage-ticks', values['slippage-ticks'], DEFAULT_COSTS.slippageTicks),
  };
  const maxHoldMs = numberFlag('max-hold-minutes', values['max-hold-minutes'], DEFAULT_MAX_HOLD_MS / 60_000, 0.001) * 60_000;
  const cfg = loadConfig(values['signal-timeframes'] === undefined ? process.env : { ...process.env, SIGNAL_TIMEFRAMES: values['signal-timeframes'] });
  const files = positionals.map((p) => describeKlineFile(p, { symbol: values.symbol, defaultTimeframe: values.timeframe ?? cfg.timeframe }));
  // Unset: the strategies run on the files' own candles, whatever their timeframe.
  const timeframes = values['signal-timeframes'] !== undefined || process.env.SIGNAL_TIMEFRAMES ? cfg.signalTimeframes : undefined;
  if (values['walk-forward']) {
    return walkForwardCommand({
      files,
      skipBadRows: values['skip-bad-rows'],
      costs,
      maxHoldMs,
      cfg,
      timeframes,
      train: values.train,
      test: values.test,
      seed: values.seed,
      trials: values.trials,
      workers: values.workers,
      minTrades: values['min-trades'],
    });
  }
  // A thread costs a few hundred ms to start (more under the TypeScript loader): by default only
  // files large enough to repay it (about 100k rows) are split.
  const bytes = files.reduce((a, f) => a + statSync(f.path).size, 0);
  const workers = integerFlag('workers', values.workers, bytes >= THREADS_FROM_BYTES ? Math.max(1, availableParallelism()) : 1, 1);
  const bar = process.stderr.isTTY ? new SingleBar({ stream: process.stderr, etaBuffer: 1000 }, Presets.shades_classic) : undefined;
  if (bar) bar.start((await Promise.all(files.map((f) => countLines(f.path)))).reduce((a, b) => a + b, 0), 0);
  // Symbols apart on the threads; the HTML report needs every candle in this thread.
  const shards = values.html ? [] : shardBySymbol(files, workers, (f) => statSync(f.path).size);
  if (shards.length > 1) {
    const result = await runThreadedBacktest(
      shards,
      { pipeline: cfg.pipeline, tickSizes: cfg.tickSizes, costs, maxHoldMs, timeframes, skipBadRows: values['skip-bad-rows'] },
      (n) => bar?.update(n),
    );
    bar?.stop();
    for (const m of result.badRows) process.stderr.write(`skipped ${m}\n`);
    process.stdout.write(`files: ${files.map((f) => f.path).join(', ')}\n`);
    if (result.badRows.length) process.stdout.write(`bad rows skipped: ${result.badRows.length}\n`);
    process.stdout.write(`${formatReport(result)}\n`);
    return 0;
  }
  let skipped = 0;
  const source = new ReplaySource({
    files,
    speed: 'max',
    badRows: values['skip-bad-rows'] ? 'skip' : 'fail',
    onBadRow: (e) => {
      skipped++;
      process.stderr.write(`skipped ${e.message}\n`);
    },
  });
  // Signal timestamps do not enter the report; a fixed clock keeps runs identical anyway.
  const clock = new MicrosClock(() => 0);
  let done = 0;
  const collector = values.html ? new HtmlReportCollector() : undefined;
  const result = await runBacktest(source, {
    ...cfg.pipeline,
    clock,
    tickSize: (s) => cfg.tickSizes[s],
    costs,
    maxHoldMs,
    timeframes,
    onClose: collector?.onClose,
    onCandle: (c) => {
      collector?.onCandle(c);
      if (bar && ++done % 5000 === 0) bar.update(done);
    },
  });
  bar?.update(done);
  bar?.stop();
  process.stdout.write(`files: ${files.map((f) => f.path).join(', ')}\n`);
  if (skipped) process.stdout.write(`bad rows skipped: ${skipped}\n`);
  process.stdout.write(`${formatReport(result)}\n`);
  if (collector && values.html) {
    const html = renderHtmlReport({
      result,
      fusedSource: `fused (${cfg.pipeline.strategyName})`,
      trades: collector.trades,
      candles: collector.candles,
      files: files.map((f) => f.path),
      chartLibrary: readChartLibrary(),
    });
    writeFileSync(values.html, html);
    process.stdout.write(`HTML report: ${values.html}\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Bad files and bad settings are the user's to fix: name them, without a stack trace.
    process.stderr.write(`backtest: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof ConfigError ? CONFIG_EXIT_CODE : 1);
  },
);
