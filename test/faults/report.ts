/** The fault suite's table, printed and written to RELIABILITY.md. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { totalDuplicated, totalLost, type WindowCounts } from './checker';

export interface Row {
  fault: string;
  note?: string;
  counts: WindowCounts;
  recoveryMs?: number;
  recovers: boolean;
  failures: string[];
  seconds: number;
}

function lostCell(c: WindowCounts): string {
  const n = totalLost(c);
  if (!n) return '0';
  return `**${n}** (${Object.entries(c.lost).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ')})`;
}

function duplicatedCell(c: WindowCounts): string {
  const n = totalDuplicated(c);
  const base = n ? `**${n}** (${Object.entries(c.duplicated).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ')})` : '0';
  return c.inFlightRepeats ? `${base}; ${c.inFlightRepeats} in-flight Telegram repeat${c.inFlightRepeats === 1 ? '' : 's'} (documented bound)` : base;
}

function recoveryCell(r: Row): string {
  if (!r.recovers) return '-';
  return r.recoveryMs === undefined ? '**none**' : `${(r.recoveryMs / 1000).toFixed(1)} s`;
}

export function formatTable(rows: readonly Row[], passed: (r: Row) => boolean): string {
  const lines = ['| fault | signals | lost | duplicated | recovery | result |', '|---|---|---|---|---|---|'];
  for (const r of rows) {
    const fault = r.note ? `${r.fault}: ${r.note}` : r.fault;
    lines.push(`| ${fault} | ${r.counts.signals} | ${lostCell(r.counts)} | ${duplicatedCell(r.counts)} | ${recoveryCell(r)} | ${passed(r) ? 'pass' : 'FAIL'} |`);
  }
  return lines.join('\n');
}

function tryRun(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export interface Totals {
  signals: number;
  opened: number;
  closed: number;
  messages: number;
  sseConnections: number;
}

export function writeReport(root: string, rows: readonly Row[], passed: (r: Row) => boolean, totals: Totals, seconds: number): string {
  const commit = tryRun('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  const dirty = tryRun('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no']) ? ' (with uncommitted changes)' : '';
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} at the end (shared with other work); Node ${process.version}; ${tryRun('redis-server', ['--version']).split(' ').slice(0, 3).join(' ')}`;
  const failed = rows.filter((r) => !passed(r)).length;
  const text = `# Reliability: the fault suite's latest full run

Written by \`npm run test:faults -- --write\` (test/faults/run.ts); \`npm test\` runs the same suite
without writing this file.

- Date: ${new Date().toISOString()}
- Commit: ${commit}${dirty}
- Machine: ${machine}
- Run: ${seconds.toFixed(0)} s; ${rows.length - failed} scenarios passed, ${failed} failed
- Totals: ${totals.signals} signals published, ${totals.opened} positions opened and ${totals.closed} closed, ${totals.messages} Telegram messages to 3 chats, ${totals.sseConnections} SSE connections (reconnections with Last-Event-ID included)

${formatTable(rows, passed)}

## What runs

A private \`redis-server\` with AOF, \`appendfsync everysec\` as docker-compose.yml deploys it (a
kill -9 of the Redis process loses nothing Redis acknowledged: each write reaches the kernel before
the reply goes out; the fsync second matters only when the machine itself dies). Every service
reaches it through a TCP proxy that can black-hole or cut connections. The services run as
separate built processes: the signal-generator replaying the shipped BTCUSDT and ETHUSDT candles
at x900 with a loose consensus (a few signals a second), the api-gateway with \`API_KEY\` set, two
notifiers and two position-closers. A fake Telegram Bot API takes the messages of three chats (two
private, one group), answering each call after 80 ms as a real call takes (the notifiers' limits
are raised against it, and \`TELEGRAM_TIMEOUT_MS\` is 3 s, so a dead sender's chat lock expires
after 4.5 s rather than 15). The checker reads \`signals\`, \`market\` and \`positions\` straight from Redis,
polls \`/api/signals/history\`, holds an SSE connection (reconnecting with \`Last-Event-ID\`), and
reads every message the fake accepted.

## What each column means

- **signals**: signals the generator published while the row ran (from just before the fault to a
  few signals after the recovery).
- **lost**: a signal of the row never served by REST, never streamed over SSE, missing in a chat,
  a position the closers should have opened or closed (an independent replay of the same signals
  and candles, \`replayPositions\`) that they did not, or a closed position with no report in a chat.
- **duplicated**: the same (symbol, timeframe, candle time) published twice (a generator restart
  must not re-signal), a signal listed twice by REST, streamed twice over SSE, in a chat twice, or
  a position opened or closed twice. Telegram repeats within the notifier's documented bound
  (apps/notifier/README.md, "kill -9, and the one window that remains": at most the one message per
  chat in flight when a notifier dies or Redis fails under it) are shown apart and allowed; any
  other repeat is a duplicate.
- **recovery**: from the end of the fault (the restart, Redis back, the proxy restored, the
  storm over) until every service is ready and a signal published after it has been served by
  REST, streamed over SSE and sent to every chat.

## The rows

- **kill -9 <service>, restarted**: SIGKILL mid-stream; the others go on (a few signals pass
  without it), then the same service restarts on the same port and consumer name.
- **Redis SIGTERM / kill -9**: redis-server stopped (cleanly, or killed), 3 s without Redis, then
  restarted on the same port and data directory (the kill -9 one from its AOF).
- **black hole**: every connection through the proxy, open and new, stops forwarding without
  closing for 6 s, then everything held is delivered.
- **half-dead connections**: every connection open through the proxy stops forwarding and stays
  open (no FIN, no RST) while new ones pass; nothing ends the fault, each service must notice its
  hung connections and replace them (recovery counted from the freeze).
- **cut storm**: every connection through the proxy cut 12 times, 0.4 s apart.
- **Telegram 429 / 5xx storm**: every sendMessage refused for 5 s (429 with \`retry_after\` 1, or
  500 and 502 in turn).
- **malformed entries**: four bad entries (no data field, data not JSON, JSON of no entry's
  shape, a signal valid in every field but with \`metadata\` nested 20,000 deep) written into every stream of \`STREAMS\` (libs/contracts names.ts), between real entries;
  each stream's readers must count and skip all four (\`stream_malformed_entries_total\`) while
  their neighbours are delivered.
- **HTTP fuzz**: the gateway's seeded fast-check requests (apps/api-gateway/test/http-fuzz.cases.ts:
  methods, percent-encoded, double-slash, dot-segment and mixed-case paths, headers, bodies,
  content types) against the running gateway with \`API_KEY\` set, while signals flow: no 5xx,
  every error body \`{status:"error", message}\`, no stack trace or path, no signal data or SSE
  stream without the key, and no 2xx without the key on any route under \`/api\` (other than
  \`/api/health\`) whatever its encoding.
`;
  const path = join(root, 'RELIABILITY.md');
  writeFileSync(path, text);
  return path;
}
