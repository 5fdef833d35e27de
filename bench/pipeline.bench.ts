/**
 * Issue 15, item 2: candles per second through the full signal pipeline and through the CSV
 * reader, each beside its baseline, measured in the same run with the cases taking turns (the
 * machine is shared, so ratios are the figure to read; absolute rates move with the load).
 *
 *   baseline: Faster* indicator loop   trading-signals' Faster* indicators of the 7 strategies + ATR,
 *                                      a plain loop, no votes (what the pipeline used to be built on)
 *   full pipeline, decide()            SignalPipeline: 7 strategies, fusion, ATR, risk, cooldown,
 *                                      signals (the backtest's allocation-free form)
 *   full pipeline, process()           the same with every candle's votes and outcome formatted
 *                                      (the service's form)
 *   baseline: bare CSV split loop      readFileSync, split('\n'), split(','), Number() x 6
 *   CSV reader                         readKlineBatches: bytes to validated candles
 *   CSV reader + pipeline              the two together: an in-process backtest from files
 *
 * The pipeline cases run over the bundled sample (11,520 candles per pass); the CSV cases over
 * the sample repeated 40 times with shifted times (2 files, 460,800 rows, written to a temp dir).
 * Rates are given per wall-clock second and per second of this process's CPU time, which is what
 * "on one core" means while other work competes for the cores.
 *
 * Run: npm run bench:pipeline   (env: BENCH_ROUNDS, default 5; BENCH_SECONDS per case per round, default 1)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MicrosClock } from '@app/contracts';
import { loadConfig } from '../apps/signal-generator/src/config';
import { readKlineBatches } from '../apps/signal-generator/src/market-data/replay/kline-csv.reader';
import type { KlineFile } from '../apps/signal-generator/src/market-data/replay/kline-file';
import { SignalPipeline } from '../apps/signal-generator/src/pipeline/signal-pipeline';
import { fasterIndicatorLoop } from './support/faster-loop';
import { reportRows } from './support/results';
import { SAMPLE_FILES, sampleCandles } from './support/sample';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const REPEAT = 40;
const cfg = loadConfig({});
const pipeline = (): SignalPipeline => new SignalPipeline({ ...cfg.pipeline, clock: new MicrosClock() });

/** The sample files repeated REPEAT times, each copy 4 days later, so times stay increasing and gapless. */
function writeBigFiles(dir: string): { files: KlineFile[]; rows: number } {
  let rows = 0;
  const files = SAMPLE_FILES.map((f) => {
    const [header, ...lines] = readFileSync(f.path, 'utf8').trim().split('\n');
    const span = lines.length * 60_000;
    const out = [header];
    for (let k = 0; k < REPEAT; k++) {
      for (const l of lines) {
        const i = l.indexOf(',');
        out.push(`${Number(l.slice(0, i)) + k * span}${l.slice(i)}`);
      }
    }
    rows += out.length - 1;
    const path = join(dir, `${f.symbol}-1m-bench.csv`);
    writeFileSync(path, `${out.join('\n')}\n`);
    return { path, symbol: f.symbol, timeframe: f.timeframe };
  });
  return { files, rows };
}

function bareSplitLoop(files: KlineFile[]): number {
  let sink = 0;
  for (const f of files) {
    const lines = readFileSync(f.path, 'utf8').split('\n');
    for (let i = 1; i < lines.length; i++) {
      const x = lines[i].split(',');
      if (x.length < 6) continue;
      sink += Number(x[0]) + Number(x[1]) + Number(x[2]) + Number(x[3]) + Number(x[4]) + Number(x[5]);
    }
  }
  return sink;
}

async function readerOnly(files: KlineFile[]): Promise<number> {
  let sink = 0;
  for (const f of files) for await (const batch of readKlineBatches(f)) sink += batch.length;
  return sink;
}

async function readerAndPipeline(files: KlineFile[]): Promise<number> {
  const p = pipeline();
  let sink = 0;
  for (const f of files) for await (const batch of readKlineBatches(f)) for (const c of batch) if (p.decide(c).signal) sink++;
  return sink;
}

interface Case {
  name: string;
  perPass: number;
  pass: () => unknown;
  wall: number[];
  cpu: number[];
}

