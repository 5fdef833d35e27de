import { spawn, ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './wait-for';
import { freePort } from './free-port';

const ROOT = join(__dirname, '..', '..', '..');

export type AppName = 'api-gateway' | 'signal-generator' | 'notifier' | 'position-closer';

export interface ServiceProcess {
  name: string;
  process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string | null>;
  kill(signal?: NodeJS.Signals): Promise<number | string | null>;
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<void>;
}

/** Runs a built app (`npm run build` first: `npm test` does) as a real OS process. */
export function startService(app: AppName, env: Record<string, string>, name: string = app): ServiceProcess {
  const entry = join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build`);
  return startNodeScript(entry, env, name);
}

/** `nodeArgs` go before the script (e.g. `--cpu-prof`, `-r @swc-node/register`). */
export function startNodeScript(script: string, env: Record<string, string>, name: string, args: string[] = [], nodeArgs: string[] = []): ServiceProcess {
  const proc = spawn(process.execPath, ['--enable-source-maps', ...nodeArgs, script, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  return {
    name,
    process: proc,
    output: () => out,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
    async waitForOutput(re: RegExp, timeoutMs = 15_000) {
      await waitFor(() => re.test(out), { timeoutMs, what: `${name} output ${re}` });
    },
  };
}

/**
 * Runs a built app on a free loopback port and resolves with its base URL once `healthPath`
 * answers 200: what every system test does for each of its services.
 */
export async function startHealthyService(
  app: AppName,
  env: Record<string, string>,
  opts: { healthPath?: string; timeoutMs?: number; what?: string; onStart?: (proc: ServiceProcess) => void } = {},
): Promise<string> {
  const port = await freePort();
  const proc = startService(app, { PORT: String(port), HOST: '127.0.0.1', ...env });
  opts.onStart?.(proc);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}${opts.healthPath ?? '/health'}`).catch(() => null))?.status === 200, {
    timeoutMs: opts.timeoutMs ?? 20_000,
    what: opts.what ?? `${app} healthy`,
  });
  return `http://127.0.0.1:${port}`;
}
