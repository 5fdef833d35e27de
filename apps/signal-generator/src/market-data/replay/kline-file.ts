import { basename } from 'node:path';

/** What a replay file holds; symbol and timeframe come from the name unless given. */
export interface KlineFile {
  path: string;
  symbol: string;
  timeframe: string;
}

const NAME_RE = /^([A-Za-z0-9]{2,20})[-_](\d+[smhdw])\b/;

/**
 * `data/BTCUSDT-1m-2025-05-06.csv` → BTCUSDT, 1m (the data.binance.vision naming). A name that does
 * not follow it needs `symbol` (and `timeframe`, else `defaultTimeframe`) from config.
 */
export function describeKlineFile(path: string, override: { symbol?: string; defaultTimeframe?: string } = {}): KlineFile {
  const m = NAME_RE.exec(basename(path));
  const symbol = override.symbol ?? m?.[1].toUpperCase();
  if (!symbol) throw new Error(`${path}: cannot tell the symbol from the file name (expected e.g. BTCUSDT-1m-2025-05-06.csv); name it that way or set the symbol`);
  const timeframe = m ? m[2] : override.defaultTimeframe;
  if (!timeframe) throw new Error(`${path}: cannot tell the timeframe from the file name; set it`);
  return { path, symbol, timeframe };
}
