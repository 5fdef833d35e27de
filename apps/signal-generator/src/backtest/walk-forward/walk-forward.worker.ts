import type { MessagePort } from 'node:worker_threads';
import { CandleSeries } from '../../market-data/replay/candle-series';
import type { KlineFile } from '../../market-data/replay/kline-file';
import { runWindow, type WindowResult, type WindowTask } from './window-task';

/** A window task as a worker thread receives it: the data files, and a port for progress. */
export interface WorkerTask extends WindowTask {
  files: KlineFile[];
  skipBadRows: boolean;
  /** One message per backtest run finished, for the progress bar. */
  progress: MessagePort;
}

/** The files as read by this thread, kept for the next window (every task of a run has the same files). */
let loaded: { key: string; series: Promise<CandleSeries> } | undefined;

/** The worker thread's entry (piscina calls the default export with each task). */
export default async function walkForwardWorker({ files, skipBadRows, progress, ...task }: WorkerTask): Promise<WindowResult> {
  const key = JSON.stringify([files, skipBadRows]);
  if (loaded?.key !== key) loaded = { key, series: CandleSeries.load(files, { badRows: skipBadRows ? 'skip' : 'fail' }) };
  try {
    return await runWindow(await loaded.series, task, () => progress.postMessage(1));
  } finally {
    progress.close();
  }
}
