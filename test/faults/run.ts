/**
 * `npm run test:faults`: the pipeline as separate processes (generator replaying steadily,
 * gateway, 2 notifiers, 2 closers) on a private Redis with AOF reached through a TCP proxy, a fake
 * Bot API with three chats, an SSE client and a checker counting every signal end to end. Each
 * fault strikes the running system in turn; each row asserts 0 lost and 0 duplicated.
 *
 * Prints the table and `faults: N passed, M failed` (N, M: scenarios); exits non-zero on a
 * failure. `-- --write` also writes RELIABILITY.md from the run. Stops everything it started,
 * on failure, on Ctrl-C, and when the watchdog fires.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STREAMS } from '@app/contracts';
import { waitFor } from '@app/testing';
import { countWindow, inWindow, lastSignalId, readStreams, Sinks, totalDuplicated, totalLost, type StreamState, type WindowCounts } from './checker';
import { formatTable, writeReport, type Row } from './report';
import { SCENARIOS, type FaultContext, type Scenario } from './scenarios';
import { API_KEY, CHATS, FaultStack } from './stack';

const ROOT = resolve(__dirname, '..', '..');
/** The whole run is bounded: a hung service fails the run instead of CI. */
const WATCHDOG_MS = 6 * 60_000;
/** From the end of a fault to every service ready and a new signal everywhere. */
const RECOVERY_BOUND_MS = 60_000;
/** For the signals of a window to reach every sink once the fault is over. */
const DELIVERY_BOUND_MS = 45_000;
/** Signals published after each fault's recovery, part of its row. */
const NEIGHBOURS = 8;

let stack: FaultStack | undefined;
let sinks: Sinks | undefined;

async function stopAll(): Promise<void> {
  sinks?.close();
  await stack?.stop();
}

