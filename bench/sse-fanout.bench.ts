/**
 * Issue 15, item 6: SSE fan-out. N clients on one gateway (`GET /api/signals/stream`) beside a
 * bare Node SSE server (bench/support/bare-sse.server.js: node:http, one XREAD loop, one frame
 * written to every connection) reading the same Redis stream: the time from XADD to the last
 * client receiving the event, p50 and p99 over the events, the server's CPU per event and its RSS.
 *
 * The clients are raw sockets in forked processes (bench/support/sse-clients.worker.ts), pinned
 * with this process to the first CPU where `taskset` exists; the servers to the last. The servers
 * take turns (the order alternates per client count, and per round within one). Each event is
 * sent once every client has the previous one. With several rounds, p50 and p99 are over the
 * events of all rounds, CPU per event is the median round's, RSS the last round's.
 *
 *   npm run build && npm run bench:sse
 *   env: BENCH_SSE_CLIENTS (100,1000,5000,10000), BENCH_SSE_EVENTS per run (30),
 *        BENCH_SSE_ROUNDS runs of each server per client count (1): more on a busy machine,
 *        BENCH_SSE_GATEWAY_FLAGS node flags for the gateway only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`,
 *        BENCH_PROFILE_PASS=1 (unmet goals at 5,000 clients: profiled after, see support/profile-pass.ts)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Redis from 'ioredis';
import { encodeEntry, MicrosClock, STREAMS } from '@app/contracts';
import { freePort, startRedis, waitFor, type ServiceProcess } from '@app/testing';
import { cpuSeconds, pin, rssMb, startBuiltApp, startScript } from './support/bench-process';
import { loadedProcess, profilePassOn, profileSideBySide, goalsToProfile } from './support/profile-pass';
import { reportRows, type BenchRow } from './support/results';
import { benchSignal } from './support/signal-fixture';

const CLIENTS = (process.env.BENCH_SSE_CLIENTS ?? '100,1000,5000,10000').split(',').map(Number);
const EVENTS = Number(process.env.BENCH_SSE_EVENTS ?? 30);
const GATEWAY_FLAGS = (process.env.BENCH_SSE_GATEWAY_FLAGS ?? '').split(' ').filter(Boolean);
const ROUNDS = Number(process.env.BENCH_SSE_ROUNDS ?? 1);
const WARM_UP_EVENTS = 3;
const PER_WORKER = 2500;
const P99_GOAL_MS = 50;

interface Server {
  name: 'gateway' | 'bare Node SSE';
  port: number;
  path: string;
  proc: ServiceProcess;
}

interface Run {
  latencies: number[];
  cpuMsPerEvent: number;
  rssMb: number;
}

/** The rounds of one server at one client count, summed up as reported. */
interface Result {
  p50: number;
  p99: number;
  cpuMsPerEvent: number;
  rssMb: number;
}

function summarise(runs: Run[]): Result {
  const latencies = runs.flatMap((r) => r.latencies);
  const cpu = runs.map((r) => r.cpuMsPerEvent).sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuMsPerEvent: cpu[Math.floor((cpu.length - 1) / 2)], rssMb: runs[runs.length - 1].rssMb };
}

/** Nearest-rank percentile. */
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

class Worker {
  private readonly child: ChildProcess;
  private readonly exited: Promise<never>;
  constructor() {
    this.child = fork(join(__dirname, 'support', 'sse-clients.worker.ts'), [], { execArgv: ['-r', '@swc-node/register'], stdio: 'inherit' });
    this.exited = new Promise<never>((_, reject) => this.child.once('exit', (code) => reject(new Error(`SSE client worker exited (${code})`))));
    this.exited.catch(() => undefined);
  }
  get pid(): number {
    return this.child.pid!;
  }
  async ask<T>(msg: object, reply: string): Promise<T> {
    const answer = new Promise<T>((resolve) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== reply) return;
        this.child.off('message', onMessage);
        resolve(m as T);
      };
      this.child.on('message', onMessage);
    });
    this.child.send(msg);
    return Promise.race([answer, this.exited]);
  }
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.disconnect();
    await exited;
  }
}

