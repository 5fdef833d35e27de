import { parseArgs } from 'node:util';
import { MARKET_PATHS, Market, monthIndex } from './archive-plan';

export const DEFAULT_BASE_URL = 'https://data.binance.vision';

/**
 * Kline intervals data.binance.vision publishes that the replay can read (`1mo` is left out: it
 * is not a fixed length of time). `1s` exists for spot only.
 */
const INTERVALS = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w'];

export const USAGE = `usage: npm run data:fetch -- --symbols BTCUSDT,ETHUSDT --from 2025-01 [--to 2025-06]
                          [--market futures-um|spot] [--interval 1m] [--out data/binance]
                          [--base-url URL] [--retries 5] [--concurrency 4]

Downloads Binance's public kline archives (data.binance.vision): a monthly file per past month and
a daily file per finished day of the current month. Each file is checked against its published
sha256 before use; partial downloads resume; files already downloaded and verified are skipped.
Writes one CSV per archive to <out>/<market>/, ready for \`npm run backtest -- <files>\`.

  --to         last month, inclusive (default: --from)
  --market     futures-um (USDT-M futures, default) or spot
  --base-url   a mirror of the data.binance.vision layout (default: $BINANCE_DATA_URL or ${DEFAULT_BASE_URL})`;

export interface FetchOptions {
  symbols: string[];
  market: Market;
  interval: string;
  from: string;
  to: string;
  outDir: string;
  baseUrl: string;
  retries: number;
  concurrency: number;
}

/** A command line the tool cannot run; the message says what to change. */
export class UsageError extends Error {
  override name = 'UsageError';
}

function count(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${value}'`);
  return n;
}

/** The command line (and BINANCE_DATA_URL) → options, or `help`. Throws UsageError naming the problem. */
export function parseFetchArgs(argv: string[], env: NodeJS.ProcessEnv): FetchOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        symbols: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        market: { type: 'string', default: 'futures-um' },
        interval: { type: 'string', default: '1m' },
        out: { type: 'string', default: 'data/binance' },
        'base-url': { type: 'string' },
        retries: { type: 'string', default: '5' },
        concurrency: { type: 'string', default: '4' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  if (!values.symbols) throw new UsageError('--symbols is required, e.g. --symbols BTCUSDT,ETHUSDT');
  if (!values.from) throw new UsageError('--from is required, e.g. --from 2025-01');
  const symbols = [...new Set(values.symbols.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== ''))];
  const badSymbol = symbols.find((s) => !/^[A-Z0-9]{2,20}$/.test(s));
  if (badSymbol !== undefined || symbols.length === 0) throw new UsageError(`--symbols: '${badSymbol ?? values.symbols}' is not a symbol like BTCUSDT`);
  if (!(values.market in MARKET_PATHS)) throw new UsageError(`--market must be one of ${Object.keys(MARKET_PATHS).join(', ')}, got '${values.market}'`);
  const market = values.market as Market;
  if (!INTERVALS.includes(values.interval)) throw new UsageError(`--interval must be one of ${INTERVALS.join(', ')}, got '${values.interval}'`);
  if (values.interval === '1s' && market !== 'spot') throw new UsageError('--interval 1s is published for --market spot only');
  const to = values.to ?? values.from;
  try {
    monthIndex(values.from, '--from');
    monthIndex(to, '--to');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const rawBase = values['base-url'] ?? env.BINANCE_DATA_URL ?? DEFAULT_BASE_URL;
  let base: URL;
  try {
    base = new URL(rawBase);
  } catch {
    throw new UsageError(`--base-url '${rawBase}' is not a URL`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new UsageError(`--base-url '${rawBase}' is not an http(s) URL`);
  return {
    symbols,
    market,
    interval: values.interval,
    from: values.from,
    to,
    outDir: values.out,
    baseUrl: base.href.replace(/\/+$/, ''),
    retries: count(values.retries, '--retries', 0, 20),
    concurrency: count(values.concurrency, '--concurrency', 1, 16),
  };
}
