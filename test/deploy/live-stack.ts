/** The four services against a private Redis, plus Debian's Prometheus scraping them, for the deploy checks. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, ServiceProcess, startRedis, startService, waitFor } from '@app/testing';
import { BLOCKED_CHAT, FakeTelegram, startFakeTelegram } from './fake-telegram';
import { PrometheusApi } from './promql';
import { APPS, App } from './static-checks';


export interface Services {
  ports: Record<App, number>;
  processes: ServiceProcess[];
  telegram: FakeTelegram;
  /** The probe paths the k8s manifests use; `ready` by default. */
  healthUrl(app: App, probe?: 'live' | 'ready'): string;
  stop(): Promise<void>;
}

/**
 * Redis (AOF, as deployed; or the connection given in `redisEnv`), a fake Bot API and the four
 * built services on free ports, like `npm start`. The replay runs fast so that signals, Telegram sends and position closes all
 * happen within seconds.
 */
export async function startServices(redisEnv?: Record<string, string>): Promise<Services> {
  // A private Redis unless the caller brings one (TLS, Sentinel).
  const redis = redisEnv ? undefined : await startRedis({ appendonly: true });
  const connection = redisEnv ?? { REDIS_URL: (redis as { url: string }).url };
  const telegram = await startFakeTelegram();
  const ports = {} as Record<App, number>;
  for (const app of APPS) ports[app] = await freePort();
  const env: Record<App, Record<string, string>> = {
    'api-gateway': {},
    'signal-generator': { MARKET_SOURCE: 'replay', REPLAY_SPEED: 'x600' },
    notifier: {
      TELEGRAM_BOT_TOKEN: '123456789:deploy-check-token-0000',
      TELEGRAM_CHAT_IDS: `1001,${BLOCKED_CHAT}`,
      TELEGRAM_API_URL: telegram.url,
      NOTIFIER_BACKOFF_MS: '100',
    },
    'position-closer': {},
  };
  // Consumers first, so their groups exist before the first signal (as npm start does).
  const order: App[] = ['api-gateway', 'notifier', 'position-closer', 'signal-generator'];
  const processes = order.map((app) => startService(app, { ...connection, LOG_LEVEL: 'warn', ...env[app], PORT: String(ports[app]) }));
  return {
    ports,
    processes,
    telegram,
    healthUrl: (app, probe = 'ready') => `http://127.0.0.1:${ports[app]}/health/${probe}`,
    async stop() {
      await Promise.all(processes.map((p) => p.kill('SIGTERM')));
      await telegram.close();
      await redis?.stop();
    },
  };
}

export interface LocalPrometheus {
  api: PrometheusApi;
  output(): string;
  stop(): Promise<void>;
}

/** Debian's prometheus with the production job names and rules, scraping loopback every second. */
export async function startPrometheus(ports: Record<App, number>, rulesFile: string): Promise<LocalPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-prometheus-'));
  const port = await freePort();
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: [rulesFile],
    scrape_configs: APPS.map((app) => ({ job_name: app, static_configs: [{ targets: [`127.0.0.1:${ports[app]}`] }] })),
  };
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  const proc = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const api = new PrometheusApi(`http://127.0.0.1:${port}`);
  try {
    await waitFor(async () => proc.exitCode === null && (await fetch(`${api.baseUrl}/-/ready`)).ok, { timeoutMs: 20_000, intervalMs: 200, what: 'prometheus /-/ready' });
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${out.trim().split('\n').slice(-5).join('\n')}`);
  }
  return { api, output: () => out, stop };
}
