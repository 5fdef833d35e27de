/**
 * `npm run test:compose`: the compose deployment, for real.
 *
 * Needs a container engine: a Docker engine when `docker info` answers; otherwise the podman
 * stand-in set up by `../shared/tools/compose-harness.sh` (Debian's docker-compose v1 against
 * podman's Docker-compatible socket); otherwise it says why it skipped and exits 0.
 *
 * Builds the image, brings up everything but grafana (the harness has no grafana image), then
 * checks what a user would: containers turn healthy, replayed signals reach GET /api/signals on
 * the gateway's published port, Prometheus scrapes every service, and `--scale notifier=2` gives
 * two notifiers that both take work from the `notifier` consumer group. Always `down -v` at the end.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { GROUPS, STREAMS } from '@app/contracts';
import { freePort } from '@app/testing';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assert, CheckRunner, onPath, run, RunResult, Skip } from '../deploy/check-runner';

const ROOT = resolve(__dirname, '..', '..');
const HARNESS = resolve(ROOT, '..', 'shared', 'tools', 'compose-harness.sh');
const PODMAN_SOCKET = 'unix:///run/podman/podman.sock';
const APPS = ['api-gateway', 'signal-generator', 'notifier', 'position-closer'] as const;
const HEALTHCHECKED = ['redis', ...APPS, 'prometheus'];

interface Engine {
  compose: string[];
  env: NodeJS.ProcessEnv;
  how: string;
  /** Stops the daemons this run started (the harness's podman service and health pump) and what they left of `project`. */
  stop(project: string): void;
}

/** Daemons the podman harness starts in the background; a test must not leave them running. */
const HARNESS_DAEMONS = ['podman system service', 'hc-pump.sh'];

function daemonPids(): Set<string> {
  const pids = HARNESS_DAEMONS.flatMap((pattern) => run('pgrep', ['-f', pattern], { ok: false }).stdout.split('\n').filter(Boolean));
  return new Set(pids.filter((pid) => pid !== String(process.pid)));
}

/** Kills what was started since `before` (a daemon already running, e.g. a developer's, stays). */
function stopStartedDaemons(before: Set<string>): void {
  const started = [...daemonPids()].filter((pid) => !before.has(pid));
  for (const pid of started) {
    try {
      // setsid made each daemon a group leader: end the group (podman's children, the pump's sleep).
      process.kill(-Number(pid), 'SIGTERM');
    } catch {
      try {
        process.kill(Number(pid), 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  }
  if (started.length > 0) console.log(`  ..    stopped the harness daemons this run started (pids ${started.join(', ')})`);
}

/** A real Docker engine first, then the podman harness; `Skip` says why neither is usable. */
function findEngine(): Engine {
  const composeFor = (env: NodeJS.ProcessEnv): string[] | undefined => {
    if (onPath('docker') && run('docker', ['compose', 'version'], { env, ok: false }).status === 0) return ['docker', 'compose'];
    if (onPath('docker-compose')) return ['docker-compose'];
    return undefined;
  };
  if (onPath('docker') && run('docker', ['info'], { ok: false, timeout: 20_000 }).status === 0) {
    const compose = composeFor(process.env);
    if (!compose) throw new Skip('a Docker engine answers but neither `docker compose` nor `docker-compose` is installed');
    return { compose, env: { ...process.env }, how: 'the Docker engine', stop: () => undefined };
  }
  if (!existsSync(HARNESS)) throw new Skip(`no Docker engine (docker info fails) and no ${HARNESS}`);
  console.log(`  ..    no Docker engine: setting up podman with ${HARNESS} (1-2 min the first time)`);
  const before = daemonPids();
  const stop = (project?: string) => {
    stopStartedDaemons(before);
    // podman keeps a conmon per healthcheck exec alive for up to 5 minutes (--exit-delay 300)
    // after its container is gone; they belong to this run's project only.
    if (project) run('pkill', ['-f', `conmon .*-n ${project}_`], { ok: false });
  };
  const res = run('bash', [HARNESS], { ok: false, timeout: 15 * 60_000 });
  if (res.status !== 0) {
    stop();
    throw new Error(`compose-harness.sh failed:\n${(res.stderr || res.stdout).trim().split('\n').slice(-10).join('\n')}`);
  }
  const env = { ...process.env, DOCKER_HOST: PODMAN_SOCKET };
  if (!onPath('docker-compose')) {
    stop();
    throw new Skip('the harness ran but docker-compose is not on PATH');
  }
  return { compose: ['docker-compose'], env, how: 'podman via compose-harness.sh and docker-compose v1', stop };
}

async function httpJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last: ${last})` : ''}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

interface PromTarget {
  labels: Record<string, string>;
  health: string;
  lastError?: string;
}

async function promTargets(promUrl: string): Promise<PromTarget[]> {
  const body = (await httpJson(`${promUrl}/api/v1/targets?state=active`)) as { data: { activeTargets: PromTarget[] } };
  return body.data.activeTargets;
}

async function promQuery(promUrl: string, expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const body = (await httpJson(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`)) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return body.data.result;
}

