/**
 * Issue 15, item 5: the whole market on one process. The built signal-generator, live
 * (MARKET_SOURCE=binance), reads a local fake Binance (bench/support/burst-binance.server.ts, in
 * this process) serving 100, 200 and 400 symbols and writes to a private redis-server. Each run
 * has two phases on the same process: Binance's own rates (a forming kline every 250 ms per
 * symbol, the closes of every symbol spread over one second at each minute's end), then 10x
 * (a "minute" every 6 s, updates every 25 ms, the closes within 100 ms).
 *
 * Measured per phase: close -> XADD latency (the `market` entry's stream id time, Redis's clock
 * in ms, minus the time the fake handed the closed frame to its socket) p50/p99/max; the
 * process's CPU (user + system, /proc) per wall second; RSS at the end; event-loop delay p99
 * and max (the generator's prom-client nodejs_eventloop_lag_*; the relay measures itself the
 * same way); and whether it keeps up: every candle of a minute on the stream before the next
 * minute's closes start. Baseline in the same run, taking turns with it (alternating order per
 * round, the same fake server settings): a bare ws -> XADD relay (bench/support/bare-ws-relay.server.js).
 * The process measured is pinned to the last CPU and this one to the first where `taskset` exists.
 *
 *   npm run build && npm run bench:live
 *   env: BENCH_LIVE_SYMBOLS (100,200,400), BENCH_ROUNDS (2), BENCH_LIVE_REAL_CANDLES (2) and
 *        BENCH_LIVE_FAST_CANDLES (8): minutes per phase, BENCH_PROFILE=dir (the generator runs
 *        with --cpu-prof on the largest size; the profile is written there),
 *        BENCH_LIVE_BEFORE=<dist dir> (an earlier build beside, see BEFORE),
 *        BENCH_PROFILE_PASS=1 (unmet goals at 400 symbols: profiled after, see support/profile-pass.ts)
 */
import Redis from 'ioredis';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { STREAMS } from '@app/contracts';
import { freePort, startNodeScript, startRedis, waitFor, type ServiceProcess, type TestRedis } from '@app/testing';
import { loadRows, type FixtureRow } from '../apps/signal-generator/test/fixtures/binance/kline-fixture';
import { BurstBinance, type MarketPhase } from './support/burst-binance.server';
import { cpuSeconds, pin, rssMb, startBuiltApp, startScript } from './support/bench-process';
import { LoadWindow, PROFILE_SECONDS, profilePassOn, profileSideBySide, goalsToProfile, type ProfiledSide } from './support/profile-pass';
import { median, reportRows, type BenchRow } from './support/results';
import { writeBenchmarkSection } from './support/benchmarks-md';

const SIZES = (process.env.BENCH_LIVE_SYMBOLS ?? '100,200,400').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const REAL_CANDLES = Number(process.env.BENCH_LIVE_REAL_CANDLES ?? 2);
const FAST_CANDLES = Number(process.env.BENCH_LIVE_FAST_CANDLES ?? 8);
const PROFILE_DIR = process.env.BENCH_PROFILE;
/**
 * BENCH_LIVE_BEFORE=<dist dir>: an earlier build of the generator (e.g. the branch point's, built
 * with `swc apps libs -d <dir>` from `git archive`, node_modules linked beside it) run as a third
 * target, taking turns with the two others: before/after in the same run.
 */
const BEFORE = process.env.BENCH_LIVE_BEFORE;
/** The fixtures' 120 real minutes: the first 60 are the REST warm-up, the rest go live. */
const HISTORY_ROWS = 60;
/** The first live close comes this long after the market starts (forming updates flow meanwhile). */
const LEAD_MS = 5_000;
const PHASES: { name: string; speed: number; candles: number }[] = [
  { name: 'real rate', speed: 1, candles: REAL_CANDLES },
  { name: '10x rate', speed: 10, candles: FAST_CANDLES },
].filter((p) => p.candles > 0);