function ensureBuilt(): void {
  const apps = ['api-gateway', 'notifier', 'position-closer', 'signal-generator'];
  if (apps.every((a) => existsSync(join(ROOT, 'dist', 'apps', a, 'src', 'main.js')))) return;
  process.stdout.write('faults: building the services (npm run build)\n');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

function messagesByChat(s: FaultStack) {
  return new Map(CHATS.map((c) => [c, s.tg.messagesFor(c)] as const));
}

/** Every service ready and a signal published after `since` served on REST and SSE and sent to every chat. */
async function recovered(s: FaultStack, k: Sinks, since: number): Promise<boolean> {
  const fresh = [...k.rest.keys()].filter((id) => Number(id.split('-')[0]) >= since).slice(0, 5);
  const through = fresh.some((id) => {
    const ts = k.timestamps.get(id)!;
    return k.sse.has(id) && CHATS.every((c) => s.tg.messagesFor(c).some((m) => m.text.includes(ts)));
  });
  return through && (await s.allReady());
}

async function runScenario(s: FaultStack, k: Sinks, scenario: Scenario): Promise<{ from: string; to: string; row: Row }> {
  const ctx: FaultContext = {
    stack: s,
    sinks: k,
    async morePublished(n, timeoutMs = 20_000) {
      const base = await s.direct.xlen(STREAMS.signals);
      await waitFor(async () => (await s.direct.xlen(STREAMS.signals)) >= base + n, { timeoutMs, intervalMs: 100, what: `${n} more signals` });
    },
  };
  const from = await lastSignalId(s.direct);
  const started = Date.now();
  const failures: string[] = [];
  let note: string | undefined;
  let recoveryMs: number | undefined;
  try {
    const outcome = await scenario.run(ctx);
    note = outcome.note;
    failures.push(...(outcome.failures ?? []));
    if (scenario.recovers) {
      await waitFor(() => recovered(s, k, outcome.endedAt), { timeoutMs: RECOVERY_BOUND_MS, intervalMs: 100, what: 'every service ready and a new signal everywhere' });
      recoveryMs = Date.now() - outcome.endedAt;
    }
    // Neighbours: the pipeline goes on after the fault, and the row counts enough signals.
    await ctx.morePublished(NEIGHBOURS, 30_000);
  } catch (err) {
    failures.push((err as Error).message);
  }
  const to = await lastSignalId(s.direct);
  let counts: WindowCounts | undefined;
  await waitFor(
    async () => {
      const state = await readStreams(s.direct);
      counts = countWindow(state, k, messagesByChat(s), inWindow(state.signals, from, to), scenario.faultEvents);
      return totalLost(counts) === 0;
    },
    { timeoutMs: DELIVERY_BOUND_MS, intervalMs: 1000, what: 'the window delivered' },
  ).catch(() => {
    // Late is a failure too (a stall), even if everything arrives before the final count.
    failures.push(`not all delivered within ${DELIVERY_BOUND_MS / 1000} s of the fault: ${counts!.details.slice(0, 8).join('; ')}`);
  });
  const row: Row = { fault: scenario.name, note, counts: counts!, recoveryMs, recovers: scenario.recovers, failures, seconds: (Date.now() - started) / 1000 };
  return { from, to, row };
}

function passed(row: Row): boolean {
  return row.failures.length === 0 && row.counts.signals > 0 && totalLost(row.counts) === 0 && totalDuplicated(row.counts) === 0;
}

async function main(): Promise<number> {
  const write = process.argv.includes('--write');
  const startedAt = Date.now();
  ensureBuilt();
  process.stdout.write('faults: starting Redis (AOF), the proxy, the fake Bot API and 6 services\n');
  stack = await FaultStack.start();
  const s = stack;
  sinks = new Sinks(() => s.url('api-gateway'), API_KEY);
  const k = sinks;
  k.start();
  // Flowing before the first fault: signals on every sink.
  await waitFor(() => recovered(s, k, 0), { timeoutMs: 60_000, intervalMs: 200, what: 'the first signal everywhere' });
  process.stdout.write(`faults: pipeline flowing after ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);

  const windows: { from: string; to: string; scenario: Scenario; row: Row }[] = [];
  for (const scenario of SCENARIOS) {
    const { from, to, row } = await runScenario(s, k, scenario);
    windows.push({ from, to, scenario, row });
    process.stdout.write(`faults: ${passed(row) ? 'ok  ' : 'FAIL'} ${scenario.name} (${row.seconds.toFixed(1)} s)\n`);
    for (const f of row.failures) process.stdout.write(`        ${f}\n`);
    for (const d of row.counts.details.slice(0, 5)) process.stdout.write(`        ${d}\n`);
  }

  // Counted again at the end: a repeat that came late still counts against its row.
  const final: StreamState = await readStreams(s.direct);
  for (const w of windows) w.row.counts = countWindow(final, k, messagesByChat(s), inWindow(final.signals, w.from, w.to), w.scenario.faultEvents);
  const rows = windows.map((w) => w.row);
  const totals = {
    signals: final.signals.length,
    opened: final.events.filter((e) => e.type === 'opened').length,
    closed: final.events.filter((e) => e.type === 'closed').length,
    messages: s.tg.messages.length,
    sseConnections: k.sseConnections,
  };
  const seconds = (Date.now() - startedAt) / 1000;
  const failedRows = rows.filter((r) => !passed(r));
  for (const r of failedRows) {
    const names = r.fault.startsWith('kill -9 ') ? [r.fault.split(' ')[2]] : [];
    for (const n of names) if (s.services.has(n)) process.stdout.write(`${s.output(n)}\n`);
  }
  process.stdout.write(`\n${formatTable(rows, passed)}\n`);
  process.stdout.write(
    `\n${totals.signals} signals, ${totals.opened} positions opened, ${totals.closed} closed, ${totals.messages} Telegram messages to ${CHATS.length} chats, ${totals.sseConnections} SSE connections; ${seconds.toFixed(0)} s\n`,
  );
  await stopAll();
  if (write) {
    const path = writeReport(ROOT, rows, passed, totals, seconds);
    process.stdout.write(`faults: wrote ${path}\n`);
  }
  process.stdout.write(`faults: ${rows.length - failedRows.length} passed, ${failedRows.length} failed\n`);
  return failedRows.length ? 1 : 0;
}

const watchdog = setTimeout(() => {
  process.stdout.write(`faults: still running after ${WATCHDOG_MS / 60_000} min; stopping everything\nfaults: 0 passed, 1 failed\n`);
  void stopAll().finally(() => process.exit(1));
}, WATCHDOG_MS);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stdout.write(`faults: ${signal}, stopping everything\n`);
    void stopAll().finally(() => process.exit(130));
  });
}

main().then(
  async (code) => {
    clearTimeout(watchdog);
    await stopAll();
    process.exit(code);
  },
  async (err: Error) => {
    clearTimeout(watchdog);
    process.stdout.write(`faults: ${err.stack ?? err.message}\n`);
    await stopAll().catch(() => undefined);
    process.stdout.write('faults: 0 passed, 1 failed\n');
    process.exit(1);
  },
);
