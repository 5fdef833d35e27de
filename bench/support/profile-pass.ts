/**
 * The profiling pass: after a benchmark's measured rounds, for a goal it did not meet, what it
 * measured and its baseline run once more each under `--cpu-prof` with the same load for a few
 * seconds, and the two profiles are summarised side by side: the difference is what the gap is
 * made of. A pass of its own because the profiler's sampling costs CPU and would distort the
 * measured rounds.
 *
 * On with BENCH_PROFILE_PASS=1 (or `all`: met goals too); `npm run bench` sets it unless BENCH_PROFILE_PASS=0, and sets
 * BENCH_PROFILES, the file the summaries go to (JSON lines) for its `profiles` section.
 * BENCH_PROFILE_SECONDS (8): the load's length per side.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceProcess } from '@app/testing';
import { cpuSeconds, pin } from './bench-process';
import { formatSummary, summarizeProfile, type CpuProfile, type ProfileSummary } from './cpu-profile-summary';
import { ratio, type BenchRow } from './results';

export const profilePassOn = process.env.BENCH_PROFILE_PASS === '1' || process.env.BENCH_PROFILE_PASS === 'all';
export const PROFILE_SECONDS = Number(process.env.BENCH_PROFILE_SECONDS ?? 8);
const ROOT = join(__dirname, '..', '..');

/** One profiled comparison, as `npm run bench` gets it. */
export interface ProfileRecord {
  bench: string;
  /** The unmet goals this profile is for, in words. */
  goals: string[];
  /** The load both sides ran, in words. */
  load: string;
  sides: ProfiledRun[];
}

export interface ProfiledRun {
  name: string;
  summary: ProfileSummary;
  /** The load's length. */
  seconds: number;
  /** The process's CPU (user + system, all threads) per unit of work over the load, when the side counted them. */
  perUnit?: { unit: string; cpuUs: number };
}

/**
 * When the load ran, on the profile's clock (monotonic µs): the summary leaves out the start-up.
 * With the process's pid and the work done (requests, events), also its CPU per unit of work.
 */
export class LoadWindow {
  fromUs = -Infinity;
  toUs = Infinity;
  perUnit?: { unit: string; cpuUs: number };
  private cpuFrom = NaN;
  /** Again later (a load with its own warm-up) moves the start. */
  begin(pid?: number): void {
    this.fromUs = Number(process.hrtime.bigint() / 1000n);
    if (pid) this.cpuFrom = cpuSeconds(pid);
  }
  end(done?: { pid: number; units: number; unit: string }): void {
    this.toUs = Number(process.hrtime.bigint() / 1000n);
    if (done && done.units > 0) this.perUnit = { unit: done.unit, cpuUs: ((cpuSeconds(done.pid) - this.cpuFrom) / done.units) * 1e6 };
  }
}

export interface ProfiledSide {
  name: string;
  /**
   * Starts this side with `nodeArgs` (the profiler's flags), runs the load between
   * `window.begin()` and `window.end()`, and stops the process (SIGTERM or SIGINT: either way
   * the profile is written on the way out) before it resolves.
   */
  run(nodeArgs: string[], window: LoadWindow): Promise<void>;
}

/**
 * The usual side: a server process started with `start`, pinned to the last CPU like the measured
 * rounds' servers, warmed up for a second (the JIT; `warmUp: false` for a load that warms up
 * itself: it may call `window.begin()` again where its measure starts), then `drive`n for
 * PROFILE_SECONDS; `drive` resolves with the number of `unit`s (requests, events) it served in
 * the window.
 */
export function loadedProcess<T extends ServiceProcess>(
  name: string,
  unit: string,
  start: (nodeArgs: string[]) => Promise<T>,
  drive: (server: T, seconds: number, window: LoadWindow) => Promise<number>,
  { warmUp = true }: { warmUp?: boolean } = {},
): ProfiledSide {
  return {
    name,
    async run(nodeArgs, window) {
      const server = await start(nodeArgs);
      const pid = server.process.pid!;
      try {
        if (cpus().length > 1) pin(pid, cpus().length - 1);
        if (warmUp) await drive(server, 1, new LoadWindow());
        window.begin(pid);
        const units = await drive(server, PROFILE_SECONDS, window);
        window.end({ pid, units, unit });
      } finally {
        await server.kill();
      }
    },
  };
}

/**
 * The goals among `rows` to profile, in words: `not met: GET /x req/s: 0.65x bare Fastify, same
 * headers (goal >= 0.9x bare)`. The unmet ones; every one with BENCH_PROFILE_PASS=all (to see
 * the margin of a goal met, or to check the pass itself).
 */
export function goalsToProfile(rows: BenchRow[]): string[] {
  return rows
    .filter((r) => r.goal && (!r.goal.met || process.env.BENCH_PROFILE_PASS === 'all'))
    .map((r) => {
      const q = ratio(r);
      const against = r.baseline ? `${q === undefined ? '' : `${q.toFixed(2)}x `}${r.baseline.name}` : `${r.value.toFixed(1)} ${r.unit}`;
      return `${r.goal!.met ? 'met' : 'not met'}: ${r.measure}: ${against} (goal ${r.goal!.text})`;
    });
}

/**
 * Runs each side once under the profiler, one after the other, and reports the two summaries.
 * A failure is printed, not thrown: the benchmark's measured figures stand without a profile.
 */
export async function profileSideBySide(bench: string, goals: string[], load: string, sides: ProfiledSide[]): Promise<void> {
  try {
    await profileEach(bench, goals, load, sides);
  } catch (err) {
    console.error(`profile pass, ${bench} (${load}) failed, no profile: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function profileEach(bench: string, goals: string[], load: string, sides: ProfiledSide[]): Promise<void> {
  const record: ProfileRecord = { bench, goals, load, sides: [] };
  for (const side of sides) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
    try {
      const window = new LoadWindow();
      await side.run(['--cpu-prof', `--cpu-prof-dir=${dir}`], window);
      const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error(`${bench}, ${side.name}: no profile written in ${dir}`);
      const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
      const from = Math.max(window.fromUs, profile.startTime);
      const to = Math.min(window.toUs, profile.endTime);
      const summary = summarizeProfile(profile, { root: ROOT, window: { fromUs: from, toUs: to } });
      record.sides.push({ name: side.name, summary, seconds: (to - from) / 1e6, ...(window.perUnit ? { perUnit: window.perUnit } : {}) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`\nprofile, ${bench}: ${load}`);
  for (const s of record.sides) console.log(`-- ${s.name} (${s.seconds.toFixed(1)} s${s.perUnit ? `, ${s.perUnit.cpuUs.toFixed(0)} us CPU per ${s.perUnit.unit}` : ''})\n${formatSummary(s.summary)}`);
  if (process.env.BENCH_PROFILES) appendFileSync(process.env.BENCH_PROFILES, `${JSON.stringify(record)}\n`);
}
