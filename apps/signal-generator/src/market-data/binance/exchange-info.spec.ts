import { decimalsOf } from './decimal-string';
import { parseExchangeInfo } from './exchange-info';

const entry = (symbol: string, filters: object[]) => ({ symbol, status: 'TRADING', filters });
const price = (tickSize: string) => ({ filterType: 'PRICE_FILTER', minPrice: '556.80', maxPrice: '4529764', tickSize });
const lot = (stepSize: string) => ({ filterType: 'LOT_SIZE', minQty: '0.001', maxQty: '1000', stepSize });

describe('parseExchangeInfo', () => {
  it('takes the exact symbol, not a dated contract of the same pair', () => {
    const body = { symbols: [entry('BTCUSDT_250627', [price('0.50'), lot('0.01')]), entry('BTCUSDT', [lot('0.001'), price('0.10')])] };
    expect(parseExchangeInfo(body, ['BTCUSDT']).get('BTCUSDT')).toEqual({
      symbol: 'BTCUSDT', status: 'TRADING', tickSize: 0.1, priceDecimals: 1, stepSize: 0.001, quantityDecimals: 3,
    });
  });

  it('names the symbol and the filter that is missing or unreadable', () => {
    expect(() => parseExchangeInfo({ symbols: [entry('ETHUSDT', [lot('0.001')])] }, ['ETHUSDT'])).toThrow(
      'exchangeInfo: ETHUSDT has no readable PRICE_FILTER.tickSize',
    );
    expect(() => parseExchangeInfo({ symbols: [entry('ETHUSDT', [price('0'), lot('0.001')])] }, ['ETHUSDT'])).toThrow('PRICE_FILTER');
    expect(() => parseExchangeInfo({ symbols: [entry('ETHUSDT', [price('0.01')])] }, ['ETHUSDT'])).toThrow('ETHUSDT has no readable LOT_SIZE.stepSize');
    expect(() => parseExchangeInfo({ code: -1003, msg: 'Too many requests.' }, ['ETHUSDT'])).toThrow('exchangeInfo: unexpected body at symbols');
  });

  it('counts decimals of a tick without its trailing zeros', () => {
    expect(['0.10', '0.0010', '1', '0.01', '10.5'].map(decimalsOf)).toEqual([1, 3, 0, 2, 1]);
  });
});
