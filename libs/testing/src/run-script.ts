import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr as they came, interleaved. */
  out: string;
}

/**
 * Runs one of the repository's TypeScript entry points (`scripts/signals-demo.ts`, a CLI) to its
 * end as a real process, as its `npm run` script does. Async, so servers in the test's own process
 * keep serving it. `env` is added to this process's; an `undefined` value leaves that variable out.
 */
export function runTsScript(script: string, args: string[] = [], env: Record<string, string | undefined> = {}): Promise<ScriptRun> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: ScriptRun = { code: null, stdout: '', stderr: '', out: '' };
  child.stdout.on('data', (d: Buffer) => {
    run.stdout += d.toString();
    run.out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    run.stderr += d.toString();
    run.out += d.toString();
  });
  // 'close', not 'exit': every byte of output has been read by then.
  return new Promise((resolve) => child.once('close', (code) => resolve({ ...run, code })));
}