async function main(): Promise<number> {
  const runner = new CheckRunner('compose');
  let engine: Engine;
  try {
    engine = findEngine();
  } catch (err) {
    if (err instanceof Skip) {
      console.log(`compose: skipped (${err.message})`);
      return 0;
    }
    throw err;
  }
  console.log(`compose smoke test with ${engine.how}`);

  const project = `sigsmoke${process.pid}`;
  const gatewayPort = await freePort(8888);
  const prometheusPort = await freePort();
  // An env file of our own: a developer's .env must not change what the test runs.
  const scratch = mkdtempSync(join(tmpdir(), 'compose-test-'));
  const envFile = join(scratch, 'test.env');
  writeFileSync(envFile, `GATEWAY_PORT=${gatewayPort}\nPROMETHEUS_PORT=${prometheusPort}\nGRAFANA_PORT=${await freePort()}\n`);
  const env = { ...engine.env, COMPOSE_PROJECT_NAME: project };
  const compose = (args: string[], timeoutMs = 120_000): RunResult =>
    run(engine.compose[0], [...engine.compose.slice(1), '--env-file', envFile, '-p', project, ...args], { cwd: ROOT, env, timeout: timeoutMs });
  const gateway = `http://127.0.0.1:${gatewayPort}`;
  const prom = `http://127.0.0.1:${prometheusPort}`;

  const healthOf = (service: string): string[] => {
    const ids = compose(['ps', '-q', service]).stdout.split('\n').filter(Boolean);
    return ids.map((id) => {
      const r = run(onPath('docker') ? 'docker' : 'podman', ['inspect', '-f', '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', id], { env, ok: false });
      return r.stdout.trim() || 'unknown';
    });
  };

  try {
    await runner.check('docker-compose config', () => void compose(['config', '-q']));
    const built = await runner.check('docker-compose build (one image, four services)', () => void compose(['build'], 20 * 60_000));
    if (!built) return finish(runner);

    await runner.check('up: redis, the four services, prometheus (no grafana)', () =>
      void compose(['up', '-d', 'redis', ...APPS, 'prometheus'], 5 * 60_000),
    );
    await runner.check('every container turns healthy (redis, 4 services, prometheus)', () =>
      until('healthy containers', 150_000, async () => {
        const states = HEALTHCHECKED.map((s) => `${s}=${healthOf(s).join(',') || 'missing'}`);
        if (states.every((s) => /=(healthy)(,healthy)*$/.test(s))) return states.length;
        throw new Error(states.join(' '));
      }).then((n) => `${n} healthy`),
    );
    await runner.check('redis runs with AOF and noeviction, data on its volume', () => {
      const cfg = compose(['exec', '-T', 'redis', 'redis-cli', '--raw', 'CONFIG', 'GET', '*']).stdout.split('\n');
      const get = (k: string) => cfg[cfg.indexOf(k) + 1];
      assert(get('appendonly') === 'yes', `appendonly ${get('appendonly')}`);
      assert(get('maxmemory-policy') === 'noeviction', `maxmemory-policy ${get('maxmemory-policy')}`);
      assert(get('dir') === '/data', `dir ${get('dir')}`);
      return `appendonly yes, noeviction, maxmemory ${get('maxmemory')}`;
    });
    await runner.check(`replayed signals reach GET ${gateway}/api/signals`, () =>
      until('signals on the gateway', 150_000, async () => {
        const body = (await httpJson(`${gateway}/api/signals`)) as { status: string; count: number; signals: { symbol: string }[] };
        assert(body.status === 'success', `status ${body.status}`);
        if (body.count > 0) return `count ${body.count}, first ${body.signals[0]?.symbol}`;
        throw new Error('count 0');
      }),
    );
    await runner.check('Prometheus scrapes every service and reports it up', () =>
      until('all targets up', 120_000, async () => {
        const targets = await promTargets(prom);
        const down = APPS.filter((job) => {
          const t = targets.filter((x) => x.labels.job === job);
          return t.length === 0 || t.some((x) => x.health !== 'up');
        });
        if (down.length === 0) return `${targets.length} targets up`;
        throw new Error(`not up: ${down.join(', ')}`);
      }),
    );

    await runner.check('--scale notifier=2 starts a second notifier, both healthy', () => {
      compose(['up', '-d', '--no-deps', '--no-recreate', '--scale', 'notifier=2', 'notifier'], 120_000);
      return until('two healthy notifiers', 120_000, async () => {
        const h = healthOf('notifier');
        if (h.length === 2 && h.every((s) => s === 'healthy')) return '2 healthy';
        throw new Error(`notifier health: ${h.join(',')}`);
      });
    });
    await runner.check('both notifiers are consumers of the `notifier` group on `signals`', () =>
      until('two consumers', 120_000, async () => {
        const out = compose(['exec', '-T', 'redis', 'redis-cli', '--raw', 'XINFO', 'CONSUMERS', STREAMS.signals, GROUPS.notifier]).stdout;
        const names = out.split('\n').reduce<string[]>((acc, line, i, all) => (line === 'name' ? [...acc, all[i + 1]] : acc), []);
        if (names.length >= 2) return `consumers: ${names.join(', ')}`;
        throw new Error(`consumers: ${names.join(', ') || 'none'}`);
      }),
    );
    await runner.check('Prometheus scrapes both notifiers, and both handle entries (the work is shared)', () =>
      until('two notifiers handling entries', 180_000, async () => {
        const up = (await promTargets(prom)).filter((t) => t.labels.job === 'notifier' && t.health === 'up');
        if (up.length < 2) throw new Error(`${up.length} notifier target(s) up`);
        const handled = await promQuery(prom, 'sum by (instance) (stream_entries_handled_total{job="notifier"})');
        const busy = handled.filter((r) => Number(r.value[1]) > 0);
        if (busy.length >= 2) return busy.map((r) => `${r.metric.instance}: ${r.value[1]}`).join(', ');
        throw new Error(`entries handled per notifier: ${handled.map((r) => `${r.metric.instance}=${r.value[1]}`).join(', ') || 'none yet'}`);
      }),
    );
  } finally {
    if (runner.tally.failed > 0) {
      const logs = run(engine.compose[0], [...engine.compose.slice(1), '--env-file', envFile, '-p', project, 'logs', '--no-color', '--tail', '25'], { cwd: ROOT, env, ok: false });
      console.log('--- last log lines of each container ---\n' + logs.stdout.split('\n').map((l) => l.slice(0, 300)).join('\n'));
    }
    const down = run(engine.compose[0], [...engine.compose.slice(1), '--env-file', envFile, '-p', project, 'down', '-v', '--remove-orphans'], {
      cwd: ROOT,
      env,
      ok: false,
      timeout: 180_000,
    });
    console.log(down.status === 0 ? '  ..    torn down (down -v)' : `  !!    down -v exited ${String(down.status)}: ${down.stderr.trim().split('\n').slice(-3).join(' ')}`);
    rmSync(scratch, { recursive: true, force: true });
    engine.stop(project);
  }
  return finish(runner);
}

function finish(runner: CheckRunner): number {
  console.log(runner.summary());
  return runner.tally.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.log(`compose: error: ${err instanceof Error ? err.message : String(err)}`);
    console.log('compose: 0 passed, 1 failed');
    process.exit(1);
  },
);
