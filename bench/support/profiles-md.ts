import { percent } from './cpu-profile-summary';
import type { ProfiledRun, ProfileRecord } from './profile-pass';

/** Categories under this share on both sides are summed into one line. */
const MINOR = 0.01;

const cell = (s: string) => s.replace(/\|/g, '\\|');
const cpu = (us: number) => (us >= 10_000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(0)} µs`);

/** One profiled comparison: the unmet goals, the two top lists side by side, the category split. */
function recordMarkdown(r: ProfileRecord): string {
  const [a, b] = r.sides;
  const head = (s: ProfiledRun) =>
    `${s.name} (${s.seconds.toFixed(1)} s, ${s.summary.samples ? percent(s.summary.busy / s.summary.samples) : 'n/a'} busy${s.perUnit ? `, ${cpu(s.perUnit.cpuUs)} CPU per ${s.perUnit.unit}` : ''})`;
  // A share times the CPU per unit: where each side's CPU per request goes, comparable across the two.
  const cost = (s: ProfiledRun, sh: number) => (s.perUnit ? ` | ${cpu(sh * s.perUnit.cpuUs)}` : '');
  const costHead = (s: ProfiledRun) => (s.perUnit ? ` | CPU per ${s.perUnit.unit}` : '');
  const costAlign = (s: ProfiledRun) => (s.perUnit ? '|---:' : '');
  const fn = (f?: { name: string; where: string; share: number }) => (f ? [`\`${cell(f.name)}\` ${cell(f.where)}`, percent(f.share)] : ['', '']);
  const rows = Math.max(a.summary.functions.length, b.summary.functions.length);
  const share = (s: ProfiledRun, name: string) => s.summary.categories.find((c) => c.name === name)?.share ?? 0;
  const names = [...new Set([...a.summary.categories, ...b.summary.categories].map((c) => c.name))].sort((x, y) => share(a, y) + share(b, y) - share(a, x) - share(b, x));
  const major = names.filter((n) => share(a, n) >= MINOR || share(b, n) >= MINOR);
  const minor = names.filter((n) => !major.includes(n));
  const sum = (s: ProfiledRun) => minor.reduce((t, n) => t + share(s, n), 0);
  return [
    `### ${r.bench}: ${r.load}`,
    '',
    ...r.goals.map((g) => `- ${g}`),
    '',
    `Self time, share of the busy samples (idle left out):`,
    '',
    `| # | ${head(a)} | | ${head(b)} | |`,
    '|---:|---|---:|---|---:|',
    ...Array.from({ length: rows }, (_, i) => `| ${i + 1} | ${[...fn(a.summary.functions[i]), ...fn(b.summary.functions[i])].join(' | ')} |`),
    '',
    `| category | ${a.name}${costHead(a)} | ${b.name}${costHead(b)} |`,
    `|---|---:${costAlign(a)}|---:${costAlign(b)}|`,
    ...major.map((n) => `| ${cell(n)} | ${percent(share(a, n))}${cost(a, share(a, n))} | ${percent(share(b, n))}${cost(b, share(b, n))} |`),
    ...(minor.length ? [`| others under ${percent(MINOR)} (${minor.length}) | ${percent(sum(a))}${cost(a, sum(a))} | ${percent(sum(b))}${cost(b, sum(b))} |`] : []),
  ].join('\n');
}

/** BENCHMARKS.md's `profiles` section: one comparison per profiled goal. */
export function profilesMarkdown(records: ProfileRecord[], header: { commit: string; date: string }): string {
  return [
    '## Profiles: the goals `npm run bench` did not meet',
    '',
    `Commit ${header.commit}; ${header.date} UTC. After its measured rounds, each benchmark ran what it measures and its baseline once more each under ` +
      '`--cpu-prof`, with the same load, for a few seconds (start-up and warm-up left out), one after the other on the same CPU; ' +
      '`bench/support/cpu-profile-summary.ts` read them. Shares are of the busy (non-idle) samples; CPU per unit is that share of the ' +
      'process\'s CPU (user + system, /proc) per unit over the same seconds. Paths are the built files (dist/ cut off); lines start at 1.',
    '',
    ...(records.length ? records.map(recordMarkdown) : ['Every goal was met: nothing profiled.']).join('\n\n').split('\n'),
  ].join('\n');
}
