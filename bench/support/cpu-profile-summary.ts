/**
 * A V8 .cpuprofile (what `node --cpu-prof` writes) read down to what a reader of BENCHMARKS.md
 * needs: where the busy samples went, by function (self time) and by category (our code, each
 * node_modules package, Node's internals, GC). Shares are of the non-idle samples, so a process
 * that waited half the time and one that never waited compare on the work they did.
 *
 *   node -r @swc-node/register bench/support/cpu-profile-summary.ts file.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

/** The part of V8's Profiler.Profile this reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number } }[];
  /** Microseconds, V8's monotonic clock (CLOCK_MONOTONIC on Linux, as `process.hrtime`). */
  startTime: number;
  endTime: number;
  /** The node id on top of the stack at each sample. */
  samples: number[];
  /** Microseconds since the previous sample (the first: since startTime). */
  timeDeltas: number[];
}

export interface ProfileSummary {
  samples: number;
  /** Samples that were not `(idle)`: the denominator of every share below. */
  busy: number;
  /** Top functions by self samples, the same function's nodes merged. */
  functions: { name: string; where: string; share: number }[];
  /** Every category, largest first. */
  categories: { name: string; share: number }[];
}

export interface SummaryOptions {
  /** How many functions to list (default 10). */
  top?: number;
  /** Only samples taken in this window (monotonic µs, as `process.hrtime.bigint() / 1000n`): the load, without the start-up. */
  window?: { fromUs: number; toUs: number };
  /** The repository root, cut from file paths (default: none). */
  root?: string;
}

const SPECIAL = new Set(['(idle)', '(garbage collector)', '(program)', '(root)']);

/** `fastify`, `@nestjs/core`: the package a node_modules path is in (the innermost one). */
function packageOf(url: string): string | undefined {
  const at = url.lastIndexOf('/node_modules/');
  if (at < 0) return undefined;
  const parts = url.slice(at + '/node_modules/'.length).split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

function relative(url: string, root: string | undefined): string {
  const path = url.replace(/^file:\/\//, '');
  const at = path.lastIndexOf('/node_modules/');
  if (at >= 0) return path.slice(at + '/node_modules/'.length);
  const inside = root && path.startsWith(`${root.replace(/\/$/, '')}/`) ? path.slice(root.replace(/\/$/, '').length + 1) : path;
  // Built code runs from dist/; the reader knows the sources by their own paths.
  return inside.replace(/^dist\//, '');
}

/** The category of one call frame: a special V8 entry, a package, Node's own code, ours by folder. */
export function categoryOf(functionName: string, url: string, root?: string): string {
  if (SPECIAL.has(functionName)) return functionName;
  if (url === '') return '(V8 builtins, native)';
  if (url.startsWith('node:')) return 'node: internals';
  const pkg = packageOf(url);
  if (pkg) return pkg;
  const path = relative(url, root);
  const m = /^(apps|libs)\/([^/]+)\//.exec(path) ?? /^(bench)\/([^/]+)/.exec(path);
  return m ? `${m[1]}/${m[2]}` : 'other';
}

export function summarizeProfile(profile: CpuProfile, options: SummaryOptions = {}): ProfileSummary {
  const { top = 10, window, root } = options;
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const selfByFunction = new Map<string, { name: string; where: string; samples: number }>();
  const byCategory = new Map<string, number>();
  let samples = 0;
  let idle = 0;
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (window && (t < window.fromUs || t > window.toUs)) return;
    const frame = byId.get(id);
    if (!frame) return;
    samples++;
    if (frame.functionName === '(idle)') {
      idle++;
      return;
    }
    const category = categoryOf(frame.functionName, frame.url, root);
    byCategory.set(category, (byCategory.get(category) ?? 0) + 1);
    const key = `${frame.functionName}\0${frame.url}\0${frame.lineNumber}\0${frame.columnNumber ?? 0}`;
    const entry = selfByFunction.get(key) ?? {
      name: frame.functionName || '(anonymous)',
      // V8's line numbers start at 0.
      where: frame.url ? `${relative(frame.url, root)}:${frame.lineNumber + 1}` : '',
      samples: 0,
    };
    entry.samples++;
    selfByFunction.set(key, entry);
  });
  const busy = samples - idle;
  const share = (n: number) => (busy ? n / busy : 0);
  return {
    samples,
    busy,
    functions: [...selfByFunction.values()]
      .sort((a, b) => b.samples - a.samples)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, share: share(f.samples) })),
    categories: [...byCategory.entries()].sort((a, b) => b[1] - a[1]).map(([name, n]) => ({ name, share: share(n) })),
  };
}

export const percent = (share: number): string => `${(share * 100).toFixed(1)} %`;

/** Plain text, for the CLI and a benchmark's log. */
export function formatSummary(s: ProfileSummary): string {
  return [
    `${s.samples} samples, ${s.busy} busy (${percent(s.samples ? s.busy / s.samples : 0)}); shares of the busy samples:`,
    ...s.functions.map((f) => `  ${percent(f.share).padStart(7)}  ${f.name}  ${f.where}`),
    'by category:',
    ...s.categories.map((c) => `  ${percent(c.share).padStart(7)}  ${c.name}`),
  ].join('\n');
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node -r @swc-node/register bench/support/cpu-profile-summary.ts file.cpuprofile [top]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(formatSummary(summarizeProfile(profile, { top: top ? Number(top) : 10, root: process.cwd() })));
}
