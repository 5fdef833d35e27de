/**
 * Issue 15, item 3: research on both cores. Two cases, each on 1 thread and on N (default 2, the
 * machine's cores), taking turns for BENCH_ROUNDS rounds; the median wall times give the speed-up
 * of N over 1. Every run's report must be byte-identical (the deterministic merge), or the
 * benchmark fails:
 *   - the walk-forward: windows spread over worker threads (1 = one worker thread);
 *   - the plain backtest: symbols spread over worker threads (1 = in this thread, as the CLI does
 *     with --workers 1).
 *
 * Data: the bundled sample (2 symbols, 4 days of 1m) repeated with shifted times, written to a temp
 * dir, so it runs on a clean clone: 8 times for the walk-forward (train 2d, test 1d, BENCH_TRIALS
 * draws), 100 times for the plain backtest. Besides the wall clock, the CPU time of each worker
 * thread is read from /proc: on a shared machine it shows how evenly the work splits when the
 * wall clock cannot show what free cores would make of it.
 *
 * Run: npm run bench:walk-forward   (env: BENCH_ROUNDS default 3, BENCH_WORKERS default 2,
 * BENCH_TRIALS default 20). Prints a table and writes it to BENCHMARKS.md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_COSTS } from '@app/trading';
import { MicrosClock } from '@app/contracts';
import { formatReport } from '../apps/signal-generator/src/backtest/backtest-report';
import { runBacktest } from '../apps/signal-generator/src/backtest/backtest.runner';
import { runThreadedBacktest, shardBySymbol } from '../apps/signal-generator/src/backtest/threaded-backtest';
import { formatWalkForward } from '../apps/signal-generator/src/backtest/walk-forward/walk-forward-report';
import { runWalkForward } from '../apps/signal-generator/src/backtest/walk-forward/walk-forward.runner';
import type { WalkForwardSettings } from '../apps/signal-generator/src/backtest/walk-forward/window-task';
import { loadConfig } from '../apps/signal-generator/src/config';
import { CandleSeries } from '../apps/signal-generator/src/market-data/replay/candle-series';
import type { KlineFile } from '../apps/signal-generator/src/market-data/replay/kline-file';
import { ReplaySource } from '../apps/signal-generator/src/market-data/replay/replay.source';
import { writeBenchmarkSection } from './support/benchmarks-md';
import { reportRows } from './support/results';
import { SAMPLE_FILES } from './support/sample';
import { workerThreadCpu } from './support/thread-cpu';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const TRIALS = Number(process.env.BENCH_TRIALS ?? 20);
const REPEAT = 8;
/** The plain backtest is fast: it gets bigger copies, so thread start-up is not all it measures. */
const BACKTEST_REPEAT = 100;
const DAY = 86_400_000;

