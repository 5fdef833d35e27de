/**
 * Issue 15, item 1: the gateway's read endpoints beside a bare Fastify server returning the same
 * bytes, measured in one run with the servers taking turns (rotating order per round, medians).
 *
 *   gateway              the built api-gateway (dist/) over a private redis-server holding 500
 *                        signals, 50 of them active (~1.3 KB each): every hook, metric and header
 *   gateway, flag        the same, a second process started with BENCH_GATEWAY_FLAGS (V8 flags)
 *   bare, same headers   bench/support/bare-fastify.server.js: one route per path, no hooks,
 *                        answering with the gateway's body and headers for that path, prebuilt:
 *                        the same bytes on the wire (the baseline the goals are read against)
 *   bare                 the same server sending Content-Type only, as this benchmark's first
 *                        runs did: kept so earlier figures stay comparable
 *
 * The servers are pinned to the last CPU and the load generator (autocannon, keep-alive, fixed
 * concurrency, in this process) to the first, where `taskset` exists. Then gzip and br clients on
 * the largest list, and the gateway's RSS after all of it.
 *
 *   npm run build && npm run bench:gateway
 *   env: BENCH_ROUNDS (3), BENCH_SECONDS per case (5), BENCH_CONNECTIONS (32),
 *        BENCH_GATEWAY_FLAGS ('--max-semi-space-size=4'; empty: no second gateway),
 *        BENCH_PROFILE=dir (the gateway runs with --cpu-prof, the profile is written there on exit),
 *        BENCH_PROFILE_PASS=1 (a path with a goal not met: profiled after, see support/profile-pass.ts)
 */
import autocannon from 'autocannon';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedis, waitFor, type ServiceProcess } from '@app/testing';
import { cpuSeconds, pin, rssMb, startBuiltApp, startScript } from './support/bench-process';
import { loadedProcess, profilePassOn, profileSideBySide, PROFILE_SECONDS, goalsToProfile } from './support/profile-pass';
import { median, reportRows, type BenchRow } from './support/results';
import { seedSignals } from './support/signal-fixture';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PROFILE_DIR = process.env.BENCH_PROFILE;

const ROUTES = (process.env.BENCH_ROUTES ?? '/api/signals/latest,/api/signals,/api/signals/history').split(',');
const RSS_GOAL_MB = 150;
/**
 * V8 flags a second gateway process runs with, measured beside the first (empty: not run).
 * `--max-semi-space-size=4` caps V8's young generation at 2 x 4 MB (the default grows to 2 x 16
 * MB under load): the RSS lever, at the price of more frequent scavenges.
 */
const GATEWAY_FLAGS = (process.env.BENCH_GATEWAY_FLAGS ?? '--max-semi-space-size=4').split(' ').filter(Boolean);

interface Run {
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU time per request (user + system): what the server spends, whatever else runs. */
  cpuUs: number;
}

interface Target {
  port: number;
  pid: number;
}

async function load(target: Target, path: string, seconds: number, headers: Record<string, string> = {}): Promise<Run> {
  const cpu0 = cpuSeconds(target.pid);
  const r = await autocannon({ url: `http://127.0.0.1:${target.port}${path}`, connections: CONNECTIONS, duration: seconds, headers });
  const cpu = cpuSeconds(target.pid) - cpu0;
  if (r.errors || r.timeouts || r.non2xx) throw new Error(`${path} on :${target.port}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx`);
  return { rps: r.requests.total / seconds, p50: r.latency.p50, p99: r.latency.p99, cpuUs: (cpu / r.requests.total) * 1e6 };
}