async function run(server: Server, clients: number, redis: Redis, clock: MicrosClock, seq: { n: number }, onMeasured?: () => void): Promise<Run> {
  const workers = Array.from({ length: Math.ceil(clients / PER_WORKER) }, () => new Worker());
  try {
    if (cpus().length > 1) for (const w of workers) pin(w.pid, 0);
    const n = workers.length;
    await Promise.all(
      workers.map((w, i) => w.ask({ type: 'connect', port: server.port, path: server.path, count: Math.floor(clients / n) + (i < clients % n ? 1 : 0) }, 'connected')),
    );
    const latencies: number[] = [];
    let cpuFrom = 0;
    for (let k = 1; k <= WARM_UP_EVENTS + EVENTS; k++) {
      if (k === WARM_UP_EVENTS + 1) {
        onMeasured?.();
        cpuFrom = cpuSeconds(server.proc.process.pid!);
      }
      const sentAt = performance.timeOrigin + performance.now();
      await redis.xadd(STREAMS.signals, '*', ...encodeEntry(benchSignal(clock, seq.n++)));
      const reached = await Promise.all(workers.map((w) => w.ask<{ last: number; missing: number }>({ type: 'await', k }, 'reached')));
      const missing = reached.reduce((n, r) => n + r.missing, 0);
      if (missing) throw new Error(`${server.name}, ${clients} clients: ${missing} never got event ${k}`);
      if (k > WARM_UP_EVENTS) latencies.push(Math.max(...reached.map((r) => r.last)) - sentAt);
      await delay(20);
    }
    const cpu = cpuSeconds(server.proc.process.pid!) - cpuFrom;
    const result = { latencies, cpuMsPerEvent: (cpu / EVENTS) * 1000, rssMb: rssMb(server.proc.process.pid!) };
    await Promise.all(workers.map((w) => w.ask({ type: 'close' }, 'closed')));
    return result;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** The gateway or the bare server on `redisUrl` (see ready()); `nodeArgs` e.g. `--cpu-prof`. */
function startServer(name: Server['name'], redisUrl: string, port: number, nodeArgs: string[] = []): Server {
  if (name === 'bare Node SSE') return { name, port, path: '/stream', proc: startScript('bench/support/bare-sse.server.js', [String(port), redisUrl, STREAMS.signals], {}, nodeArgs) };
  const env = { REDIS_URL: redisUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SIGNAL_TTL_SECONDS: '3600' };
  return { name, port, path: '/api/signals/stream', proc: startBuiltApp('api-gateway', env, nodeArgs) };
}

async function ready(server: Server): Promise<void> {
  if (server.name === 'bare Node SSE') return server.proc.waitForOutput(/listening/, 30_000);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${server.port}/api/health`).catch(() => null))?.status === 200, { timeoutMs: 30_000, what: 'gateway' });
}

/**
 * The profile pass (support/profile-pass.ts) for unmet goals at 5,000 clients (the p99 goal's
 * size; else the largest run): each server once more, under --cpu-prof, one run of that size.
 */
async function profileUnmetGoals(rows: BenchRow[], redisUrl: string, runOn: (server: Server, clients: number, onMeasured: () => void) => Promise<Run>): Promise<void> {
  const clients = CLIENTS.includes(5000) ? 5000 : Math.max(...CLIENTS);
  const goals = goalsToProfile(rows.filter((r) => r.measure.startsWith(`${clients} clients,`)));
  const side = (name: Server['name']) =>
    loadedProcess(
      name,
      'event',
      async (nodeArgs) => {
        const server = startServer(name, redisUrl, await freePort(), nodeArgs);
        await ready(server).catch(async (err: unknown) => {
          await server.proc.kill();
          throw err;
        });
        return Object.assign(server.proc, { server });
      },
      // The profile starts where the measured events do, the clients connected and warmed up.
      async (proc, _seconds, window) => (await runOn(proc.server, clients, () => window.begin(proc.process.pid)), EVENTS),
      { warmUp: false },
    );
  if (goals.length) await profileSideBySide('sse', goals, `${clients} clients, ${EVENTS} events (as measured: after the clients connected and ${WARM_UP_EVENTS} events)`, [side('gateway'), side('bare Node SSE')]);
}

async function main(): Promise<void> {
  const redisServer = await startRedis();
  const redis = new Redis(redisServer.url);
  const clock = new MicrosClock();
  const seq = { n: 0 };
  const gateway = startServer('gateway', redisServer.url, await freePort(), GATEWAY_FLAGS);
  const bare = startServer('bare Node SSE', redisServer.url, await freePort());
  try {
    await ready(gateway);
    await ready(bare);
    const lastCpu = cpus().length - 1;
    if (lastCpu > 0) {
      pin(gateway.proc.process.pid!, lastCpu);
      pin(bare.proc.process.pid!, lastCpu);
      pin(process.pid, 0);
    }
    console.log(`${EVENTS} events per run (after ${WARM_UP_EVENTS} unmeasured), ${ROUNDS} round(s), clients: ${CLIENTS.join(', ')}`);
    const rows: BenchRow[] = [];
    for (const [i, clients] of CLIENTS.entries()) {
      const runs = new Map<Server, Run[]>([
        [gateway, []],
        [bare, []],
      ]);
      for (let round = 0; round < ROUNDS; round++) {
        const order = (i + round) % 2 ? [bare, gateway] : [gateway, bare];
        for (const server of order) {
          const one = await run(server, clients, redis, clock, seq);
          runs.get(server)!.push(one);
          const r = summarise([one]);
          console.log(`${String(clients).padStart(6)} clients  ${server.name.padEnd(14)} p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  CPU ${r.cpuMsPerEvent.toFixed(2)} ms/event  RSS ${r.rssMb.toFixed(0)} MB`);
        }
      }
      const g = summarise(runs.get(gateway)!);
      const b = summarise(runs.get(bare)!);
      const note = ROUNDS > 1 ? `${EVENTS} events x ${ROUNDS} rounds` : `${EVENTS} events`;
      rows.push(
        { bench: 'sse', measure: `${clients} clients, XADD -> last client p50`, value: g.p50, unit: 'ms', better: 'lower', baseline: { name: 'bare Node SSE', value: b.p50 }, goal: { text: '<= 1.1x bare', met: g.p50 <= 1.1 * b.p50 }, note },
        {
          bench: 'sse',
          measure: `${clients} clients, XADD -> last client p99`,
          value: g.p99,
          unit: 'ms',
          better: 'lower',
          baseline: { name: 'bare Node SSE', value: b.p99 },
          goal: clients === 5000 ? { text: `<= 1.1x bare and < ${P99_GOAL_MS} ms`, met: g.p99 <= 1.1 * b.p99 && g.p99 < P99_GOAL_MS } : { text: '<= 1.1x bare', met: g.p99 <= 1.1 * b.p99 },
          note,
        },
        { bench: 'sse', measure: `${clients} clients, server CPU per event`, value: g.cpuMsPerEvent, unit: 'ms', better: 'lower', baseline: { name: 'bare Node SSE', value: b.cpuMsPerEvent } },
        { bench: 'sse', measure: `${clients} clients, server RSS`, value: g.rssMb, unit: 'MB', better: 'lower', baseline: { name: 'bare Node SSE', value: b.rssMb } },
      );
    }
    reportRows(rows);
    if (profilePassOn) await profileUnmetGoals(rows, redisServer.url, (server, clients, onMeasured) => run(server, clients, redis, clock, seq, onMeasured));
  } catch (err) {
    console.error(gateway.proc.output().slice(-2000));
    throw err;
  } finally {
    await gateway.proc.kill();
    await bare.proc.kill();
    redis.disconnect();
    await redisServer.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