async function main(): Promise<void> {
  const candles = sampleCandles();
  const dir = mkdtempSync(join(tmpdir(), 'bench-csv-'));
  try {
    const big = writeBigFiles(dir);
    const cases: Case[] = [
      { name: 'baseline: Faster* indicator loop', perPass: candles.length, pass: () => fasterIndicatorLoop(candles) },
      {
        name: 'full pipeline, decide()',
        perPass: candles.length,
        pass: () => {
          const p = pipeline();
          let n = 0;
          for (const c of candles) if (p.decide(c).signal) n++;
          return n;
        },
      },
      {
        name: 'full pipeline, process()',
        perPass: candles.length,
        pass: () => {
          const p = pipeline();
          let n = 0;
          for (const c of candles) if (p.process(c).signal) n++;
          return n;
        },
      },
      { name: 'baseline: bare CSV split loop', perPass: big.rows, pass: () => bareSplitLoop(big.files) },
      { name: 'CSV reader', perPass: big.rows, pass: () => readerOnly(big.files) },
      { name: 'CSV reader + pipeline', perPass: big.rows, pass: () => readerAndPipeline(big.files) },
    ].map((c) => ({ ...c, wall: [], cpu: [] }));

    process.stdout.write(`pipeline and CSV reader: ${ROUNDS} rounds, cases taking turns, ~${SECONDS} s per case per round, node ${process.version}\n`);
    for (const c of cases) for (let i = 0; i < 3; i++) await c.pass(); // JIT warm-up
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of cases) {
        let n = 0;
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        do {
          await c.pass();
          n += c.perPass;
        } while (performance.now() - t0 < SECONDS * 1000);
        const wall = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        c.wall.push(n / wall);
        c.cpu.push(n / ((cpu.user + cpu.system) / 1e6));
      }
    }
    const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const row = (name: string): Case => cases.find((c) => c.name === name) as Case;
    const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
    const ratio = (a: string, b: string): string => (med(row(a).cpu) / med(row(b).cpu)).toFixed(2);

    process.stdout.write(`\n| case | candles/s (wall) | candles/s per CPU-second | vs its baseline (CPU) |\n|---|---:|---:|---:|\n`);
    const against: Record<string, string> = {
      'full pipeline, decide()': 'baseline: Faster* indicator loop',
      'full pipeline, process()': 'baseline: Faster* indicator loop',
      'CSV reader': 'baseline: bare CSV split loop',
      'CSV reader + pipeline': 'baseline: Faster* indicator loop',
    };
    for (const c of cases) {
      const base = against[c.name];
      process.stdout.write(`| ${c.name} | ${fmt(med(c.wall))} | ${fmt(med(c.cpu))} | ${base ? `${ratio(c.name, base)}x` : '1.00x'} |\n`);
    }
    const pipe = med(row('full pipeline, decide()').cpu);
    const csv = med(row('CSV reader').cpu);
    process.stdout.write(`\ngoals (per CPU-second, one core): full pipeline >= 1,000,000 candles/s: ${fmt(pipe)} ${pipe >= 1e6 ? 'met' : 'NOT met'}; CSV reader >= 2,000,000 candles/s: ${fmt(csv)} ${csv >= 2e6 ? 'met' : 'NOT met'}\n`);
    const perCpu = (name: string) => med(row(name).cpu);
    const note = `per CPU-second, median of ${ROUNDS}`;
    reportRows(
      [
        { bench: 'pipeline', measure: 'full pipeline, decide() candles/s', value: pipe, unit: 'candles/s', better: 'higher', baseline: { name: 'Faster* indicator loop', value: perCpu('baseline: Faster* indicator loop') }, goal: { text: '>= 1,000,000 on one core', met: pipe >= 1e6 }, note },
        { bench: 'pipeline', measure: 'CSV reader candles/s', value: csv, unit: 'candles/s', better: 'higher', baseline: { name: 'bare CSV split loop', value: perCpu('baseline: bare CSV split loop') }, goal: { text: '>= 2,000,000', met: csv >= 2e6 }, note },
        { bench: 'pipeline', measure: 'CSV reader + pipeline candles/s', value: perCpu('CSV reader + pipeline'), unit: 'candles/s', better: 'higher', baseline: { name: 'Faster* indicator loop', value: perCpu('baseline: Faster* indicator loop') }, note },
      ],
      { print: false },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
