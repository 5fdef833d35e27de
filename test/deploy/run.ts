/**
 * `npm run test:deploy`: the deployment files are valid and agree with the code.
 *
 * Static: docker-compose config, .env.example against each app's config schema, compose wiring,
 * promtool check config / check rules / test rules, kubectl kustomize, Grafana provisioning.
 * Live: the four services (built, against a private Redis and a fake Bot API) scraped by a real
 * Prometheus (Debian's), then `promtool check metrics` on each /metrics and every PromQL
 * expression of the dashboard and of the alert rules evaluated, each required to return data;
 * then the four services again on a TLS Redis and behind Sentinel.
 * Prints `deploy: N passed, M failed`; exits non-zero on a failure.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { waitFor } from '@app/testing';
import { assert, CheckRunner, onPath, run, Skip } from './check-runner';
import { LocalPrometheus, Services, startPrometheus, startServices } from './live-stack';
import { dashboardQueries, metricSelectors, PrometheusApi, substituteGrafanaVariables } from './promql';
import { RedisMode, startSentinelRedis, startTlsRedis } from './redis-modes';
import { APPS, staticChecks } from './static-checks';

const ROOT = resolve(__dirname, '..', '..');
/** The whole run is bounded: a hung service or Prometheus fails the run instead of CI. */
const WATCHDOG_MS = 5 * 60_000;
/** Stops whatever is running; the watchdog calls it before giving up. */
let emergencyStop: () => Promise<void> = async () => undefined;

/**
 * prom-client's default metrics name three gauges `nodejs_active_*_total`, which promtool's
 * linter flags; they are the library's names, not ours. Any other finding fails the check.
 */
const KNOWN_LINT = /^nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/;

async function get(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, text: await res.text() };
}

async function value(api: PrometheusApi, expr: string): Promise<number> {
  const r = await api.query(expr);
  return r.length ? Number(r[0].value[1]) : 0;
}

/** What a user does with the gateway: poll the guide's endpoints, and make one bad request. */
async function useGateway(port: number): Promise<void> {
  const base = `http://127.0.0.1:${port}`;
  for (const path of ['/api/signals', '/api/signals/latest', '/api/signals/history', '/api/health', '/api/signals/not-a-symbol!']) {
    await get(base + path).catch(() => undefined);
  }
}

