/**
 * Candles per second through the signal-generator's decision path at max speed, on the real
 * sample in data/ (11,520 1m candles, BTCUSDT + ETHUSDT), with baselines measured in the same run:
 *
 *   baseline: trivial strategy  one FasterSMA(1) per symbol: the cost of just walking the candles
 *   7 strategies                every built-in strategy updated, no fusion (then each alone)
 *   7 strategies + fusion       the same plus fuseVotes (the consensus step)
 *   full pipeline               SignalPipeline.process: strategies, fusion, ATR, risk, cooldown
 *   CSV replay (parse only)     reading + validating the CSV files at max speed, no strategies
 *   CSV replay + pipeline       what `npm run backtest` does
 *
 * Run: npm run bench   (env: BENCH_SECONDS per case, default 2)
 */
import { Candle, MicrosClock } from '@app/contracts';
import { FasterSMA } from 'trading-signals';
import { join } from 'node:path';
import { loadConfig } from '../apps/signal-generator/src/config';
import { fuseVotes } from '../apps/signal-generator/src/fusion/consensus';
import { describeKlineFile } from '../apps/signal-generator/src/market-data/replay/kline-file';
import { ReplaySource } from '../apps/signal-generator/src/market-data/replay/replay.source';
import { SignalPipeline } from '../apps/signal-generator/src/pipeline/signal-pipeline';
import { createStrategies } from '../apps/signal-generator/src/strategies/strategy-set';

const FILES = ['BTCUSDT', 'ETHUSDT'].map((s) => describeKlineFile(join(__dirname, '..', 'data', `${s}-1m-2025-05-06.csv`)));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const cfg = loadConfig({});

/** One pass over `candles` with fresh state (state is per symbol and refuses repeated times). */
type Pass = (candles: Candle[]) => number | Promise<number>;

function perSymbol<T>(make: () => T): (symbol: string) => T {
  const m = new Map<string, T>();
  return (s) => {
    let v = m.get(s);
    if (v === undefined) m.set(s, (v = make()));
    return v;
  };
}

const single = (name: string): [string, Pass] => [
  `  ${name} alone`,
  (candles) => {
    const strategy = perSymbol(() => createStrategies([name], cfg.pipeline.strategyParams)[0]);
    let sink = 0;
    for (const c of candles) sink += strategy(c.symbol).update(c).confidence;
    return sink;
  },
];

const cases: [string, Pass][] = [
  [
    'baseline: trivial strategy',
    (candles) => {
      const sma = perSymbol(() => new FasterSMA(1));
      let sink = 0;
      for (const c of candles) sink += sma(c.symbol).add(c.close) ?? 0;
      return sink;
    },
  ],
  [
    '7 strategies',
    (candles) => {
      const strategies = perSymbol(() => createStrategies(cfg.pipeline.strategies, cfg.pipeline.strategyParams));
      let sink = 0;
      for (const c of candles) sink += strategies(c.symbol).map((s) => s.update(c)).length;
      return sink;
    },
  ],
  ...cfg.pipeline.strategies.map(single),
  [
    '7 strategies + fusion',
    (candles) => {
      const strategies = perSymbol(() => createStrategies(cfg.pipeline.strategies, cfg.pipeline.strategyParams));
      let sink = 0;
      for (const c of candles) {
        const votes = strategies(c.symbol).map((s) => s.update(c));
        if (fuseVotes(votes, cfg.pipeline.consensus).fired) sink++;
      }
      return sink;
    },
  ],
  [
    'full pipeline',
    (candles) => {
      const p = new SignalPipeline({ ...cfg.pipeline, clock: new MicrosClock() });
      let sink = 0;
      for (const c of candles) if (p.process(c).signal) sink++;
      return sink;
    },
  ],
  [
    'CSV replay (parse only)',
    async () => {
      let sink = 0;
      await new ReplaySource({ files: FILES }).run((c) => {
        sink += c.close;
      });
      return sink;
    },
  ],
  [
    'CSV replay + pipeline',
    async () => {
      const p = new SignalPipeline({ ...cfg.pipeline, clock: new MicrosClock() });
      let sink = 0;
      await new ReplaySource({ files: FILES }).run((c) => {
        if (p.process(c).signal) sink++;
      });
      return sink;
    },
  ],
];

async function measure(pass: Pass, candles: Candle[]): Promise<{ rate: number; passes: number }> {
  for (let i = 0; i < 3; i++) await pass(candles); // warm the JIT
  const rates: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  while (performance.now() < until || rates.length < 3) {
    const t = performance.now();
    await pass(candles);
    rates.push(candles.length / ((performance.now() - t) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { rate: rates[Math.floor(rates.length / 2)], passes: rates.length };
}

async function main(): Promise<void> {
  const candles: Candle[] = [];
  await new ReplaySource({ files: FILES }).run((c) => {
    candles.push(c);
  });
  process.stdout.write(`signal-generator strategies benchmark: ${candles.length} real 1m candles per pass, median of passes over ${SECONDS} s per case, node ${process.version}\n\n`);
  const rows: [string, number, number][] = [];
  for (const [name, pass] of cases) {
    const { rate, passes } = await measure(pass, candles);
    rows.push([name, rate, passes]);
  }
  const base = rows[0][1];
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`| ${'case'.padEnd(w)} |  candles/s | vs baseline | passes |\n|${'-'.repeat(w + 2)}|-----------:|------------:|-------:|\n`);
  for (const [name, rate, passes] of rows) {
    process.stdout.write(`| ${name.padEnd(w)} | ${Math.round(rate).toLocaleString('en-US').padStart(10)} | ${(rate / base).toFixed(3).padStart(10)}x | ${String(passes).padStart(6)} |\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
