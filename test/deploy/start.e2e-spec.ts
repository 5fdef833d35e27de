import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { KEYS } from '@app/contracts';
import { candlePixels, freePort, launchBrowser, waitFor } from '@app/testing';

const ROOT = join(__dirname, '..', '..');

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

interface Launch {
  proc: ChildProcess;
  ports: Record<string, number>;
  out(): string;
  seen(re: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  exited: Promise<string>;
  /** Ctrl-C, as a terminal sends it to the whole process group. */
  interrupt(): Promise<string>;
}

/**
 * `npm start` as a user runs it: the four services come up, replayed signals reach the gateway,
 * the notifier logs its dry-run Telegram messages, every line is prefixed by its service, and
 * Ctrl-C stops everything, the Redis it started included. It never uses the machine's Redis:
 * here with a throwaway one (--private-redis), or its own under a temp --data-dir.
 */
describe('npm start (scripts/start.ts)', () => {
  const launched: ChildProcess[] = [];

  afterEach(() => {
    // Only if the test failed half-way: the whole group, as a closed terminal would.
    for (const p of launched.splice(0)) if (p.pid && p.exitCode === null && p.signalCode === null) process.kill(-p.pid, 'SIGKILL');
  });

  async function launch(args: string[]): Promise<Launch> {
    const ports = { GATEWAY_PORT: await freePort(), SIGNAL_GENERATOR_PORT: await freePort(), NOTIFIER_PORT: await freePort(), POSITION_CLOSER_PORT: await freePort() };
    const env: NodeJS.ProcessEnv = { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), NO_COLOR: '1', REPLAY_SPEED: 'x600' };
    delete env.TELEGRAM_BOT_TOKEN;
    delete env.REDIS_URL;
    // Its own process group, like a shell job: Ctrl-C is a SIGINT to the whole group.
    const proc = spawn('npm', ['start', '--', ...args], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    launched.push(proc);
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<string>((resolve) => proc.once('exit', (code, signal) => resolve(signal ?? String(code))));
    return {
      proc,
      ports,
      out: () => out,
      seen: (re, timeoutMs) => waitFor(() => re.exec(out), { timeoutMs, intervalMs: 100, what: `npm start output ${re}` }),
      exited,
      interrupt: () => {
        process.kill(-(proc.pid as number), 'SIGINT');
        return exited;
      },
    };
  }

  const gateway = (l: Launch, path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${l.ports.GATEWAY_PORT}${path}`, init);
  const activeSignals = (l: Launch) =>
    waitFor(
      async () => {
        const body = (await (await gateway(l, '/api/signals')).json()) as { count: number; signals: { id: string; symbol: string }[] };
        return body.count > 0 ? body.signals : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'signals on the gateway' },
    );
  /**
   * The cockpit issue's done-when, in a browser: within a minute of `npm start` the dashboard shows
   * live signals with their votes on a drawn chart, and its pause button stops /api/signals/latest
   * from offering a signal until resume.
   */
  async function dashboardDoneWhen(l: Launch, launchedAt: number): Promise<void> {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      await page.goto(`http://127.0.0.1:${l.ports.GATEWAY_PORT}/dashboard`);
      const first = page.locator('[data-testid=signal-feed] .signal').first();
      await first.waitFor({ timeout: Math.max(1000, 60_000 - (Date.now() - launchedAt)) });
      expect(await first.textContent()).toMatch(/ema_cross|rsi_extreme|bollinger_reentry|macd_turn|vwap_deviation|stochastic_cross|volume_spike/);
      await waitFor(async () => (await candlePixels(page)) > 500, { timeoutMs: 10_000, what: 'candles drawn' });
      const shownAfterMs = Date.now() - launchedAt;
      expect(shownAfterMs).toBeLessThan(60_000);

      const latest = async () => ((await (await gateway(l, '/api/signals/latest')).json()) as { signal: { id: string } | null }).signal;
      await page.locator('[data-testid=pause]').click();
      await page.locator('[data-testid=trading-state]', { hasText: 'PAUSED' }).waitFor({ timeout: 3000 });
      expect(await latest()).toBeNull();
      // Signals keep coming at x600 while paused; none is offered.
      const storedWhilePaused = await waitFor(async () => {
        const h = (await (await gateway(l, '/api/signals/history')).json()) as { signals: { state: string }[] };
        return h.signals.some((x) => x.state === 'paused');
      }, { timeoutMs: 60_000, intervalMs: 500, what: 'a signal stored while paused' });
      expect(storedWhilePaused).toBe(true);
      expect(await latest()).toBeNull();
      await page.locator('[data-testid=resume]').click();
      await page.locator('[data-testid=trading-state]', { hasText: 'TRADING' }).waitFor({ timeout: 3000 });
      await waitFor(latest, { timeoutMs: 60_000, intervalMs: 500, what: 'a signal offered again after resume' });
      process.stdout.write(`[npm start] dashboard showed a signal with its votes on a drawn chart ${shownAfterMs} ms after npm start\n`);
    } finally {
      await browser.close();
    }
  }

  const reset = (dataDir: string) => spawnSync('npm', ['run', 'reset', '--', '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8' });

  it('runs the whole system with prefixed logs and stops it all on Ctrl-C', async () => {
    const launchedAt = Date.now();
    const run = await launch(['--private-redis']);
    const redisPort = Number((await run.seen(/started a private redis-server at redis:\/\/127\.0\.0\.1:(\d+)/, 60_000))[1]);
    const signals = await activeSignals(run);
    expect(['BTCUSDT', 'ETHUSDT']).toContain(signals[0].symbol);
    await dashboardDoneWhen(run, launchedAt);
    await run.seen(/^notifier +\| .*would send this message/m, 30_000);
    for (const app of ['api-gateway', 'signal-generator', 'notifier', 'position-closer']) {
      expect(run.out()).toMatch(new RegExp(`^${app} +\\| \\{`, 'm'));
    }

    // npm reports a Ctrl-C'd script the shell's way (130, or the signal itself); an error would be 1.
    expect(['0', '130', 'SIGINT']).toContain(await run.interrupt());
    expect(run.out()).toMatch(/SIGINT: stopping the services/);
    expect(run.out()).toMatch(/private redis-server stopped/);
    for (const port of [...Object.values(run.ports), redisPort]) expect(await portOpen(port)).toBe(false);
  }, 150_000);

  it('keeps its own Redis under the data dir: a second run continues where the first stopped; reset refuses while it runs, then deletes it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'npm-start-data-'));
    const redisDir = join(dataDir, 'redis');
    try {
      // Run 1: its own redis-server with AOF in <data-dir>/redis, even with REDIS_URL unset.
      const first = await launch(['--data-dir', dataDir]);
      const [, port1, shownDir] = await first.seen(/started the project's redis-server at redis:\/\/127\.0\.0\.1:(\d+), data in (\S+) \(kept/, 60_000);
      expect(shownDir).toBe(redisDir);
      const [signal] = await activeSignals(first);
      const ack = await gateway(first, '/api/signals/acknowledge', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: signal.id }) });
      expect(ack.status).toBe(200);
      const checkpoints1 = await checkpoints(Number(port1));
      expect(Object.keys(checkpoints1).length).toBeGreaterThan(0);

      // Reset while it runs: refused, nothing deleted.
      const refused = reset(dataDir);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/refused: npm start \(pid \d+\) is running on .*; nothing was deleted/);
      expect(existsSync(join(redisDir, 'appendonlydir'))).toBe(true);

