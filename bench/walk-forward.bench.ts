/**
 * Issue 15, item 3: the walk-forward on both cores. The same walk-forward (same data, seed and
 * settings) runs on 1 worker thread and on N (default 2, the machine's cores), taking turns for
 * BENCH_ROUNDS rounds; the median wall times give the speed-up of N over 1. Every run's report
 * must be byte-identical (the deterministic merge), or the benchmark fails.
 *
 * Data: the bundled sample (2 symbols, 4 days of 1m) repeated REPEAT times with shifted times,
 * written to a temp dir, so it runs on a clean clone. Train 2d, test 1d, BENCH_TRIALS draws.
 *
 * Run: npm run bench:walk-forward   (env: BENCH_ROUNDS default 3, BENCH_WORKERS default 2,
 * BENCH_TRIALS default 20). Prints a table and writes it to BENCHMARKS.md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_COSTS } from '@app/trading';
import { formatWalkForward } from '../apps/signal-generator/src/backtest/walk-forward/walk-forward-report';
import { runWalkForward } from '../apps/signal-generator/src/backtest/walk-forward/walk-forward.runner';
import type { WalkForwardSettings } from '../apps/signal-generator/src/backtest/walk-forward/window-task';
import { loadConfig } from '../apps/signal-generator/src/config';
import { CandleSeries } from '../apps/signal-generator/src/market-data/replay/candle-series';
import type { KlineFile } from '../apps/signal-generator/src/market-data/replay/kline-file';
import { writeBenchmarkSection } from './support/benchmarks-md';
import { reportRows } from './support/results';
import { SAMPLE_FILES } from './support/sample';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const TRIALS = Number(process.env.BENCH_TRIALS ?? 20);
const REPEAT = 8;
const DAY = 86_400_000;

/** The sample files repeated REPEAT times, each copy 4 days later: 16 gapless days per symbol. */
function writeFiles(dir: string): KlineFile[] {
  return SAMPLE_FILES.map((f) => {
    const [header, ...lines] = readFileSync(f.path, 'utf8').trim().split('\n');
    const span = lines.length * 60_000;
    const out = [header];
    for (let k = 0; k < REPEAT; k++) {
      for (const l of lines) {
        const i = l.indexOf(',');
        out.push(`${Number(l.slice(0, i)) + k * span}${l.slice(i)}`);
      }
    }
    const path = join(dir, `${f.symbol}-1m-bench.csv`);
    writeFileSync(path, `${out.join('\n')}\n`);
    return { path, symbol: f.symbol, timeframe: f.timeframe };
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wf-bench-'));
  try {
    const files = writeFiles(dir);
    const series = await CandleSeries.load(files);
    const cfg = loadConfig({});
    const { strategies, strategyParams, risk, consensus, cooldownMs, strategyName } = cfg.pipeline;
    const settings: WalkForwardSettings = { pipeline: { strategies, strategyParams, risk, consensus, cooldownMs, strategyName }, adaptive: cfg.adaptive, tickSizes: {}, costs: DEFAULT_COSTS, maxHoldMs: 3_600_000, seed: 1, trials: TRIALS, minTrades: 20 };
    const once = async (workers: number) => {
      const load = loadavg()[0];
      const cpu = process.cpuUsage();
      const t = performance.now();
      const r = await runWalkForward(series, { files, skipBadRows: false, trainMs: 2 * DAY, testMs: DAY, timeframes: ['1m'], workers, settings });
      const wall = (performance.now() - t) / 1000;
      const used = process.cpuUsage(cpu);
      return { wall, cpu: (used.user + used.system) / 1e6, load, runs: r.runs, windows: r.windows.length, report: formatWalkForward(r, DEFAULT_COSTS) };
    };
    const times: Record<number, { wall: number; cpu: number; load: number }[]> = { 1: [], [WORKERS]: [] };
    let report: string | undefined;
    let runs = 0;
    let windows = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const w of round % 2 === 0 ? [1, WORKERS] : [WORKERS, 1]) {
        const r = await once(w);
        if (report !== undefined && r.report !== report) throw new Error(`the report with ${w} worker(s) differs from the first one: the merge is not deterministic`);
        report = r.report;
        runs = r.runs;
        windows = r.windows;
        times[w].push({ wall: r.wall, cpu: r.cpu, load: r.load });
        process.stderr.write(`round ${round + 1}: ${w} worker(s) ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU, load ${r.load.toFixed(1)}\n`);
      }
    }
    const one = median(times[1].map((x) => x.wall));
    const many = median(times[WORKERS].map((x) => x.wall));
    const row = (w: number, wall: number) => `| ${w} | ${wall.toFixed(2)} | ${median(times[w].map((x) => x.cpu)).toFixed(2)} | ${(runs / wall).toFixed(1)} | ${(one / wall).toFixed(2)}x |`;
    const loads = Object.values(times).flat().map((x) => x.load);
    const md = [
      '## Walk-forward on worker threads (issue 15, item 3): `npm run bench:walk-forward`',
      '',
      `Machine: ${availableParallelism()} vCPU ${cpus()[0]?.model.trim() ?? ''}, Node ${process.version}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ` +
        `load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} during the runs (the machine is shared: read the ratio, not the seconds).`,
      '',
      `The same walk-forward, ${windows} windows (train 2d, test 1d) over the bundled sample repeated ${REPEAT} times (2 symbols, ${series.candles.length} 1m candles), ` +
        `${TRIALS} draws per window, ${runs} backtest runs; 1 and ${WORKERS} worker threads taking turns, medians of ${ROUNDS} rounds. ` +
        'Every run printed the byte-identical report.',
      '',
      '| worker threads | wall s | CPU s (all threads) | backtest runs/s | speed-up over 1 |',
      '|---:|---:|---:|---:|---:|',
      row(1, one),
      row(WORKERS, many),
    ].join('\n');
    process.stdout.write(`${md}\n`);
    writeBenchmarkSection('walk-forward', md);
    reportRows(
      [{ bench: 'walk-forward', measure: `${windows} windows on ${WORKERS} worker threads, wall`, value: many, unit: 's', better: 'lower', baseline: { name: '1 worker thread', value: one }, note: `median of ${ROUNDS}` }],
      { print: false },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
