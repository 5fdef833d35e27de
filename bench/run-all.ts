/**
 * `npm run bench`: every benchmark in turn (several minutes), then one table of what they
 * measured with each baseline and ratio, printed and written to BENCHMARKS.md (section
 * `summary`) with the machine, the commit, the date and the load average around each benchmark:
 * the machine may be shared, so the ratios to baselines measured in the same run are the figures
 * to read. A benchmark reports its rows with `reportRows()` (bench/support/results.ts); see
 * bench/README.md to add one. Never part of `npm test`.
 *
 * Then, for a goal not met, a profile of it beside its baseline (bench/support/profile-pass.ts),
 * written to the section `profiles`.
 *
 *   npm run bench                         (builds first: the gateway benchmarks run dist/)
 *   BENCH_ONLY=gateway,sse npm run bench  a subset, by name below
 *   BENCH_PROFILE_PASS=0 npm run bench    without the profiles
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeBenchmarkSection } from './support/benchmarks-md';
import { goalsToProfile, type ProfileRecord } from './support/profile-pass';
import { profilesMarkdown } from './support/profiles-md';
import { markdownTable, type BenchRow } from './support/results';

/** Name → script, in the order they run. */
const BENCHES: [string, string][] = [
  ['indicators', 'bench/indicator-libraries.bench.ts'],
  ['pipeline', 'bench/pipeline.bench.ts'],
  ['strategies', 'bench/strategies.bench.ts'],
  ['walk-forward', 'bench/walk-forward.bench.ts'],
  ['gateway', 'bench/gateway.bench.ts'],
  ['sse', 'bench/sse-fanout.bench.ts'],
  ['notifier', 'bench/notifier.bench.ts'],
  ['live', 'bench/live-generator.bench.ts'],
];

const ROOT = join(__dirname, '..');

interface Ran {
  name: string;
  ok: boolean;
  seconds: number;
  loadBefore: number;
  loadAfter: number;
}

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    // BENCHMARKS.md itself does not count: benchmarks rewrite their sections of it as they run.
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!BENCHMARKS.md'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha} with local changes` : sha;
  } catch {
    return 'unknown';
  }
}

function readJsonLines<T>(file: string): T[] {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as T)
    : [];
}

/** The summary's pointer to the profiles: which unmet goals have one. */
function profiledNote(rows: BenchRow[], profiles: ProfileRecord[]): string {
  if (process.env.BENCH_PROFILE_PASS === '0') return 'Unmet goals not profiled (BENCH_PROFILE_PASS=0).';
  const goals = new Set(profiles.flatMap((p) => p.goals.map((g) => `${p.bench}\0${g}`)));
  const unmet = rows.filter((r) => r.goal && !r.goal.met);
  if (!unmet.length) return '';
  const profiled = unmet.filter((r) => goals.has(`${r.bench}\0${goalsToProfile([r])[0]}`));
  const names = (rs: BenchRow[]) => rs.map((r) => `${r.bench}: ${r.measure}${r.baseline ? ` against ${r.baseline.name}` : ''}`).join('; ');
  return (
    `Unmet goals with a profile beside their baseline (section Profiles): ${profiled.length ? names(profiled) : 'none'}` +
    (profiled.length < unmet.length ? `; without one: ${names(unmet.filter((r) => !profiled.includes(r)))}.` : '.')
  );
}

function main(): void {
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  const selected = BENCHES.filter(([name, script]) => (!only || only.includes(name)) && existsSync(join(ROOT, script)));
  const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
  const file = join(dir, 'rows.jsonl');
  const profilesFile = join(dir, 'profiles.jsonl');
  const profilePass = process.env.BENCH_PROFILE_PASS ?? '1';
  const ran: Ran[] = [];
  const started = new Date();
  const revision = commit();
  try {
    for (const [name, script] of selected) {
      process.stdout.write(`\n=== ${name}: ${script}\n`);
      const loadBefore = loadavg()[0];
      const t0 = performance.now();
      const r = spawnSync(process.execPath, ['-r', '@swc-node/register', join(ROOT, script)], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, BENCH_RESULTS: file, BENCH_PROFILE_PASS: profilePass, BENCH_PROFILES: profilesFile } });
      ran.push({ name, ok: r.status === 0, seconds: (performance.now() - t0) / 1000, loadBefore, loadAfter: loadavg()[0] });
    }
    const rows = readJsonLines<BenchRow>(file);
    const profiles = readJsonLines<ProfileRecord>(profilesFile);
    const cpu = cpus();
    const md = [
      '## Summary: `npm run bench`',
      '',
      `Machine: ${cpu.length} vCPU ${cpu[0]?.model.trim() ?? ''}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, ${process.platform}; ` +
        `commit ${revision}; ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
      '',
      'Load average (1 min) around each benchmark (the machine may be shared; read the ratios to the baselines measured in the same run): ' +
        ran.map((r) => `${r.name} ${r.loadBefore.toFixed(1)} -> ${r.loadAfter.toFixed(1)} (${Math.round(r.seconds)} s${r.ok ? '' : ', FAILED'})`).join('; ') +
        '.',
      '',
      'Ratio is value / baseline as measured: above 1 is better for rates (req/s, candles/s), worse for times and sizes (ms, s, MB).',
      '',
      markdownTable(rows),
      '',
      profiledNote(rows, profiles),
    ].join('\n');
    const profilesMd = profilesMarkdown(profiles, { commit: revision, date: started.toISOString().slice(0, 16).replace('T', ' ') });
    process.stdout.write(`\n${md}\n`);
    if (profilePass !== '0') process.stdout.write(`\n${profilesMd}\n`);
    if (!only) {
      writeBenchmarkSection('summary', md);
      if (profilePass !== '0') writeBenchmarkSection('profiles', profilesMd);
    }
    else process.stdout.write('\n(BENCH_ONLY: BENCHMARKS.md left as it was)\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (ran.some((r) => !r.ok)) process.exit(1);
}

main();
