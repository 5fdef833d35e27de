import { columnsFromHeader, parseKlineRow } from '../replay/kline-csv.parser';
import { KLINE_CSV_HEADER, normalizeKlineLine } from './kline-row.normalizer';

const FUTURES_ROW = '1738368000000,34.4220,34.4260,34.3600,34.3600,9896,1738368059999,340376.0940,1391,3538,121691.5870,0';
const SPOT_ROW_US = '1735700400000000,94098.9,94098.91,94049.47,94049.47,7.50148,1735700459999999,705812.11,1021,3.1,291730.2,0';

describe('normalizeKlineLine', () => {
  it('drops the futures header and blank lines', () => {
    expect(normalizeKlineLine('open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore')).toBeUndefined();
    expect(normalizeKlineLine('  \r')).toBeUndefined();
  });

  it('keeps a millisecond row as it is, less the ignore column', () => {
    expect(normalizeKlineLine(`${FUTURES_ROW}\r`)).toBe(FUTURES_ROW.slice(0, -2));
  });

  it('turns spot microsecond timestamps into milliseconds', () => {
    expect(normalizeKlineLine(SPOT_ROW_US)).toBe('1735700400000,94098.9,94098.91,94049.47,94049.47,7.50148,1735700459999,705812.11,1021,3.1,291730.2');
  });

  it('writes rows the replay parser reads under the written header', () => {
    const cols = columnsFromHeader(KLINE_CSV_HEADER);
    const candle = parseKlineRow(normalizeKlineLine(SPOT_ROW_US) as string, cols, { symbol: 'BTCUSDT', timeframe: '1m', timeframeMs: 60_000 });
    expect(candle).toEqual({
      symbol: 'BTCUSDT', timeframe: '1m', open_time: 1735700400000, close_time: 1735700459999,
      open: 94098.9, high: 94098.91, low: 94049.47, close: 94049.47, volume: 7.50148,
      quote_volume: 705812.11, trades: 1021, taker_buy_volume: 3.1,
    });
  });

  it('names a row that is not a kline', () => {
    expect(() => normalizeKlineLine('1738368000000,1,2,0.5,1.5,10')).toThrow('expected the 12 kline columns, got 6');
    expect(() => normalizeKlineLine('1738368000000,1,2,0.5,1.5,10,soon,1,1,1,1,0')).toThrow("close_time 'soon' is not an epoch timestamp");
  });
});
