import { parseFetchArgs } from './data-fetch.options';

const parse = (args: string, env: NodeJS.ProcessEnv = {}) => parseFetchArgs(args.split(' ').filter(Boolean), env);

describe('parseFetchArgs', () => {
  it('fills the defaults: USDT-M futures, 1m, data/binance, one month, data.binance.vision', () => {
    expect(parse('--symbols btcusdt,ETHUSDT,btcusdt --from 2025-01')).toEqual({
      symbols: ['BTCUSDT', 'ETHUSDT'], market: 'futures-um', interval: '1m', from: '2025-01', to: '2025-01',
      outDir: 'data/binance', baseUrl: 'https://data.binance.vision', retries: 5, concurrency: 4,
    });
  });

  it('takes the base URL from the flag, else BINANCE_DATA_URL, without a trailing slash', () => {
    expect(parse('--symbols BTCUSDT --from 2025-01', { BINANCE_DATA_URL: 'http://127.0.0.1:8080/' })).toMatchObject({ baseUrl: 'http://127.0.0.1:8080' });
    expect(parse('--symbols BTCUSDT --from 2025-01 --base-url http://mirror.local/binance/', { BINANCE_DATA_URL: 'http://x' })).toMatchObject({ baseUrl: 'http://mirror.local/binance' });
  });

  it('returns help for -h', () => {
    expect(parse('-h')).toBe('help');
  });

  it.each([
    ['--from 2025-01', '--symbols is required'],
    ['--symbols BTCUSDT', '--from is required'],
    ['--symbols BTC-USDT --from 2025-01', "--symbols: 'BTC-USDT' is not a symbol like BTCUSDT"],
    ['--symbols BTCUSDT --from 2025-1', "--from '2025-1' is not a month like 2025-01"],
    ['--symbols BTCUSDT --from 2025-01 --to 25-06', "--to '25-06' is not a month like 2025-01"],
    ['--symbols BTCUSDT --from 2025-01 --market options', "--market must be one of futures-um, spot, got 'options'"],
    ['--symbols BTCUSDT --from 2025-01 --interval 1mo', "--interval must be one of 1s, 1m"],
    ['--symbols BTCUSDT --from 2025-01 --interval 1s', '--interval 1s is published for --market spot only'],
    ['--symbols BTCUSDT --from 2025-01 --retries many', "--retries must be a whole number from 0 to 20, got 'many'"],
    ['--symbols BTCUSDT --from 2025-01 --base-url ftp://x', "--base-url 'ftp://x' is not an http(s) URL"],
    ['--symbols BTCUSDT --from 2025-01 --sybmols X', "Unknown option '--sybmols'"],
  ])('%s → %s', (args, message) => {
    expect(() => parse(args)).toThrow(message);
  });
});