/** Headers Node or Fastify set on every response themselves (or per connection): not copied to the baseline. */
const PER_RESPONSE = new Set(['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

async function startBare(bodies: Record<string, { body: string; headers: Record<string, string> }>, dir: string, mode: 'content-type' | 'same-headers', nodeArgs: string[] = []): Promise<ServiceProcess & { port: number }> {
  const file = join(dir, 'bodies.json');
  writeFileSync(file, JSON.stringify(bodies));
  const port = await freePort();
  const proc = startScript('bench/support/bare-fastify.server.js', [String(port), file, mode], {}, nodeArgs);
  await proc.waitForOutput(/listening/, 30_000);
  return Object.assign(proc, { port });
}

type Who = 'gateway' | 'gateway, flag' | 'bare' | 'bare, same headers';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const redis = await startRedis();
  await seedSignals(redis.url, 500);
  const startGateway = async (nodeArgs: string[]) => {
    const port = await freePort();
    const proc = startBuiltApp('api-gateway', { REDIS_URL: redis.url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SIGNAL_TTL_SECONDS: '3600' }, [
      ...nodeArgs,
      ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
    ]);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.status === 200, { timeoutMs: 30_000, what: 'gateway' });
    return Object.assign(proc, { port });
  };
  const procs: Partial<Record<Who, ServiceProcess & { port: number }>> = {};
  try {
    procs.gateway = await startGateway([]);
    if (GATEWAY_FLAGS.length) procs['gateway, flag'] = await startGateway(GATEWAY_FLAGS);
    const gwPort = procs.gateway.port;
    const bodies: Record<string, { body: string; headers: Record<string, string> }> = {};
    for (const path of ROUTES) {
      const res = await fetch(`http://127.0.0.1:${gwPort}${path}`, { headers: { 'Accept-Encoding': 'identity' } });
      const headers: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        if (!PER_RESPONSE.has(name)) headers[name] = value;
      });
      bodies[path] = { body: await res.text(), headers };
    }
    procs.bare = await startBare(bodies, dir, 'content-type');
    procs['bare, same headers'] = await startBare(bodies, dir, 'same-headers');
    const who = Object.keys(procs) as Who[];
    const lastCpu = cpus().length - 1;
    if (lastCpu > 0) {
      for (const w of who) pin(procs[w]!.process.pid!, lastCpu);
      pin(process.pid, 0);
    }
    const servers = Object.fromEntries(who.map((w) => [w, { port: procs[w]!.port, pid: procs[w]!.process.pid! }])) as Record<Who, Target>;
    console.log(`${ROUNDS} rounds x ${SECONDS} s per case, ${CONNECTIONS} connections; bodies: ${ROUTES.map((p) => `${p} ${Buffer.byteLength(bodies[p].body)} B`).join(', ')}`);
    console.log(`headers the gateway sends on ${ROUTES[0]} (besides ${[...PER_RESPONSE].join(', ')}): ${Object.keys(bodies[ROUTES[0]].headers).join(', ')}`);
    if (GATEWAY_FLAGS.length) console.log(`'gateway, flag': the same gateway started with ${GATEWAY_FLAGS.join(' ')}`);
    for (const path of ROUTES) for (const w of who) await load(servers[w], path, 1); // JIT warm-up

    const runs: Record<string, Record<Who, Run[]>> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const path of ROUTES) {
        runs[path] ??= Object.fromEntries(who.map((w) => [w, []])) as unknown as Record<Who, Run[]>;
        // Each round starts with the next server: every server runs first, last and between.
        const order = who.map((_, i) => who[(i + round) % who.length]);
        for (const w of order) {
          const run = await load(servers[w], path, SECONDS);
          runs[path][w].push(run);
          console.log(`round ${round + 1} ${w.padEnd(18)} ${path.padEnd(22)} ${run.rps.toFixed(0).padStart(7)} req/s  p50 ${run.p50} ms  p99 ${run.p99} ms  ${run.cpuUs.toFixed(1)} us CPU/req`);
        }
      }
    }

    const compressed: Record<string, { run: Run; bytes: number }> = {};
    for (const encoding of ['gzip', 'br']) {
      const res = await fetch(`http://127.0.0.1:${gwPort}/api/signals/history`, { headers: { 'Accept-Encoding': encoding } });
      const bytes = Number(res.headers.get('content-length') ?? NaN);
      await res.arrayBuffer();
      compressed[encoding] = { run: await load(servers.gateway, '/api/signals/history', SECONDS, { 'Accept-Encoding': encoding }), bytes };
    }

    const rss = rssMb(servers.gateway.pid);
    const rssFlag = procs['gateway, flag'] ? rssMb(servers['gateway, flag'].pid) : undefined;
    const rows: BenchRow[] = [];
    const note = `median of ${ROUNDS}, ${CONNECTIONS} connections`;
    const med = (path: string, w: Who, f: (r: Run) => number) => median(runs[path][w].map(f));
    for (const path of ROUTES) {
      const size = `${Math.round(Buffer.byteLength(bodies[path].body) / 1024)} KB`;
      const rps = med(path, 'gateway', (r) => r.rps);
      const p99 = med(path, 'gateway', (r) => r.p99);
      for (const base of ['bare, same headers', 'bare'] as const) {
        const name = base === 'bare' ? 'bare Fastify, Content-Type only' : 'bare Fastify, same headers';
        const bareRps = med(path, base, (r) => r.rps);
        const bareP99 = med(path, base, (r) => r.p99);
        rows.push({ bench: 'gateway', measure: `GET ${path} (${size}) req/s`, value: rps, unit: 'req/s', better: 'higher', baseline: { name, value: bareRps }, goal: { text: '>= 0.9x bare', met: rps >= 0.9 * bareRps }, note });
        rows.push({
          bench: 'gateway',
          measure: `GET ${path} server CPU per request`,
          value: med(path, 'gateway', (r) => r.cpuUs),
          unit: 'us',
          better: 'lower',
          baseline: { name, value: med(path, base, (r) => r.cpuUs) },
          note: 'user + system time of the server process',
        });
        rows.push({
          bench: 'gateway',
          measure: `GET ${path} p99`,
          value: p99,
          unit: 'ms',
          better: 'lower',
          baseline: { name, value: bareP99 },
          // Latencies are whole milliseconds: a 1 ms baseline would make any 2 ms a miss.
          goal: { text: '<= 1.5x bare (+1 ms resolution)', met: p99 <= 1.5 * bareP99 + 1 },
          note,
        });
      }
      if (procs['gateway, flag']) {
        rows.push({
          bench: 'gateway',
          measure: `GET ${path} req/s with ${GATEWAY_FLAGS.join(' ')}`,
          value: med(path, 'gateway, flag', (r) => r.rps),
          unit: 'req/s',
          better: 'higher',
          baseline: { name: 'gateway without it', value: rps },
          note: `${note}; CPU ${med(path, 'gateway, flag', (r) => r.cpuUs).toFixed(1)} us/request against ${med(path, 'gateway', (r) => r.cpuUs).toFixed(1)}`,
        });
      }
    }
    const identity = runs['/api/signals/history'] ? med('/api/signals/history', 'gateway', (r) => r.rps) : NaN;
    for (const [encoding, c] of Object.entries(compressed)) {
      rows.push({
        bench: 'gateway',
        measure: `GET /api/signals/history, Accept-Encoding: ${encoding} (${Math.round(c.bytes / 1024)} KB) req/s`,
        value: c.run.rps,
        unit: 'req/s',
        better: 'higher',
        baseline: { name: 'gateway, identity', value: identity },
        note: `p99 ${c.run.p99} ms, one round`,
      });
    }
    rows.push({ bench: 'gateway', measure: 'gateway RSS after the load', value: rss, unit: 'MB', better: 'lower', goal: { text: `< ${RSS_GOAL_MB} MB`, met: rss < RSS_GOAL_MB } });
    if (rssFlag !== undefined) {
      rows.push({
        bench: 'gateway',
        measure: `gateway RSS after the load, with ${GATEWAY_FLAGS.join(' ')}`,
        value: rssFlag,
        unit: 'MB',
        better: 'lower',
        baseline: { name: 'gateway without it', value: rss },
        goal: { text: `< ${RSS_GOAL_MB} MB`, met: rssFlag < RSS_GOAL_MB },
        note: 'the same load, less the gzip/br runs',
      });
    }
    reportRows(rows);
    if (profilePassOn) {
      for (const path of ROUTES) {
        const goals = goalsToProfile(rows.filter((r) => r.measure.startsWith(`GET ${path} `)));
        const side = (name: string, start: (nodeArgs: string[]) => Promise<ServiceProcess & { port: number }>) =>
          loadedProcess(name, 'request', start, async (s, seconds) => (await load({ port: s.port, pid: s.process.pid! }, path, seconds)).rps * seconds);
        if (goals.length) await profileSideBySide('gateway', goals, `GET ${path}, ${CONNECTIONS} connections (autocannon), ${PROFILE_SECONDS} s each`, [side('gateway', startGateway), side('bare Fastify, same headers', (args) => startBare(bodies, dir, 'same-headers', args))]);
      }
    }
  } finally {
    for (const w of ['bare', 'bare, same headers'] as const) await procs[w]?.kill();
    // SIGINT so a --cpu-prof profile is written on the way out.
    for (const w of ['gateway', 'gateway, flag'] as const) await procs[w]?.kill(PROFILE_DIR ? 'SIGINT' : 'SIGTERM');
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
