import { MultiBar, Presets, SingleBar } from 'cli-progress';
import { archiveName, ArchiveRef } from './archive-plan';
import { ArchiveOutcome, describeOutcome } from './archive-outcome';

/** What the user sees while archives come in. */
export interface FetchReporter {
  progress(ref: ArchiveRef, received: number, total: number | undefined): void;
  retry(ref: ArchiveRef, message: string): void;
  done(outcome: ArchiveOutcome): void;
  stop(): void;
}

/**
 * On a terminal: an overall bar (archives) and one bar per download in flight (KiB), with each
 * archive's result printed above them. Elsewhere (CI, a pipe): just the result lines on stdout
 * and retries on stderr, so logs stay readable.
 */
export function createReporter(files: number, tty: boolean): FetchReporter {
  if (!tty) {
    return {
      progress: () => undefined,
      retry: (ref, message) => process.stderr.write(`${archiveName(ref)}: ${message}\n`),
      done: (o) => process.stdout.write(`${describeOutcome(o, archiveName(o.ref))}\n`),
      stop: () => undefined,
    };
  }
  const multi = new MultiBar(
    { stream: process.stderr, hideCursor: true, clearOnComplete: true, linewrap: true, format: '{bar} {percentage}% | {name} | {value}/{total} {unit}' },
    Presets.shades_classic,
  );
  const overall = multi.create(files, 0, { name: 'archives', unit: '' });
  const bars = new Map<string, SingleBar>();
  const kib = (n: number) => Math.round(n / 1024);
  return {
    progress(ref, received, total) {
      const name = archiveName(ref);
      let bar = bars.get(name);
      if (!bar) bars.set(name, (bar = multi.create(kib(total ?? received), 0, { name, unit: 'KiB' })));
      if (total !== undefined) bar.setTotal(kib(total));
      bar.update(kib(received));
    },
    // MultiBar.log only buffers until the next redraw; update() draws now, so no line is lost at stop.
    retry(ref, message) {
      multi.log(`${archiveName(ref)}: ${message}\n`);
      multi.update();
    },
    done(o) {
      const name = archiveName(o.ref);
      const bar = bars.get(name);
      multi.log(`${describeOutcome(o, name)}\n`);
      if (bar) multi.remove(bar);
      bars.delete(name);
      overall.increment();
      multi.update();
    },
    stop: () => multi.stop(),
  };
}
