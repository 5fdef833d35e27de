import { candleFromRestRow, RestKlinesSchema } from './kline.parser';

const ctx = { interval: '5m', intervalMs: 300_000 };

describe('REST kline rows', () => {
  it('parses the 12-column /fapi/v1/klines row', () => {
    // Binance's documented example response for BTCUSDT 5m.
    const body = [
      [1616338800000, '57212.69', '57315.00', '57196.19', '57300.00', '496.263', 1616339099999, '28425514.78940', 7160, '273.108', '15642623.69718', '0'],
    ];
    const rows = RestKlinesSchema.parse(body);
    expect(candleFromRestRow(rows[0], 'BTCUSDT', ctx)).toEqual({
      symbol: 'BTCUSDT', timeframe: '5m', open_time: 1616338800000, close_time: 1616339099999,
      open: 57212.69, high: 57315, low: 57196.19, close: 57300, volume: 496.263,
      quote_volume: 28425514.7894, trades: 7160, taker_buy_volume: 273.108,
    });
  });

  it('rejects rows that are not klines', () => {
    expect(RestKlinesSchema.safeParse([[1616338800000, 57212.69, '1', '1', '1', '1', 1616339099999]]).success).toBe(false);
    expect(RestKlinesSchema.safeParse({ code: -1121, msg: 'Invalid symbol.' }).success).toBe(false);
    const row = RestKlinesSchema.parse([[1616338800000, '1', '1', '1', '1', '1', 1616338859999]]);
    expect(() => candleFromRestRow(row[0], 'BTCUSDT', ctx)).toThrow('close time 1616338859999 is not open time + 300000 - 1');
  });
});
