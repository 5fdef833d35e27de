import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * One measured figure, the unit every benchmark reports in, so `npm run bench` can put all of
 * them in one table. A benchmark calls `reportRows(rows)`; the rows are appended as JSON lines to the
 * file named by BENCH_RESULTS (the aggregator sets it) and printed as the benchmark's own table.
 */
export interface BenchRow {
  /** The benchmark, e.g. `gateway`. */
  bench: string;
  /** What was measured, e.g. `GET /api/signals req/s`. */
  measure: string;
  value: number;
  /** e.g. `req/s`, `ms`, `MB`, `candles/s`. */
  unit: string;
  /** Whether more is better (`req/s`) or less (`ms`, `MB`): how the ratio and the goal are read. */
  better: 'higher' | 'lower';
  /** The baseline measured in the same run, beside it. */
  baseline?: { name: string; value: number };
  /** The goal in words (`>= 0.9x bare`, `< 150 MB`) and whether this run met it. */
  goal?: { text: string; met: boolean };
  /** Anything a reader needs to read the figure (e.g. "median of 3 rounds"). */
  note?: string;
}

/** value / baseline, as measured (so for `ms` above 1 means slower than the baseline). */
export function ratio(row: BenchRow): number | undefined {
  return row.baseline && row.baseline.value !== 0 ? row.value / row.baseline.value : undefined;
}

/** Records `rows` for `npm run bench`'s table; `print: false` for a benchmark that prints its own table. */
export function reportRows(rows: BenchRow[], { print = true }: { print?: boolean } = {}): void {
  const file = process.env.BENCH_RESULTS;
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }
  if (print) console.log(`\n${markdownTable(rows)}\n`);
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const abs = Math.abs(v);
  return abs >= 1000 ? Math.round(v).toLocaleString('en-US') : abs >= 100 ? v.toFixed(0) : abs >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** The one table: bench, measure, value, baseline, ratio, goal. */
export function markdownTable(rows: BenchRow[]): string {
  const lines = ['| bench | measure | value | baseline | ratio | goal |', '|---|---|---:|---|---:|---|'];
  for (const r of rows) {
    const q = ratio(r);
    const baseline = r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)}` : '';
    const goal = r.goal ? `${r.goal.met ? 'met' : '**not met**'}: ${r.goal.text}` : '';
    const note = r.note ? ` (${r.note})` : '';
    lines.push(`| ${r.bench} | ${r.measure}${note} | ${fmt(r.value)} ${r.unit} | ${baseline} | ${q === undefined ? '' : `${q.toFixed(2)}x`} | ${goal} |`);
  }
  return lines.join('\n');
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
