import { binanceEnvShape, binanceOptionsFromEnv } from './binance.config';
import { resolveOptions } from './binance-futures.options';
import { z } from 'zod';

describe('feed options', () => {
  it('fills the documented defaults', () => {
    const r = resolveOptions({ symbols: ['BTCUSDT'] });
    expect(r).toMatchObject({
      interval: '1m', wsBaseUrl: 'wss://fstream.binance.com/market', stallTimeoutMs: 30_000,
      reconnectBaseMs: 500, reconnectMaxMs: 30_000, maxConnectionAgeMs: 85_800_000, closedGraceMs: 1_000, gapFillPageSize: 499,
    });
  });

  it('names the bad option', () => {
    expect(() => resolveOptions({ symbols: [] })).toThrow('symbols is empty');
    expect(() => resolveOptions({ symbols: ['btcusdt'] })).toThrow("symbol 'btcusdt' is not an upper-case Binance symbol");
    expect(() => resolveOptions({ symbols: ['BTCUSDT', 'BTCUSDT'] })).toThrow('symbols has duplicates');
    expect(() => resolveOptions({ symbols: ['BTCUSDT'], wsBaseUrl: 'https://x' })).toThrow("wsBaseUrl 'https://x' is not a ws:// or wss:// URL");
    expect(() => resolveOptions({ symbols: ['BTCUSDT'], stallTimeoutMs: 0 })).toThrow('stallTimeoutMs must be a positive number, got 0');
    expect(() => resolveOptions({ symbols: ['BTCUSDT'], reconnectBaseMs: 10, reconnectMaxMs: 5 })).toThrow('reconnectMaxMs is below reconnectBaseMs');
    expect(() => resolveOptions({ symbols: ['BTCUSDT'], gapFillPageSize: 2000 })).toThrow('gapFillPageSize must be 1..1500, got 2000');
  });

  it('reads its environment variables with defaults and names a bad one', () => {
    const schema = z.object(binanceEnvShape);
    expect(binanceOptionsFromEnv(schema.parse({}))).toEqual({
      wsBaseUrl: 'wss://fstream.binance.com/market',
      rest: { baseUrl: 'https://fapi.binance.com' },
      stallTimeoutMs: 30_000, reconnectBaseMs: 500, reconnectMaxMs: 30_000, maxConnectionAgeMs: 85_800_000,
    });
    expect(binanceOptionsFromEnv(schema.parse({ BINANCE_STALL_TIMEOUT_MS: '500' })).stallTimeoutMs).toBe(500);
    const bad = schema.safeParse({ BINANCE_WS_URL: 'https://fstream.binance.com' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['BINANCE_WS_URL'], message: 'must be a ws:// or wss:// URL' });
  });
});
