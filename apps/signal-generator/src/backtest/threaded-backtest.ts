import { extname, join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { KlineFile } from '../market-data/replay/kline-file';
import type { BacktestResult } from './backtest.runner';
import type { BacktestSettings, ShardResult, ShardTask } from './backtest.worker';
import { SourceStats } from './source-stats';

/** The worker's module beside this one: `.ts` under the TypeScript loader, `.js` once built. */
const WORKER_FILE = join(__dirname, `backtest.worker${extname(__filename)}`);

/** Files grouped by symbol, as evenly as the symbols allow over `shards` groups (largest first). */
export function shardBySymbol(files: readonly KlineFile[], shards: number, sizeOf: (f: KlineFile) => number): KlineFile[][] {
  const bySymbol = new Map<string, KlineFile[]>();
  for (const f of files) bySymbol.set(f.symbol, [...(bySymbol.get(f.symbol) ?? []), f]);
  const weight = (fs: KlineFile[]) => fs.reduce((a, f) => a + sizeOf(f), 0);
  const groups = [...bySymbol.values()].sort((a, b) => weight(b) - weight(a) || (a[0].symbol < b[0].symbol ? -1 : 1));
  const out: { files: KlineFile[]; size: number }[] = Array.from({ length: Math.min(shards, groups.length) }, () => ({ files: [], size: 0 }));
  for (const g of groups) {
    const lightest = out.reduce((best, o) => (o.size < best.size ? o : best));
    lightest.files.push(...g);
    lightest.size += weight(g);
  }
  return out.map((o) => o.files);
}

/**
 * Feeds every shard's closed trades to `add` in the order one thread closes them: by the candle
 * (open time, then symbol, as the replay merges files), then within it. Each shard's trades are
 * already in that order, so this is a k-way merge.
 */
function mergeTrades(parts: readonly ShardResult[], add: (part: ShardResult, i: number) => void): void {
  const pos = parts.map(() => 0);
  for (;;) {
    let best = -1;
    for (let k = 0; k < parts.length; k++) {
      const tr = parts[k].trades;
      if (pos[k] >= tr.t.length) continue;
      if (best === -1 || before(parts[k], pos[k], parts[best], pos[best])) best = k;
    }
    if (best === -1) return;
    add(parts[best], pos[best]++);
  }
}

function before(a: ShardResult, i: number, b: ShardResult, j: number): boolean {
  if (a.trades.t[i] !== b.trades.t[j]) return a.trades.t[i] < b.trades.t[j];
  const sa = a.symbols[a.trades.symbol[i]];
  const sb = b.symbols[b.trades.symbol[j]];
  return sa !== sb ? sa < sb : a.trades.seq[i] < b.trades.seq[j];
}

/**
 * The backtest with its symbols spread over worker threads. Symbols never interact in a backtest
 * (each has its own pipeline state, cooldown and one position per source), so each thread runs
 * the whole backtest on its symbols' files; the merge adds every thread's closed trades to the
 * statistics in the order a single thread would have closed them, so the result is the same,
 * figure for figure (drawdowns included), for any number of threads.
 */
export async function runThreadedBacktest(
  shards: KlineFile[][],
  settings: BacktestSettings,
  onProgress?: (candles: number) => void,
): Promise<BacktestResult & { badRows: string[] }> {
  const pool = new Piscina<ShardTask, ShardResult>({ filename: WORKER_FILE, minThreads: shards.length, maxThreads: shards.length });
  let done = 0;
  try {
    const parts = await Promise.all(
      shards.map((files) => {
        const { port1, port2 } = new MessageChannel();
        port1.on('message', (n: number) => onProgress?.((done += n)));
        return pool.run({ files, settings, progress: port2 }, { transferList: [port2] }).finally(() => port1.close());
      }),
    );
    const stats = new Map<string, SourceStats>();
    for (const p of parts) {
      for (const row of p.rows) {
        let st = stats.get(row.source);
        if (!st) stats.set(row.source, (st = new SourceStats()));
        st.signals += row.signals;
        st.ignored += row.ignored;
        st.unresolved += row.unresolved;
      }
    }
    mergeTrades(parts, (p, i) => {
      const st = stats.get(p.rows[p.trades.source[i]].source) as SourceStats;
      st.net.add(p.trades.net[i]);
      st.gross.add(p.trades.gross[i]);
    });
    const firsts = parts.flatMap((p) => (p.firstOpenTime === undefined ? [] : [p.firstOpenTime]));
    const lasts = parts.flatMap((p) => (p.lastOpenTime === undefined ? [] : [p.lastOpenTime]));
    return {
      candles: parts.reduce((a, p) => a + p.candles, 0),
      symbols: [...new Set(parts.flatMap((p) => p.symbols))].sort(),
      firstOpenTime: firsts.length ? Math.min(...firsts) : undefined,
      lastOpenTime: lasts.length ? Math.max(...lasts) : undefined,
      rows: [...stats].map(([source, s]) => ({ source, stats: s })),
      costs: settings.costs,
      maxHoldMs: settings.maxHoldMs,
      badRows: parts.flatMap((p) => p.badRows),
    };
  } finally {
    await pool.destroy();
  }
}
