import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // Linux USER_HZ

/** CPU seconds (user + system) of each thread of this process now, by thread id (Linux /proc). */
function threadCpu(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/**
 * Samples the CPU time of this process's threads while `run` runs (worker threads end with it,
 * so they are read every `everyMs`) and returns the CPU seconds each thread other than the main
 * one used, largest first. On a machine shared with other work, the split of CPU between the
 * worker threads shows what free cores would make of them when the wall clock cannot.
 */
export async function workerThreadCpu<T>(run: () => Promise<T>, everyMs = 100): Promise<{ result: T; perThread: number[] }> {
  const start = threadCpu();
  const last = new Map<number, number>();
  const sample = () => {
    for (const [tid, cpu] of threadCpu()) last.set(tid, cpu - (start.get(tid) ?? 0));
  };
  const timer = setInterval(sample, everyMs);
  try {
    const result = await run();
    sample();
    last.delete(process.pid);
    return { result, perThread: [...last.values()].filter((s) => s > 0.05).sort((a, b) => b - a) };
  } finally {
    clearInterval(timer);
  }
}
