import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Thrown by a check that cannot run here (a tool is missing): reported, not counted as a failure. */
export class Skip extends Error {}

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * The smallest runner that fits a CI script: named checks run in order, each prints one line
 * (ok / FAIL with the reason / skip with the reason), and the caller prints the tally.
 */
export class CheckRunner {
  readonly tally: Tally = { passed: 0, failed: 0, skipped: 0 };

  constructor(private readonly prefix: string) {}

  async check(name: string, fn: () => unknown): Promise<boolean> {
    const started = Date.now();
    try {
      const note = await fn();
      this.tally.passed++;
      const detail = typeof note === 'string' && note ? ` (${note})` : '';
      console.log(`  ok    ${name}${detail} [${Date.now() - started} ms]`);
      return true;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (err instanceof Skip) {
        this.tally.skipped++;
        console.log(`  skip  ${name}: ${msg}`);
        return false;
      }
      this.tally.failed++;
      console.log(`  FAIL  ${name}: ${msg.split('\n').join('\n        ')}`);
      return false;
    }
  }

  summary(): string {
    const { passed, failed, skipped } = this.tally;
    return `${this.prefix}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  }
}

export function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)));
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; `ok` makes a non-zero exit throw with its output. */
export function run(cmd: string, args: string[], opts: SpawnSyncOptions & { ok?: boolean } = {}): RunResult {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  const out: RunResult = { status: res.status, stdout: String(res.stdout ?? ''), stderr: String(res.stderr ?? '') };
  if (res.error) throw new Error(`${cmd}: ${res.error.message}`);
  if (opts.ok !== false && res.status !== 0) {
    const tail = (out.stderr || out.stdout).trim().split('\n').slice(-15).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} exited ${String(res.status)}\n${tail}`);
  }
  return out;
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}
