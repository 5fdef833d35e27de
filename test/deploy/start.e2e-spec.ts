import { ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { freePort, waitFor } from '@app/testing';

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

/**
 * `npm start` as a user runs it (here with --private-redis, so the machine's Redis is never
 * touched): the four services come up, replayed signals reach the gateway, the notifier logs its
 * dry-run Telegram messages, every line is prefixed by its service, and Ctrl-C stops everything,
 * the private Redis included.
 */
describe('npm start (scripts/start.ts)', () => {
  let npm: ChildProcess | undefined;

  afterEach(() => {
    // Only if the test failed half-way: the whole group, as a closed terminal would.
    if (npm?.pid && npm.exitCode === null && npm.signalCode === null) process.kill(-npm.pid, 'SIGKILL');
  });

  it('runs the whole system with prefixed logs and stops it all on Ctrl-C', async () => {
    const ports = { GATEWAY_PORT: await freePort(), SIGNAL_GENERATOR_PORT: await freePort(), NOTIFIER_PORT: await freePort(), POSITION_CLOSER_PORT: await freePort() };
    const env: NodeJS.ProcessEnv = { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), NO_COLOR: '1', REPLAY_SPEED: 'x600' };
    delete env.TELEGRAM_BOT_TOKEN;
    delete env.REDIS_URL;
    // Its own process group, like a shell job: Ctrl-C is a SIGINT to the whole group.
    const proc = spawn('npm', ['start', '--', '--private-redis'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    npm = proc;
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<string>((resolve) => proc.once('exit', (code, signal) => resolve(signal ?? String(code))));
    const seen = (re: RegExp, timeoutMs: number) => waitFor(() => re.exec(out), { timeoutMs, intervalMs: 100, what: `npm start output ${re}` });

    const redisPort = Number((await seen(/started a private redis-server at redis:\/\/127\.0\.0\.1:(\d+)/, 60_000))[1]);
    const signals = await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${ports.GATEWAY_PORT}/api/signals`);
        const body = (await res.json()) as { count: number; signals: { symbol: string }[] };
        return body.count > 0 ? body.signals : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'signals on the gateway' },
    );
    expect(['BTCUSDT', 'ETHUSDT']).toContain(signals[0].symbol);
    await seen(/^notifier +\| .*would send this message/m, 30_000);
    for (const app of ['api-gateway', 'signal-generator', 'notifier', 'position-closer']) {
      expect(out).toMatch(new RegExp(`^${app} +\\| \\{`, 'm'));
    }

    process.kill(-(proc.pid as number), 'SIGINT');
    // npm reports a Ctrl-C'd script the shell's way (130, or the signal itself); an error would be 1.
    expect(['0', '130', 'SIGINT']).toContain(await exited);
    expect(out).toMatch(/SIGINT: stopping the services/);
    expect(out).toMatch(/private redis-server stopped/);
    for (const port of [...Object.values(ports), redisPort]) expect(await portOpen(port)).toBe(false);
  }, 150_000);
});
