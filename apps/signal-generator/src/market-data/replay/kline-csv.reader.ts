import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Candle } from '@app/contracts';
import { timeframeMs } from '../timeframe';
import { CsvRowError } from './csv-row-error';
import { columnsFromHeader, columnsFromWidth, isHeader, KlineColumns, parseKlineRow } from './kline-csv.parser';
import type { KlineFile } from './kline-file';

export interface ReadKlinesOptions {
  /**
   * What to do with a row that is not a valid candle (unparseable, inconsistent prices, out of
   * time order). `fail` (default) throws a CsvRowError naming file and line: a backtest on silently
   * altered data is worse than none. `skip` drops the row and reports it to `onBadRow`.
   */
  badRows?: 'fail' | 'skip';
  onBadRow?: (error: CsvRowError) => void;
}

/**
 * Streams the closed candles of one kline CSV line by line (files can be hundreds of MB), in
 * file order. Rows must be strictly increasing in open time.
 */
export async function* readKlineFile(file: KlineFile, opts: ReadKlinesOptions = {}): AsyncGenerator<Candle> {
  const ctx = { symbol: file.symbol, timeframe: file.timeframe, timeframeMs: timeframeMs(file.timeframe) };
  const input = createReadStream(file.path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let cols: KlineColumns | undefined;
  let lineNo = 0;
  let lastOpen = -Infinity;
  try {
    for await (const raw of lines) {
      lineNo++;
      const line = raw.trim();
      if (line === '') continue;
      try {
        if (cols === undefined) {
          if (isHeader(line)) {
            cols = columnsFromHeader(line);
            continue;
          }
          cols = columnsFromWidth(line.split(',').length);
        }
        const candle = parseKlineRow(line, cols, ctx);
        if (candle.open_time <= lastOpen) {
          throw new Error(`open_time ${candle.open_time} is not after the previous row's ${lastOpen}`);
        }
        lastOpen = candle.open_time;
        yield candle;
      } catch (err) {
        const rowError = new CsvRowError(file.path, lineNo, (err as Error).message);
        // A bad header or layout makes every row unreadable: never skip past it.
        if (opts.badRows !== 'skip' || cols === undefined) throw rowError;
        opts.onBadRow?.(rowError);
      }
    }
  } catch (err) {
    if (err instanceof CsvRowError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${file.path}: no such file` : `${file.path}: ${(err as Error).message}`);
  } finally {
    lines.close();
    input.destroy();
  }
}
