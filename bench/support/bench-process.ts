import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNodeScript, type ServiceProcess } from '@app/testing';

const ROOT = join(__dirname, '..', '..');

/** Whether `taskset` can pin processes here (Linux with util-linux). */
export const canPin = ((): boolean => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/**
 * Pins a process to one CPU so a server under test and the load generator do not take turns on
 * the same core. The servers compared are pinned alike, so their ratios stay fair on a shared
 * machine. A no-op where `taskset` is missing.
 */
export function pin(pid: number, cpu: number): void {
  if (canPin) execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
}

/** A built app (dist/, `npm run build` first) as a process; `nodeArgs` e.g. `--cpu-prof`. */
export function startBuiltApp(app: string, env: Record<string, string>, nodeArgs: string[] = []): ServiceProcess {
  return startNodeScript(join(ROOT, 'dist', 'apps', app, 'src', 'main.js'), env, app, [], nodeArgs);
}

/** A plain JavaScript script (a baseline server) as a process; `nodeArgs` e.g. `--cpu-prof`. */
export function startScript(script: string, args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []): ServiceProcess {
  return startNodeScript(join(ROOT, script), env, script, args, nodeArgs);
}

/** Resident set size of a process, in MB (Linux /proc); NaN elsewhere. */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) a process has used so far (Linux /proc); NaN elsewhere. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}