async function liveChecks(runner: CheckRunner): Promise<void> {
  if (!onPath('redis-server')) {
    await runner.check('live checks', () => {
      throw new Skip('redis-server is not installed (apt-get install redis-server)');
    });
    return;
  }
  const built = await runner.check('npm run build', () => void run('npm', ['run', '--silent', 'build'], { cwd: ROOT, timeout: 120_000 }));
  if (!built) return;

  let services: Services | undefined;
  let prom: LocalPrometheus | undefined;
  let traffic: NodeJS.Timeout | undefined;
  try {
    const svc = await startServices();
    services = svc;
    emergencyStop = () => svc.stop();
    const healthy = await runner.check('the four services start and answer their probes (/health/ready, /health/live)', async () => {
      for (const app of APPS) {
        await waitFor(async () => (await get(svc.healthUrl(app))).status === 200, { timeoutMs: 30_000, intervalMs: 250, what: `${app} readiness` });
        assert((await get(svc.healthUrl(app, 'live'))).status === 200, `${app}: /health/live is not 200 while ready`);
      }
      return APPS.map((a) => `${a}:${svc.ports[a]}`).join(' ');
    });
    if (!healthy) return;

    if (!onPath('prometheus')) {
      await runner.check('Prometheus checks', () => {
        throw new Skip('the prometheus binary is not installed (apt-get install prometheus)');
      });
      return;
    }
    const p = await startPrometheus(svc.ports, join(ROOT, 'deploy/prometheus/alerts.yml'));
    prom = p;
    emergencyStop = async () => {
      await p.stop();
      await svc.stop();
    };
    const api = p.api;
    await runner.check('Prometheus scrapes the four services, every target up', () =>
      waitFor(
        async () => {
          const t = await api.targets();
          return APPS.every((job) => t.some((x) => x.labels.job === job && x.health === 'up')) && `${t.length} targets up`;
        },
        { timeoutMs: 20_000, intervalMs: 250, what: 'every target up' },
      ),
    );

    void useGateway(svc.ports['api-gateway']);
    traffic = setInterval(() => void useGateway(svc.ports['api-gateway']), 1000);
    // The dashboard shows signals, Telegram traffic and closed positions: wait until there are some.
    const flowing = await runner.check('replayed data flows: signals, Telegram sent/failed/retried, positions closed', async () => {
      const wants: [string, string][] = [
        ['signals', 'sum(signal_generator_signals_total)'],
        ['telegram sent', 'sum(telegram_messages_sent_total)'],
        ['telegram failed', 'sum(telegram_messages_failed_total)'],
        ['telegram retried', 'sum(telegram_messages_retried_total)'],
        ['positions closed', 'sum(positions_closed_total)'],
        ['gateway requests', 'sum(http_requests_total{job="api-gateway"})'],
      ];
      const seen = new Map<string, number>();
      await waitFor(
        async () => {
          for (const [name, expr] of wants) seen.set(name, await value(api, expr));
          return [...seen.values()].every((v) => v > 0);
        },
        { timeoutMs: 150_000, intervalMs: 1000, what: 'data on every panel' },
      ).catch((err: Error) => {
        throw new Error(`${err.message}: ${[...seen].map(([k, v]) => `${k}=${v}`).join(', ')}`);
      });
      return [...seen].map(([k, v]) => `${k} ${v}`).join(', ');
    });
    if (!flowing) return;
    // A few more scrapes, so that every rate() window holds at least two samples after the events.
    await new Promise((r) => setTimeout(r, 3000));

    for (const app of APPS) {
      await runner.check(`promtool check metrics: ${app} /metrics`, async () => {
        const { status, text } = await get(`http://127.0.0.1:${svc.ports[app]}/metrics`);
        assert(status === 200, `/metrics answered ${status}`);
        const res = run('promtool', ['check', 'metrics'], { input: text, ok: false });
        if (res.status !== 0 && res.status !== 3) throw new Error(`promtool exited ${String(res.status)}: ${res.stderr || res.stdout}`);
        const findings = (res.stdout + res.stderr).split('\n').map((l) => l.trim()).filter(Boolean);
        const unknown = findings.filter((l) => !KNOWN_LINT.test(l));
        assert(unknown.length === 0, unknown.join('\n'));
        const series = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
        return `${series} series${findings.length ? `; ${findings.length} known prom-client default-metric lint findings` : ''}`;
      });
    }

    const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/dashboards/signal-platform.json'), 'utf8')) as Parameters<typeof dashboardQueries>[0];
    for (const q of dashboardQueries(dashboard)) {
      await runner.check(`dashboard "${q.panel}"${q.legend ? ` [${q.legend}]` : ''} returns data`, async () => {
        const r = await api.query(substituteGrafanaVariables(q.expr));
        assert(r.length > 0, `no data for ${q.expr}`);
        return `${r.length} series`;
      });
    }

    let rules: Awaited<ReturnType<PrometheusApi['rules']>> = [];
    await runner.check('Prometheus loaded the alert rules', async () => {
      rules = await api.rules();
      assert(rules.length > 0, 'no rules loaded from deploy/prometheus/alerts.yml');
      return `${rules.length} rules`;
    });
    for (const rule of rules) {
      await runner.check(`alert ${rule.name}: expression evaluates`, async () => {
        const r = await api.query(rule.query);
        if (r.length > 0) return `returns ${r.length} series: this run makes it true (the fake Bot API refuses a chat)`;
        // Empty is the healthy answer for most alerts: show instead that every metric it reads exists.
        const selectors = metricSelectors(rule.query);
        assert(selectors.length > 0, `no metric selector found in ${rule.query}`);
        const empty: string[] = [];
        for (const s of selectors) if ((await api.query(s)).length === 0) empty.push(s);
        assert(empty.length === 0, `no data for ${empty.join(', ')} (read by ${rule.query})`);
        return `empty while healthy; its selectors have data: ${selectors.join(', ')}`;
      });
    }
  } finally {
    emergencyStop = async () => undefined;
    if (traffic) clearInterval(traffic);
    if (runner.tally.failed > 0 && services) {
      for (const p of services.processes) console.log(`--- ${p.name} output (tail) ---\n${p.output().split('\n').slice(-15).join('\n')}`);
      if (prom) console.log(`--- prometheus output (tail) ---\n${prom.output().split('\n').slice(-10).join('\n')}`);
    }
    await prom?.stop();
    await services?.stop();
  }
}