type Who = 'generator' | 'generator before' | 'bare relay';

interface PhaseResult {
  p50: number;
  p99: number;
  max: number;
  /** CPU seconds per wall second over the phase. */
  cpu: number;
  /**
   * CPU ms per closed candle, the forming updates in between included: what the work costs,
   * whatever else the machine runs (the latencies and the share of a core swing with the load).
   */
  cpuMsPerCandle: number;
  /** Candles of a minute still not on the stream when the next minute's closes started (max). */
  behind: number;
  candles: number;
}

interface Run {
  phases: PhaseResult[];
  rssMb: number;
  lagP99: number;
  lagMax: number;
  connections: number;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Two real markets (BTC and ETH) taken in turn, under made-up names. */
function markets(n: number): Record<string, FixtureRow[]> {
  const btc = loadRows('BTCUSDT');
  const eth = loadRows('ETHUSDT');
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`S${String(i).padStart(3, '0')}USDT`, i % 2 ? eth : btc]));
}

async function startTarget(who: Who, redis: TestRedis, fake: BurstBinance, symbols: string[], nodeArgs: string[]): Promise<{ proc: ServiceProcess; metricsUrl?: string }> {
  if (who === 'bare relay') {
    const proc = startScript('bench/support/bare-ws-relay.server.js', [redis.url, fake.wsBaseUrl, symbols.join(','), STREAMS.market], {}, nodeArgs);
    await proc.waitForOutput(/relaying/, 30_000);
    return { proc };
  }
  const port = await freePort();
  const start = (env: Record<string, string>, nodeArgs: string[]) =>
    who === 'generator before' ? startNodeScript(join(BEFORE!, 'apps', 'signal-generator', 'src', 'main.js'), env, who, [], nodeArgs) : startBuiltApp('signal-generator', env, nodeArgs);
  const proc = start(
    {
      REDIS_URL: redis.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      MARKET_SOURCE: 'binance',
      SYMBOLS: symbols.join(','),
      TICK_SIZES: symbols.map((s, i) => `${s}:${i % 2 ? '0.01' : '0.1'}`).join(','),
      LIVE_WARMUP_CANDLES: String(HISTORY_ROWS),
      BINANCE_WS_URL: fake.wsBaseUrl,
      BINANCE_REST_URL: fake.restBaseUrl,
    },
    nodeArgs,
  );
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.status === 200, { timeoutMs: 120_000, what: 'generator ready' });
  return { proc, metricsUrl: `http://127.0.0.1:${port}/metrics` };
}

/** The generator's event-loop delay since the last scrape (prom-client resets it per scrape), in ms. */
async function generatorLag(metricsUrl: string): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const read = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { p99: read('nodejs_eventloop_lag_p99_seconds'), max: read('nodejs_eventloop_lag_max_seconds') };
}

async function relayLag(proc: ServiceProcess): Promise<{ p99: number; max: number }> {
  const before = proc.output().length;
  proc.process.kill('SIGUSR2');
  await waitFor(() => /lag p50=\S+ p99=(\S+) max=(\S+)/.test(proc.output().slice(before)), { timeoutMs: 10_000, what: 'relay lag line' });
  const m = /lag p50=\S+ p99=(\S+) max=(\S+)/.exec(proc.output().slice(before))!;
  return { p99: Number(m[1]), max: Number(m[2]) };
}

/**
 * One target on a fresh market of `n` symbols; `nodeArgs` e.g. `--cpu-prof`, `phases` (PHASES)
 * what the market plays, `window` marked around it (the profile pass).
 */
