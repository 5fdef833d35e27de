import { z } from 'zod';
import type { BinanceRestClient } from './binance-rest.client';
import { decimalsOf } from './decimal-string';

/** Price and quantity grid of one futures symbol, from `/fapi/v1/exchangeInfo`. */
export interface SymbolFilters {
  symbol: string;
  /** `TRADING`, `SETTLING`, `PENDING_TRADING`, ... */
  status: string;
  /** PRICE_FILTER.tickSize: prices are multiples of this. */
  tickSize: number;
  /** Decimals of the tick ("0.10" → 1): round to these to avoid 0.30000000000000004. */
  priceDecimals: number;
  /** LOT_SIZE.stepSize: order quantities are multiples of this. */
  stepSize: number;
  quantityDecimals: number;
}

const positiveDecimal = z.string().regex(/^\d+(\.\d+)?$/).refine((s) => Number(s) > 0, 'must be > 0');

const ExchangeInfoSchema = z.object({
  symbols: z.array(
    z.object({
      symbol: z.string(),
      status: z.string(),
      filters: z.array(z.object({ filterType: z.string() }).loose()),
    }),
  ),
});

const PriceFilterSchema = z.object({ filterType: z.literal('PRICE_FILTER'), tickSize: positiveDecimal });
const LotSizeSchema = z.object({ filterType: z.literal('LOT_SIZE'), stepSize: positiveDecimal });

/**
 * Picks the filters of `symbols` out of an exchangeInfo body. Throws naming the symbol and the
 * filter when one is missing or unreadable: rounding prices to a guessed tick would publish
 * signals ATAS cannot place.
 */
export function parseExchangeInfo(body: unknown, symbols: readonly string[]): Map<string, SymbolFilters> {
  const info = ExchangeInfoSchema.safeParse(body);
  if (!info.success) {
    const issue = info.error.issues[0];
    throw new Error(`exchangeInfo: unexpected body at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const bySymbol = new Map(info.data.symbols.map((s) => [s.symbol, s]));
  const out = new Map<string, SymbolFilters>();
  for (const symbol of symbols) {
    const entry = bySymbol.get(symbol);
    if (!entry) throw new Error(`exchangeInfo: symbol ${symbol} is not listed on Binance USDT-M futures`);
    const price = PriceFilterSchema.safeParse(entry.filters.find((f) => f.filterType === 'PRICE_FILTER'));
    if (!price.success) throw new Error(`exchangeInfo: ${symbol} has no readable PRICE_FILTER.tickSize`);
    const lot = LotSizeSchema.safeParse(entry.filters.find((f) => f.filterType === 'LOT_SIZE'));
    if (!lot.success) throw new Error(`exchangeInfo: ${symbol} has no readable LOT_SIZE.stepSize`);
    out.set(symbol, {
      symbol,
      status: entry.status,
      tickSize: Number(price.data.tickSize),
      priceDecimals: decimalsOf(price.data.tickSize),
      stepSize: Number(lot.data.stepSize),
      quantityDecimals: decimalsOf(lot.data.stepSize),
    });
  }
  return out;
}

/** Fetches exchangeInfo once (weight 1) and returns the filters of `symbols`. */
export async function fetchSymbolFilters(
  client: BinanceRestClient,
  symbols: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, SymbolFilters>> {
  return parseExchangeInfo(await client.exchangeInfo(signal), symbols);
}
