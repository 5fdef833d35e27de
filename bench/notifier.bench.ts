/**
 * Issue 15, "Done when": the notifier at 200 signals/s. Signals are XADDed at a steady rate to a
 * fresh redis-server; the built notifier (one chat, Telegram's limits raised so they do not
 * bind) delivers them to the fake Bot API of the notifier's tests, in this process. Measured per
 * signal: XADD -> the message carrying it (a message or a digest line) accepted by the fake, p50
 * and p99, and the notifier's CPU per signal. Baseline in the same run, taking turns: a bare relay
 * (bench/support/bare-relay.server.js: XREAD, one POST per signal, no queue, no bookkeeping).
 * The services are pinned to the last CPU and this process to the first where `taskset` exists.
 *
 *   npm run build && npm run bench:notifier
 *   env: BENCH_NOTIFIER_RATE signals/s (200), BENCH_SECONDS of sending per run (10), BENCH_ROUNDS (1),
 *        BENCH_PROFILE=dir (the notifier runs with --cpu-prof, the profile is written there),
 *        BENCH_NOTIFIER_BEFORE=<dist dir> (an earlier build beside, see BEFORE),
 *        BENCH_MONITOR=1 (prints the commands each service sends, per signal: see watchRoundTrips)
 */
import Redis from 'ioredis';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { encodeEntry, GROUPS, MicrosClock, STREAMS } from '@app/contracts';
import { ensureGroup } from '@app/redis-streams';
import { freePort, startNodeScript, startRedis, waitFor, type ServiceProcess, type TestRedis } from '@app/testing';
import { startFakeTelegram, type FakeTelegram } from '../apps/notifier/test/fixtures/fake-telegram.server';
import { markersIn } from '../apps/notifier/test/fixtures/signals';
import { cpuSeconds, pin, startBuiltApp, startScript } from './support/bench-process';
import { median, reportRows, type BenchRow } from './support/results';
import { benchSignal } from './support/signal-fixture';