      expect(['0', '130', 'SIGINT']).toContain(await first.interrupt());
      expect(first.out()).toMatch(/redis-server stopped; its data stays in /);
      expect(await portOpen(Number(port1))).toBe(false);

      // Run 2 on the same data: the acknowledged signal and the generator's checkpoints are there.
      const second = await launch(['--data-dir', dataDir]);
      const [, port2] = await second.seen(/started the project's redis-server at redis:\/\/127\.0\.0\.1:(\d+), data in/, 60_000);
      const history = await waitFor(
        async () => {
          const res = await gateway(second, '/api/signals/history');
          return res.status === 200 ? ((await res.json()) as { signals: { id: string; state: string }[] }).signals : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500, what: 'the gateway of the second run' },
      );
      expect(history.find((s) => s.id === signal.id)).toMatchObject({ id: signal.id, state: 'acknowledged' });
      const checkpoints2 = await checkpoints(Number(port2));
      // The replay resumes after the last candle run 1 published: no checkpoint went back.
      for (const [key, openTime] of Object.entries(checkpoints1)) expect(checkpoints2[key]).toBeGreaterThanOrEqual(openTime);
      expect(['0', '130', 'SIGINT']).toContain(await second.interrupt());

      // Stopped: reset deletes the data.
      const done = reset(dataDir);
      expect(done.stdout).toMatch(/deleted .*redis: signals, acknowledgements, positions and the generator's checkpoints are gone/);
      expect(done.status).toBe(0);
      expect(existsSync(redisDir)).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});

/** The generator's checkpoints (key → open time of the last candle published), read from the launcher's Redis. */
async function checkpoints(port: number): Promise<Record<string, number>> {
  const redis = new Redis(port, '127.0.0.1');
  try {
    const keys = await redis.keys(`${KEYS.generatorDecided}:*`);
    const values = keys.length ? await redis.mget(...keys) : [];
    return Object.fromEntries(keys.map((k, i) => [k, Number(values[i])]));
  } finally {
    redis.disconnect();
  }
}