async function run(who: Who, n: number, nodeArgs: string[] = [], phaseList = PHASES, window?: LoadWindow): Promise<Run> {
  const redis = await startRedis();
  const client = new Redis(redis.url);
  const all = markets(n);
  const symbols = Object.keys(all);
  const fake = await BurstBinance.start({ markets: all, historyRows: HISTORY_ROWS });
  let target: { proc: ServiceProcess; metricsUrl?: string } | undefined;
  try {
    target = await startTarget(who, redis, fake, symbols, nodeArgs);
    const { proc, metricsUrl } = target;
    const pid = proc.process.pid!;
    if (cpus().length > 1) pin(pid, cpus().length - 1);
    await waitFor(() => fake.connectedStreams === n, { timeoutMs: 30_000, what: `${who}: ${n} streams subscribed` });
    // Starts the event-loop measure afresh.
    if (metricsUrl) await generatorLag(metricsUrl);
    else await relayLag(proc);

    // The stream id of each candle entry, by symbol and open time (read as it comes).
    const xaddAt = new Map<string, number>();
    let last = '0-0';
    const read = async () => {
      for (;;) {
        const entries = await client.xrange(STREAMS.market, `(${last}`, '+', 'COUNT', 2000);
        for (const [id, fields] of entries) {
          last = id;
          const e = JSON.parse(fields[fields.indexOf('data') + 1]) as { kind?: string; symbol?: string; open_time?: number };
          if (e.kind === 'candle') xaddAt.set(`${e.symbol}@${e.open_time}`, Number(id.slice(0, id.indexOf('-'))));
        }
        if (entries.length < 2000) return;
      }
    };

    const phases: MarketPhase[] = phaseList.map((p) => ({ speed: p.speed, candles: p.candles }));
    window?.begin(pid);
    fake.startMarket(phases, LEAD_MS);
    // Phase edges: the market's start (the lead included); half a minute of the next phase before
    // its first closes (the previous phase's last burst has long been handled by then); the end.
    // CPU is read as each edge passes.
    const edges = [Date.now()];
    let first = 0;
    for (const phase of phaseList.slice(0, -1)) {
      first += phase.candles;
      const next = fake.candles[first];
      edges.push(next ? next.burstStart - 30_000 / next.speed : Infinity);
    }
    const cpuAt = [cpuSeconds(pid)];
    const expected = fake.candles.length * n;
    let rss = 0;
    await waitFor(
      async () => {
        while (cpuAt.length < edges.length && Date.now() >= edges[cpuAt.length]) cpuAt.push(cpuSeconds(pid));
        rss = Math.max(rss, rssMb(pid));
        await read();
        return fake.finished && xaddAt.size >= expected;
      },
      { timeoutMs: fake.candles.at(-1)!.burstStart - Date.now() + 120_000, intervalMs: 50, what: `${who}, ${n} symbols: every candle on the stream` },
    );
    const end = Date.now();
    window?.end({ pid, units: fake.closed.length, unit: 'closed candle' });
    while (cpuAt.length < edges.length) cpuAt.push(cpuSeconds(pid));
    cpuAt.push(cpuSeconds(pid));
    edges.push(end);
    const lag = metricsUrl ? await generatorLag(metricsUrl) : await relayLag(proc);
    rss = Math.max(rss, rssMb(pid));

    const results: PhaseResult[] = [];
    let firstCandle = 0;
    phaseList.forEach((phase, p) => {
      const candles = fake.candles.slice(firstCandle, firstCandle + phase.candles);
      const sent = fake.closed.filter((c) => c.candle >= firstCandle && c.candle < firstCandle + candles.length);
      const latencies = sent.map((c) => xaddAt.get(`${c.symbol}@${c.openTime}`)! - c.sentAt);
      let behind = 0;
      candles.forEach((_, j) => {
        const next = fake.candles[firstCandle + j + 1]?.burstStart ?? end;
        behind = Math.max(behind, sent.filter((c) => c.candle === firstCandle + j && xaddAt.get(`${c.symbol}@${c.openTime}`)! >= next).length);
      });
      results.push({
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: Math.max(...latencies),
        cpu: (cpuAt[p + 1] - cpuAt[p]) / ((edges[p + 1] - edges[p]) / 1000),
        cpuMsPerCandle: ((cpuAt[p + 1] - cpuAt[p]) * 1000) / sent.length,
        behind,
        candles: sent.length,
      });
      firstCandle += candles.length;
    });
    return { phases: results, rssMb: rss, lagP99: lag.p99, lagMax: lag.max, connections: Math.ceil(n / 200) };
  } finally {
    // SIGTERM: the generator (stopOnSignals) and the relay (process.exit) both end normally on
    // it, so a --cpu-prof profile is written on the way out (the relay has no SIGINT handler).
    await target?.proc.kill();
    client.disconnect();
    await fake.close();
    await redis.stop();
  }
}