/**
 * Every service on a TLS Redis with a password, then behind Sentinel: each one connects (health
 * and `redis_connection_up`), signals go from the generator through Redis to the gateway, and the
 * password never appears in any output.
 */
async function redisModeChecks(runner: CheckRunner): Promise<void> {
  const modes: [string, () => Promise<RedisMode>, boolean][] = [
    ['TLS Redis (rediss:// with a password)', startTlsRedis, onPath('openssl')],
    ['Redis behind Sentinel (REDIS_SENTINELS)', startSentinelRedis, true],
  ];
  for (const [label, start, possible] of modes) {
    await runner.check(`all four services on a ${label}: connected, signals reach the gateway, password never logged`, async () => {
      if (!possible) throw new Skip('openssl is not installed');
      const redis = await start();
      let svc: Services | undefined;
      try {
        const s = await startServices(redis.env);
        svc = s;
        emergencyStop = async () => {
          await s.stop();
          await redis.stop();
        };
        for (const app of APPS) {
          await waitFor(async () => (await get(s.healthUrl(app))).status === 200, { timeoutMs: 30_000, intervalMs: 250, what: `${app} health` });
          const metrics = (await get(`http://127.0.0.1:${s.ports[app]}/metrics`)).text;
          assert(/^redis_connection_up\{[^}]*\} 1$/m.test(metrics), `${app}: no Redis connection up`);
        }
        const count = await waitFor(
          async () => ((JSON.parse((await get(`http://127.0.0.1:${s.ports['api-gateway']}/api/signals`)).text) as { count: number }).count || 0),
          { timeoutMs: 60_000, intervalMs: 500, what: 'signals on the gateway' },
        );
        const leaked = s.processes.filter((p) => p.output().includes(redis.password)).map((p) => p.name);
        assert(leaked.length === 0, `the Redis password appears in the output of ${leaked.join(', ')}`);
        return `${count} signals on the gateway`;
      } catch (err) {
        for (const p of svc?.processes ?? []) console.log(`--- ${p.name} output (tail) ---\n${p.output().split('\n').slice(-8).join('\n')}`);
        throw err;
      } finally {
        emergencyStop = async () => undefined;
        await svc?.stop();
        await redis.stop();
      }
    });
  }
}

async function main(): Promise<number> {
  const runner = new CheckRunner('deploy');
  const watchdog = setTimeout(() => {
    console.log(`deploy: gave up after ${WATCHDOG_MS / 1000} s`);
    const bail = setTimeout(() => process.exit(1), 15_000);
    void emergencyStop().finally(() => {
      clearTimeout(bail);
      console.log(`${runner.summary()} (incomplete)`);
      process.exit(1);
    });
  }, WATCHDOG_MS);
  await staticChecks(runner, ROOT);
  await liveChecks(runner);
  if (runner.tally.failed === 0 && onPath('redis-server')) await redisModeChecks(runner);
  clearTimeout(watchdog);
  console.log(runner.summary());
  return runner.tally.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.log(`deploy: error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exit(1);
  },
);