/** The sample files repeated `repeat` times, each copy 4 days later: gapless 1m candles, 4 days per copy. */
function writeFiles(dir: string, repeat: number): KlineFile[] {
  return SAMPLE_FILES.map((f) => {
    const [header, ...lines] = readFileSync(f.path, 'utf8').trim().split('\n');
    const span = lines.length * 60_000;
    const out = [header];
    for (let k = 0; k < repeat; k++) {
      for (const l of lines) {
        const i = l.indexOf(',');
        out.push(`${Number(l.slice(0, i)) + k * span}${l.slice(i)}`);
      }
    }
    const path = join(dir, `${f.symbol}-1m-bench-${repeat}.csv`);
    writeFileSync(path, `${out.join('\n')}\n`);
    return { path, symbol: f.symbol, timeframe: f.timeframe };
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wf-bench-'));
  try {
    const files = writeFiles(dir, REPEAT);
    const bigFiles = writeFiles(dir, BACKTEST_REPEAT);
    const series = await CandleSeries.load(files);
    const cfg = loadConfig({});
    const { strategies, strategyParams, risk, consensus, cooldownMs, strategyName } = cfg.pipeline;
    const settings: WalkForwardSettings = { pipeline: { strategies, strategyParams, risk, consensus, cooldownMs, strategyName }, adaptive: cfg.adaptive, tickSizes: {}, costs: DEFAULT_COSTS, maxHoldMs: 3_600_000, seed: 1, trials: TRIALS, minTrades: 20 };
    const walkForward = async (workers: number): Promise<string> => {
      const r = await runWalkForward(series, { files, skipBadRows: false, trainMs: 2 * DAY, testMs: DAY, timeframes: ['1m'], workers, settings });
      runs = r.runs;
      windows = r.windows.length;
      return formatWalkForward(r, DEFAULT_COSTS);
    };
    const backtest = async (workers: number): Promise<string> => {
      const opts = { pipeline: cfg.pipeline, tickSizes: {}, costs: DEFAULT_COSTS, maxHoldMs: 3_600_000, skipBadRows: false };
      if (workers === 1) {
        const r = await runBacktest(new ReplaySource({ files: bigFiles, speed: 'max' }), { ...cfg.pipeline, source: 'backtest', clock: new MicrosClock(() => 0), costs: opts.costs, maxHoldMs: opts.maxHoldMs });
        return formatReport(r);
      }
      return formatReport(await runThreadedBacktest(shardBySymbol(bigFiles, workers, () => 1), opts));
    };
    let runs = 0;
    let windows = 0;
    const cases = { 'walk-forward': walkForward, backtest };
    const times: Record<string, Record<number, { wall: number; cpu: number; load: number; perThread: number[] }[]>> = {};
    for (const [name, run] of Object.entries(cases)) {
      times[name] = { 1: [], [WORKERS]: [] };
      let report: string | undefined;
      for (let round = 0; round < ROUNDS; round++) {
        for (const w of round % 2 === 0 ? [1, WORKERS] : [WORKERS, 1]) {
          const load = loadavg()[0];
          const cpu = process.cpuUsage();
          const t = performance.now();
          const { result: out, perThread } = await workerThreadCpu(() => run(w));
          const wall = (performance.now() - t) / 1000;
          const used = process.cpuUsage(cpu);
          if (report !== undefined && out !== report) throw new Error(`${name}: the report with ${w} thread(s) differs from the first one: the merge is not deterministic`);
          report = out;
          times[name][w].push({ wall, cpu: (used.user + used.system) / 1e6, load, perThread: perThread.slice(0, w) });
          process.stderr.write(`${name} round ${round + 1}: ${w} thread(s) ${wall.toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU, load ${load.toFixed(1)}\n`);
        }
      }
    }
    const rows = Object.keys(cases).flatMap((name) => {
      const one = median(times[name][1].map((x) => x.wall));
      return [1, WORKERS].map((w) => {
        const runs = times[name][w];
        const wall = median(runs.map((x) => x.wall));
        // The median run's CPU per worker thread, and what free cores would make of that split:
        // the threads' total work over the busiest thread's.
        const mid = [...runs].sort((a, b) => a.wall - b.wall)[Math.floor(runs.length / 2)];
        const inProcess = name === 'backtest' && w === 1;
        const split = inProcess ? 'in process' : mid.perThread.map((c) => c.toFixed(2)).join(' / ');
        const ideal = inProcess ? '-' : `${(mid.perThread.reduce((a, b) => a + b, 0) / mid.perThread[0]).toFixed(2)}x`;
        return `| ${name} | ${w} | ${wall.toFixed(2)} | ${median(runs.map((x) => x.cpu)).toFixed(2)} | ${split} | ${(one / wall).toFixed(2)}x | ${ideal} |`;
      });
    });
    const loads = Object.values(times).flatMap((t) => Object.values(t).flat().map((x) => x.load));
    const md = [
      '## Backtest and walk-forward on worker threads (issue 15, item 3): `npm run bench:walk-forward`',
      '',
      `Machine: ${availableParallelism()} vCPU ${cpus()[0]?.model.trim() ?? ''}, Node ${process.version}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ` +
        `load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} during the runs (the machine is shared: read the ratio, not the seconds).`,
      '',
      `Data: the bundled sample repeated ${REPEAT} times (2 symbols, ${series.candles.length} 1m candles). Walk-forward: ${windows} windows (train 2d, test 1d), ` +
        `${TRIALS} draws per window, ${runs} backtest runs, the windows spread over the threads. Backtest: the sample repeated ${BACKTEST_REPEAT} times ` +
        `(${BACKTEST_REPEAT * 11_520} candles), the 2 symbols spread over the threads (1 thread = in process, as \`--workers 1\`). 1 and ${WORKERS} threads taking turns, medians of ${ROUNDS} rounds; every run printed the byte-identical report.`,
      '',
      '| case | threads | wall s | CPU s (whole process) | CPU s per worker thread | speed-up over 1 (wall) | work split: total / busiest thread |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...rows,
      '',
      'How to read it: the wall-clock speed-up is the figure asked for, and it needs a second core that is free. With the load average above the ' +
        'number of cores, a second thread gets no second core, and the wall clock then shows only the cost of starting threads. The last column ' +
        'is how evenly the work split between the threads (read from each thread\'s CPU time): the speed-up two free cores would give, before ' +
        'that start-up cost (each thread loads the TypeScript modules and the files itself, and the main thread merges).',
    ].join('\n');
    process.stdout.write(`${md}\n`);
    writeBenchmarkSection('walk-forward', md);
    const wall = (name: string, w: number) => median(times[name][w].map((x) => x.wall));
    reportRows(
      [
        { bench: 'walk-forward', measure: `${windows} windows on ${WORKERS} worker threads, wall`, value: wall('walk-forward', WORKERS), unit: 's', better: 'lower', baseline: { name: '1 worker thread', value: wall('walk-forward', 1) }, note: `median of ${ROUNDS}` },
        { bench: 'walk-forward', measure: `backtest, 2 symbols on ${WORKERS} worker threads, wall`, value: wall('backtest', WORKERS), unit: 's', better: 'lower', baseline: { name: '1 thread (in process)', value: wall('backtest', 1) }, note: `median of ${ROUNDS}` },
      ],
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