function fmtRun(r: Run): string {
  const ph = r.phases.map((p, i) => `${PHASES[i].name}: p50 ${p.p50} p99 ${p.p99} max ${p.max} ms, CPU ${(p.cpu * 100).toFixed(1)} % (${p.cpuMsPerCandle.toFixed(2)} ms/candle), behind ${p.behind}`).join(' | ');
  return `${ph} | RSS ${r.rssMb.toFixed(0)} MB, lag p99 ${r.lagP99.toFixed(1)} max ${r.lagMax.toFixed(1)} ms`;
}

/**
 * The profile pass (support/profile-pass.ts) for unmet goals at 400 symbols (the goals' size):
 * the generator and the relay once more each under --cpu-prof, on a short market at 10x (the
 * lead's forming updates, then about BENCH_PROFILE_SECONDS of 6 s minutes, at least two).
 */
async function profileUnmetGoals(rows: BenchRow[]): Promise<void> {
  const goals = goalsToProfile(rows.filter((r) => r.measure.startsWith('400 symbols,')));
  // At least two closes: with one, the market is the lead's forming updates and a single burst.
  const phases = [{ name: '10x rate', speed: 10, candles: Math.max(2, Math.ceil(PROFILE_SECONDS / 6)) }];
  const side = (who: Who): ProfiledSide => ({ name: who, run: async (nodeArgs, window) => void (await run(who, 400, nodeArgs, phases, window)) });
  const load = `400 symbols at 10x: ${LEAD_MS / 1000} s of forming updates, then ${phases[0].candles} closes of every symbol 6 s apart`;
  if (goals.length) await profileSideBySide('live', goals, load, [side('generator'), side('bare relay')]);
}

