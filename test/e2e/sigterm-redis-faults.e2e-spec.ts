import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startRedis, startService, startTcpProxy, waitFor, type AppName, type ServiceProcess, type TcpProxy, type TestRedis } from '@app/testing';

/**
 * SIGTERM whatever Redis is doing, with real processes: each of the four services is stopped
 * while its Redis hangs (every connection frozen by a proxy, or redis-server itself stopped with
 * SIGSTOP), is gone (killed mid-run), refuses it (wrong password) or was never there. Each must
 * end within 10 s the documented way for a stop, by the signal itself once its shutdown ran (as
 * Nest's does: 143 in a shell), printing no stack trace and no secret. A service that refuses to
 * start on a wrong password has already exited 1 with one "failed to start" line: documented too.
 * Before, a gateway or closer whose Redis hung or had stopped was still running 10 s later, and
 * a generator stopped while starting against no Redis waited for its start to fail.
 */
const APPS: AppName[] = ['api-gateway', 'notifier', 'position-closer', 'signal-generator'];
const ROOT = join(__dirname, '..', '..');
const missing = APPS.filter((a) => !existsSync(join(ROOT, 'dist', 'apps', a, 'src', 'main.js')));
const suite = missing.length ? describe.skip : describe;

const PASSWORD = 'sigterm-Redis-pw_3f9a1c';
const EXIT_WITHIN_MS = 10_000;
/** A stack frame (`at fn (/path/file.js:1:2)`), printed raw or inside a JSON log line. */
const STACK_FRAME = /(^|\\n)\s+at (\S+ \()?[^\s()]+:\d+:\d+\)?/m;

interface Rig {
  redis: TestRedis;
  proxy: TcpProxy;
}

interface Fault {
  /** Where the services find Redis; default: through the proxy, with the right password. */
  url?: (rig: Rig) => Promise<string>;
  /** The services are ready before the fault, so it strikes a running service. */
  healthyFirst: boolean;
  /** Printed by each service once it has met the fault at start (`healthyFirst` false). */
  seen?: RegExp;
  /** A service may have refused to start (exit 1, "failed to start") before the SIGTERM. */
  mayRefuseToStart?: boolean;
  apply?: (rig: Rig) => unknown;
}

const FAULTS: Record<string, Fault> = {
  'every Redis connection frozen (no reply, nothing closed)': { healthyFirst: true, apply: ({ proxy }) => proxy.freeze() },
  'redis-server stopped with SIGSTOP': { healthyFirst: true, apply: ({ redis }) => redis.process.kill('SIGSTOP') },
  'redis-server killed mid-run': { healthyFirst: true, apply: ({ redis }) => redis.stop({ crash: true }) },
  'a wrong Redis password': { healthyFirst: false, url: async ({ proxy }) => `redis://:wrong-${PASSWORD}@127.0.0.1:${proxy.port}`, seen: /WRONGPASS/, mayRefuseToStart: true },
  'no Redis listening at all': { healthyFirst: false, url: async () => `redis://:${PASSWORD}@127.0.0.1:${await freePort()}`, seen: /ECONNREFUSED/ },
};

suite(`SIGTERM ends every service within ${EXIT_WITHIN_MS / 1000} s whatever Redis does${missing.length ? ' (skipped: run npm run build)' : ''}`, () => {
  let rig: Rig;
  let procs: ServiceProcess[] = [];
  const ports = {} as Record<AppName, number>;

  beforeEach(async () => {
    const redis = await startRedis({ password: PASSWORD });
    rig = { redis, proxy: await startTcpProxy({ port: redis.port }) };
  });
  afterEach(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    procs = [];
    rig.redis.process.kill('SIGCONT');
    await rig.proxy.close();
    await rig.redis.stop();
  });

  it.each(Object.entries(FAULTS))('%s', async (name, fault) => {
    const url = fault.url ? await fault.url(rig) : `redis://:${PASSWORD}@127.0.0.1:${rig.proxy.port}`;
    for (const app of APPS) {
      ports[app] = await freePort();
      const env = { REDIS_URL: url, PORT: String(ports[app]), HOST: '127.0.0.1', REPLAY_SPEED: 'x60' };
      procs.push(startService(app, env, app));
    }
    if (fault.healthyFirst) {
      const ready = async (app: AppName) => (await fetch(`http://127.0.0.1:${ports[app]}/health/ready`).catch(() => null))?.status === 200;
      await waitFor(async () => (await Promise.all(APPS.map(ready))).every(Boolean), { timeoutMs: 60_000, intervalMs: 250, what: 'every service ready' });
    } else {
      await Promise.all(procs.map((p) => p.waitForOutput(fault.seen!, 30_000)));
    }
    await fault.apply?.(rig);

    const outputBefore = procs.map((p) => p.output().length);
    const stoppedInMs: Record<string, number | null> = {};
    const results = await Promise.all(
      procs.map(async (p, i) => {
        const sent = Date.now();
        let exit: number | string | null | undefined;
        void p.kill('SIGTERM').then((e) => (exit = e));
        await waitFor(() => exit !== undefined, { timeoutMs: EXIT_WITHIN_MS, what: `${p.name} to exit` }).catch(() => undefined);
        const out = p.output();
        stoppedInMs[p.name] = exit === undefined ? null : Date.now() - sent;
        // Judged once it has ended: a service that refuses to start may have printed its line but
        // not yet exited when the SIGTERM is sent, and then ends with its own exit 1 all the same.
        const refusedToStart = exit === 1 && /failed to start/.test(out);
        const outcome =
          fault.mayRefuseToStart && refusedToStart ? 'ok' : exit === undefined ? `still running after ${EXIT_WITHIN_MS} ms` : exit === 'SIGTERM' && Date.now() - sent <= EXIT_WITHIN_MS ? 'ok' : `exit ${exit}`;
        return {
          app: p.name,
          outcome,
          stackTrace: STACK_FRAME.test(out),
          secret: out.includes(PASSWORD),
          // For a failure message: what it said while stopping.
          said: outcome === 'ok' ? '' : out.slice(outputBefore[i]).slice(-1500),
        };
      }),
    );
    process.stdout.write(`sigterm (${name}): ${JSON.stringify(stoppedInMs)}\n`);
    expect(results).toEqual(APPS.map((app) => ({ app, outcome: 'ok', stackTrace: false, secret: false, said: '' })));
  }, 120_000);
});