const RATE = Number(process.env.BENCH_NOTIFIER_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const TOKEN = '7357735773:AAF-bench_token_for_the_fake_bot_api_01';
const CHAT = '1001';
const PROFILE_DIR = process.env.BENCH_PROFILE;
const MONITOR = process.env.BENCH_MONITOR === '1';
/**
 * BENCH_NOTIFIER_BEFORE=<dist dir>: an earlier build of the notifier (e.g. main's, built with
 * `swc apps libs -d <dir>` from `git archive`) run as a third target, taking turns with the
 * two others: before/after in the same run.
 */
const BEFORE = process.env.BENCH_NOTIFIER_BEFORE;

interface Run {
  p50: number;
  p99: number;
  /** Signals per second delivered, first XADD to last delivery. */
  throughput: number;
  cpuMsPerSignal: number;
  messages: number;
  /** Redis commands per signal (INFO commandstats), and the busiest ones. */
  redisPerSignal: number;
  topCommands: string;
}

async function commandCalls(client: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const m of (await client.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(m[1], Number(m[2]));
  return calls;
}

type Who = 'notifier' | 'notifier before' | 'bare relay';

/**
 * BENCH_MONITOR=1: what the service sends Redis, one count per command a client sent (scripts
 * by their first key, so BullMQ's and the notifier's own are told apart), not the commands the
 * scripts run inside. MONITOR slows Redis down: diagnosis only, not for the figures.
 */
async function watchRoundTrips(client: Redis): Promise<{ report: (signals: number) => string }> {
  const counts = new Map<string, number>();
  const connection = client.duplicate();
  const monitor = await connection.monitor();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source.startsWith('lua')) return;
    const cmd = args[0].toLowerCase();
    if (cmd === 'xadd' || cmd === 'info') return;
    const key = cmd === 'evalsha' ? `evalsha ${args[3]?.replace(/[0-9]{6,}(-[0-9]+)?/g, '<n>')}` : cmd;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  return {
    report: (signals) => {
      monitor.disconnect();
      connection.disconnect();
      return [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 20)
        .map(([k, n]) => `  ${(n / signals).toFixed(2)} ${k}`)
        .join('\n');
    },
  };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function startTarget(who: Who, redis: TestRedis, tg: FakeTelegram, nodeArgs: string[]): Promise<ServiceProcess> {
  if (who === 'bare relay') {
    const proc = startScript('bench/support/bare-relay.server.js', [redis.url, STREAMS.signals, tg.url, TOKEN, CHAT]);
    await proc.waitForOutput(/relaying/, 30_000);
    return proc;
  }
  const port = await freePort();
  const env = {
    REDIS_URL: redis.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    CONSUMER_NAME: 'bench',
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_CHAT_IDS: CHAT,
    TELEGRAM_API_URL: tg.url,
    TELEGRAM_COMMANDS: 'off',
    // Raised so Telegram's limits do not bind: what is measured is the notifier's own cost.
    TELEGRAM_GLOBAL_RATE: '100000',
    TELEGRAM_CHAT_RATE_PER_SEC: '100000',
    TELEGRAM_GROUP_RATE_PER_MIN: '1000000',
    TELEGRAM_RATE_MARGIN_MS: '0',
  };
  const proc =
    who === 'notifier before' ? startNodeScript(join(BEFORE!, 'apps', 'notifier', 'src', 'main.js'), env, 'notifier before', [], nodeArgs) : startBuiltApp('notifier', env, nodeArgs);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200, { timeoutMs: 30_000, what: 'notifier healthy' });
  return proc;
}

async function run(who: Who): Promise<Run> {
  const redis = await startRedis();
  const client = new Redis(redis.url);
  const tg = await startFakeTelegram({ token: TOKEN });
  let proc: ServiceProcess | undefined;
  try {
    // As the signal-generator does before its first XADD.
    await ensureGroup(client, STREAMS.signals, GROUPS.notifier);
    await ensureGroup(client, STREAMS.positions, GROUPS.notifier);
    proc = await startTarget(who, redis, tg, PROFILE_DIR && who === 'notifier' ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []);
    if (cpus().length > 1) pin(proc.process.pid!, cpus().length - 1);
    const pid = proc.process.pid!;
    const sentAt = new Map<string, number>();
    const deliveredAt = new Map<string, number>();
    let scanned = 0;
    const scan = () => {
      for (; scanned < tg.messages.length; scanned++) {
        const m = tg.messages[scanned];
        for (const marker of markersIn(m.text)) if (!deliveredAt.has(marker)) deliveredAt.set(marker, m.at);
      }
    };
    const clock = new MicrosClock();
    const total = RATE * SECONDS;
    const monitor = MONITOR ? await watchRoundTrips(client) : undefined;
    const calls0 = await commandCalls(client);
    const cpu0 = cpuSeconds(pid);
    const start = Date.now();
    for (let sent = 0; sent < total; ) {
      // Every signal due by now, each stamped when it is sent: a steady RATE per second.
      const due = Math.min(total, Math.floor(((Date.now() - start) / 1000) * RATE) + 1);
      const p = client.pipeline();
      for (; sent < due; sent++) {
        const s = benchSignal(clock, sent);
        sentAt.set(s.timestamp, Date.now());
        p.xadd(STREAMS.signals, '*', ...encodeEntry(s));
      }
      await p.exec();
      scan();
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(
      () => {
        scan();
        return deliveredAt.size >= total;
      },
      { timeoutMs: 120_000, intervalMs: 20, what: `${who}: ${total} signals delivered` },
    );
    const cpu = cpuSeconds(pid) - cpu0;
    if (monitor) console.log(`${who}: commands sent per signal (round trips; a script by its first key):\n${monitor.report(total)}`);
    const calls = await commandCalls(client);
    // This process's own XADDs (one per signal, sent in plain pipelines: no MULTI) and its INFO
    // probes are not the service's; the service's MULTI/EXEC are (a transaction is two commands
    // and a round trip more than its contents).
    const own = (cmd: string) => (cmd === 'xadd' ? total : 0);
    const used = [...calls]
      .filter(([cmd]) => cmd !== 'info')
      .map(([cmd, n]) => [cmd, n - (calls0.get(cmd) ?? 0) - own(cmd)] as const)
      .filter(([, n]) => n > 0);
    used.sort((a, b) => b[1] - a[1]);
    const latencies = [...sentAt].map(([marker, at]) => deliveredAt.get(marker)! - at);
    const last = Math.max(...deliveredAt.values());
    return {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      throughput: total / ((last - start) / 1000),
      cpuMsPerSignal: (cpu / total) * 1000,
      messages: tg.messages.length,
      redisPerSignal: used.reduce((n, [, c]) => n + c, 0) / total,
      topCommands: used.slice(0, 10).map(([cmd, n]) => `${cmd} ${(n / total).toFixed(2)}`).join(', '),
    };
  } finally {
    // SIGINT so a --cpu-prof profile is written on the way out.
    await proc?.kill(PROFILE_DIR ? 'SIGINT' : 'SIGTERM');
    client.disconnect();
    await tg.close();
    await redis.stop();
  }
}

async function main(): Promise<void> {
  if (cpus().length > 1) pin(process.pid, 0);
  console.log(`${RATE} signals/s for ${SECONDS} s per run, one chat, ${ROUNDS} round(s)`);
  const runs: Record<Who, Run[]> = { notifier: [], 'notifier before': [], 'bare relay': [] };
  const targets: Who[] = BEFORE ? ['notifier', 'notifier before', 'bare relay'] : ['notifier', 'bare relay'];
  if (BEFORE) console.log(`'notifier before': ${BEFORE}`);
  for (let round = 0; round < ROUNDS; round++) {
    // Each round starts with the next target: every one runs first, last and between.
    for (const who of targets.map((_, i) => targets[(i + round) % targets.length])) {
      const r = await run(who);
      runs[who].push(r);
      console.log(
        `round ${round + 1} ${who.padEnd(15)} p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  ${r.throughput.toFixed(0)} signals/s  CPU ${r.cpuMsPerSignal.toFixed(2)} ms/signal  ${r.messages} messages  Redis ${r.redisPerSignal.toFixed(1)}/signal (${r.topCommands})`,
      );
    }
  }
  const med = (who: Who, f: (r: Run) => number) => median(runs[who].map(f));
  const note = `${RATE} signals/s for ${SECONDS} s, one chat, median of ${ROUNDS}`;
  const rows: BenchRow[] = [
    { bench: 'notifier', measure: 'XADD -> Bot API accepted p50', value: med('notifier', (r) => r.p50), unit: 'ms', better: 'lower', baseline: { name: 'bare relay', value: med('bare relay', (r) => r.p50) }, note },
    { bench: 'notifier', measure: 'XADD -> Bot API accepted p99', value: med('notifier', (r) => r.p99), unit: 'ms', better: 'lower', baseline: { name: 'bare relay', value: med('bare relay', (r) => r.p99) }, note },
    { bench: 'notifier', measure: 'CPU per signal', value: med('notifier', (r) => r.cpuMsPerSignal), unit: 'ms', better: 'lower', baseline: { name: 'bare relay', value: med('bare relay', (r) => r.cpuMsPerSignal) }, note },
    { bench: 'notifier', measure: 'Redis commands per signal', value: med('notifier', (r) => r.redisPerSignal), unit: 'cmds', better: 'lower', baseline: { name: 'bare relay', value: med('bare relay', (r) => r.redisPerSignal) }, note },
    { bench: 'notifier', measure: 'messages sent (digests carry several signals)', value: med('notifier', (r) => r.messages), unit: 'msgs', better: 'lower', baseline: { name: 'bare relay', value: med('bare relay', (r) => r.messages) }, note },
  ];
  if (BEFORE) {
    const before = (f: (r: Run) => number) => median(runs['notifier before'].map(f));
    const was = (measure: string, unit: string, f: (r: Run) => number) =>
      rows.push({ bench: 'notifier', measure: `${measure}, against the build before this change`, value: med('notifier', f), unit, better: 'lower', baseline: { name: 'notifier before', value: before(f) }, note });
    was('XADD -> Bot API accepted p50', 'ms', (r) => r.p50);
    was('XADD -> Bot API accepted p99', 'ms', (r) => r.p99);
    was('CPU per signal', 'ms', (r) => r.cpuMsPerSignal);
    was('Redis commands per signal', 'cmds', (r) => r.redisPerSignal);
  }
  reportRows(rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
