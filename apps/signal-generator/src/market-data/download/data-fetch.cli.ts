import { ArchiveRef, planArchives } from './archive-plan';
import type { ArchiveOutcome } from './archive-outcome';
import { fetchArchive } from './archive.fetcher';
import { parseFetchArgs, USAGE, UsageError } from './data-fetch.options';
import { createReporter } from './fetch-progress';

/** Runs `work` over `items` with at most `limit` in flight; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function summary(outcomes: ArchiveOutcome[]): string {
  const n = (kind: ArchiveOutcome['kind']) => outcomes.filter((o) => o.kind === kind).length;
  return `archives: ${n('downloaded')} downloaded, ${n('present')} already there, ${n('missing')} not on the server, ${n('failed')} failed`;
}

/** Exit codes: 0 every archive is there or absent from the server; 1 one failed, or none exists; 2 usage. */
async function main(argv: string[]): Promise<number> {
  let opts;
  let plan: ArchiveRef[];
  try {
    opts = parseFetchArgs(argv, process.env);
    if (opts === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    plan = planArchives(opts, new Date());
  } catch (err) {
    process.stderr.write(`data:fetch: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (plan.length === 0) {
    process.stdout.write('nothing to fetch: the current month has no finished day yet\n');
    return 0;
  }
  const reporter = createReporter(plan.length, process.stderr.isTTY === true);
  const outcomes = await mapLimit(plan, opts.concurrency, async (ref) => {
    const outcome = await fetchArchive(ref, {
      baseUrl: opts.baseUrl,
      outDir: opts.outDir,
      retries: opts.retries,
      onProgress: (r, received, total) => reporter.progress(r, received, total),
      onRetry: (r, message) => reporter.retry(r, message),
    });
    reporter.done(outcome);
    return outcome;
  });
  reporter.stop();
  process.stdout.write(`${summary(outcomes)}\n`);
  const csvs = outcomes.flatMap((o) => (o.kind === 'downloaded' || o.kind === 'present' ? [o.csv] : []));
  if (csvs.length > 0) process.stdout.write(`backtest them with: npm run backtest -- ${opts.outDir}/${opts.market}/*-${opts.interval}-*.csv\n`);
  const failed = outcomes.filter((o) => o.kind === 'failed').length;
  if (failed > 0) {
    process.stderr.write(`data:fetch: ${failed} of ${plan.length} archives failed (see above); run again to retry them\n`);
    return 1;
  }
  if (csvs.length === 0) {
    process.stderr.write(`data:fetch: none of the ${plan.length} archives exists on ${opts.baseUrl}; check the symbols, the market and the months\n`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const msg = err instanceof UsageError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`data:fetch: ${msg}\n`);
    process.exit(1);
  },
);