async function main(): Promise<void> {
  if (cpus().length > 1) pin(process.pid, 0);
  console.log(`sizes ${SIZES.join(', ')} symbols; ${ROUNDS} round(s); ${REAL_CANDLES} minute(s) at the real rate then ${FAST_CANDLES} at 10x per run`);
  const runs = new Map<string, Run[]>();
  const key = (who: Who, n: number) => `${who}:${n}`;
  const targets: Who[] = BEFORE ? ['generator', 'generator before', 'bare relay'] : ['generator', 'bare relay'];
  if (BEFORE) console.log(`'generator before': ${BEFORE}`);
  for (let round = 0; round < ROUNDS; round++) {
    for (const n of SIZES) {
      // Each round starts with the next target: every one runs first, last and between.
      for (const who of targets.map((_, i) => targets[(i + round) % targets.length])) {
        const profile = PROFILE_DIR !== undefined && who === 'generator' && n === Math.max(...SIZES) && round === 0;
        const r = await run(who, n, profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []);
        runs.set(key(who, n), [...(runs.get(key(who, n)) ?? []), r]);
        console.log(`round ${round + 1} ${String(n).padStart(3)} symbols ${who.padEnd(16)} ${fmtRun(r)}`);
      }
    }
  }

  const rows: BenchRow[] = [];
  const detail: string[] = [];
  for (const n of SIZES) {
    const gen = runs.get(key('generator', n))!;
    const rel = runs.get(key('bare relay', n))!;
    const med = (rs: Run[], f: (r: Run) => number) => median(rs.map(f));
    const base = (name: string, f: (r: Run) => number) => ({ bench: 'live', baseline: { name: 'bare ws->XADD relay', value: med(rel, f) }, measure: name });
    const note = `median of ${ROUNDS}`;
    PHASES.forEach((phase, p) => {
      const p99 = med(gen, (r) => r.phases[p].p99);
      const relP99 = med(rel, (r) => r.phases[p].p99);
      const keptUp = gen.every((r) => r.phases[p].behind === 0);
      const main400 = n === 400;
      rows.push(
        { ...base(`${n} symbols, ${phase.name}, close -> XADD p50`, (r) => r.phases[p].p50), value: med(gen, (r) => r.phases[p].p50), unit: 'ms', better: 'lower', note },
        {
          ...base(`${n} symbols, ${phase.name}, close -> XADD p99`, (r) => r.phases[p].p99),
          value: p99,
          unit: 'ms',
          better: 'lower',
          note,
          ...(main400 && phase.speed === 1 ? { goal: { text: '<= 2x relay and < 50 ms', met: p99 <= 2 * relP99 && p99 < 50 } } : {}),
        },
        {
          ...base(`${n} symbols, ${phase.name}, CPU per closed candle (forming updates included)`, (r) => r.phases[p].cpuMsPerCandle),
          value: med(gen, (r) => r.phases[p].cpuMsPerCandle),
          unit: 'ms',
          better: 'lower',
          note,
        },
      );
      // Keeping up is what the 10x phase is for; the real rate's count is in the runs' section.
      if (phase.speed !== 1) {
        rows.push(
          {
            ...base(`${n} symbols, ${phase.name}, candles of a minute not on the stream when the next minute closes (worst)`, (r) => r.phases[p].behind),
            value: Math.max(...gen.map((r) => r.phases[p].behind)),
            unit: 'candles',
            better: 'lower',
            note: `worst of ${ROUNDS}`,
            ...(main400 && phase.speed === 10 ? { goal: { text: 'keeps up at 10x (0 behind)', met: keptUp } } : {}),
          },
        );
      }
    });
    if (BEFORE) {
      const was = runs.get(key('generator before', n))!;
      PHASES.forEach((phase, p) => {
        const row = (measure: string, f: (r: Run) => number) =>
          rows.push({ bench: 'live', measure: `${n} symbols, ${phase.name}, ${measure}, against the build before`, value: med(gen, f), unit: 'ms', better: 'lower', baseline: { name: 'generator before', value: med(was, f) }, note });
        row('close -> XADD p50', (r) => r.phases[p].p50);
        row('close -> XADD p99', (r) => r.phases[p].p99);
        row('CPU per closed candle', (r) => r.phases[p].cpuMsPerCandle);
      });
    }
    rows.push(
      { ...base(`${n} symbols, RSS (max over the run)`, (r) => r.rssMb), value: med(gen, (r) => r.rssMb), unit: 'MB', better: 'lower', note },
      { ...base(`${n} symbols, event-loop delay p99 (over the run)`, (r) => r.lagP99), value: med(gen, (r) => r.lagP99), unit: 'ms', better: 'lower', note },
      { ...base(`${n} symbols, event-loop delay max (over the run)`, (r) => r.lagMax), value: med(gen, (r) => r.lagMax), unit: 'ms', better: 'lower', note },
    );
    for (const [who, rs] of [['generator', gen], ['generator before', runs.get(key('generator before', n)) ?? []], ['bare relay', rel]] as const) rs.forEach((r, i) => detail.push(`| ${n} | ${who} | ${i + 1} | ${fmtRun(r)} |`));
  }
  reportRows(rows);
  if (profilePassOn) await profileUnmetGoals(rows);
  writeBenchmarkSection(
    'live-generator-runs',
    [
      '### Live generator: every run of the last `npm run bench:live`',
      '',
      `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${REAL_CANDLES} minute(s) at the real rate, then ${FAST_CANDLES} at 10x, per run; latencies in ms (1 ms resolution: the stream id's time).`,
      '',
      '| symbols | process | round | figures |',
      '|---:|---|---:|---|',
      ...detail,
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
