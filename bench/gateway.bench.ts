/**
 * Issue 15, item 1: the gateway's read endpoints beside a bare Fastify server returning the same
 * bytes, measured in one run with the two servers taking turns (alternating rounds, medians).
 *
 *   gateway        the built api-gateway (dist/) over a private redis-server holding 500 signals,
 *                  50 of them active (~1.3 KB each): every hook, metric and header of production
 *   bare Fastify   bench/support/bare-fastify.server.js: one route per path, no hooks, answering
 *                  with the gateway's bytes for that path prebuilt in a Buffer
 *
 * Both servers are pinned to the last CPU and the load generator (autocannon, keep-alive, fixed
 * concurrency, in this process) to the first, where `taskset` exists. Then gzip and br clients on
 * the largest list, and the gateway's RSS after all of it.
 *
 *   npm run build && npm run bench:gateway
 *   env: BENCH_ROUNDS (3), BENCH_SECONDS per case (5), BENCH_CONNECTIONS (32),
 *        BENCH_PROFILE=dir (the gateway runs with --cpu-prof, the profile is written there on exit)
 */
import autocannon from 'autocannon';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedis, waitFor, type ServiceProcess } from '@app/testing';
import { cpuSeconds, pin, rssMb, startBuiltApp, startScript } from './support/bench-process';
import { median, reportRows, type BenchRow } from './support/results';
import { seedSignals } from './support/signal-fixture';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PROFILE_DIR = process.env.BENCH_PROFILE;

const ROUTES = (process.env.BENCH_ROUTES ?? '/api/signals/latest,/api/signals,/api/signals/history').split(',');
const RSS_GOAL_MB = 150;

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

async function startBare(bodies: Record<string, string>, dir: string): Promise<{ proc: ServiceProcess; port: number }> {
  const file = join(dir, 'bodies.json');
  writeFileSync(file, JSON.stringify(bodies));
  const port = await freePort();
  const proc = startScript('bench/support/bare-fastify.server.js', [String(port), file]);
  await proc.waitForOutput(/listening/, 30_000);
  return { proc, port };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const redis = await startRedis();
  const gwPort = await freePort();
  await seedSignals(redis.url, 500);
  const gateway = startBuiltApp(
    'api-gateway',
    { REDIS_URL: redis.url, PORT: String(gwPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SIGNAL_TTL_SECONDS: '3600' },
    PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
  );
  let bare: { proc: ServiceProcess; port: number } | undefined;
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${gwPort}/api/health`).catch(() => null))?.status === 200, { timeoutMs: 30_000, what: 'gateway' });
    const bodies: Record<string, string> = {};
    for (const path of ROUTES) bodies[path] = await (await fetch(`http://127.0.0.1:${gwPort}${path}`, { headers: { 'Accept-Encoding': 'identity' } })).text();
    bare = await startBare(bodies, dir);
    const lastCpu = cpus().length - 1;
    if (lastCpu > 0) {
      pin(gateway.process.pid!, lastCpu);
      pin(bare.proc.process.pid!, lastCpu);
      pin(process.pid, 0);
    }
    const servers = { gateway: { port: gwPort, pid: gateway.process.pid! }, bare: { port: bare.port, pid: bare.proc.process.pid! } };
    console.log(`${ROUNDS} rounds x ${SECONDS} s per case, ${CONNECTIONS} connections; bodies: ${ROUTES.map((p) => `${p} ${Buffer.byteLength(bodies[p])} B`).join(', ')}`);
    for (const path of ROUTES) for (const target of Object.values(servers)) await load(target, path, 1); // JIT warm-up

    const runs: Record<string, Record<'gateway' | 'bare', Run[]>> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const path of ROUTES) {
        runs[path] ??= { gateway: [], bare: [] };
        const order = round % 2 ? (['bare', 'gateway'] as const) : (['gateway', 'bare'] as const);
        for (const who of order) {
          const run = await load(servers[who], path, SECONDS);
          runs[path][who].push(run);
          console.log(`round ${round + 1} ${who.padEnd(8)} ${path.padEnd(22)} ${run.rps.toFixed(0).padStart(7)} req/s  p50 ${run.p50} ms  p99 ${run.p99} ms  ${run.cpuUs.toFixed(1)} us CPU/req`);
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

    const rss = rssMb(gateway.process.pid!);
    const rows: BenchRow[] = [];
    const note = `median of ${ROUNDS}, ${CONNECTIONS} connections`;
    for (const path of ROUTES) {
      const g = runs[path].gateway;
      const b = runs[path].bare;
      const rps = median(g.map((r) => r.rps));
      const bareRps = median(b.map((r) => r.rps));
      const p99 = median(g.map((r) => r.p99));
      const bareP99 = median(b.map((r) => r.p99));
      const size = `${Math.round(Buffer.byteLength(bodies[path]) / 1024)} KB`;
      rows.push({
        bench: 'gateway',
        measure: `GET ${path} (${size}) req/s`,
        value: rps,
        unit: 'req/s',
        better: 'higher',
        baseline: { name: 'bare Fastify', value: bareRps },
        goal: { text: '>= 0.9x bare', met: rps >= 0.9 * bareRps },
        note,
      });
      rows.push({
        bench: 'gateway',
        measure: `GET ${path} server CPU per request`,
        value: median(g.map((r) => r.cpuUs)),
        unit: 'us',
        better: 'lower',
        baseline: { name: 'bare Fastify', value: median(b.map((r) => r.cpuUs)) },
        note: 'user + system time of the server process',
      });
      rows.push({
        bench: 'gateway',
        measure: `GET ${path} p99`,
        value: p99,
        unit: 'ms',
        better: 'lower',
        baseline: { name: 'bare Fastify', value: bareP99 },
        // Latencies are whole milliseconds: a 1 ms baseline would make any 2 ms a miss.
        goal: { text: '<= 1.5x bare (+1 ms resolution)', met: p99 <= 1.5 * bareP99 + 1 },
        note,
      });
    }
    const identity = median(runs['/api/signals/history'].gateway.map((r) => r.rps));
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
    reportRows(rows);
  } finally {
    await bare?.proc.kill();
    // SIGINT so a --cpu-prof profile is written on the way out.
    await gateway.kill(PROFILE_DIR ? 'SIGINT' : 'SIGTERM');
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
