import { parseStreamFrame, type FrameContext } from './stream-frame.parser';

// A closed AVAXUSDT 1m kline as Binance sends it, with the values of the data.binance.vision row
// 1738368000000,34.4220,34.4260,34.3600,34.3600,9896,1738368059999,340376.0940,1391,3538,121691.5870
const kline = {
  e: 'kline', E: 1738368060012, s: 'AVAXUSDT',
  k: {
    t: 1738368000000, T: 1738368059999, s: 'AVAXUSDT', i: '1m', f: 1, L: 1391,
    o: '34.4220', c: '34.3600', h: '34.4260', l: '34.3600', v: '9896', n: 1391, x: true,
    q: '340376.0940', V: '3538', Q: '121691.5870', B: '0',
  },
};
const ctx: FrameContext = { streams: new Set(['avaxusdt@kline_1m', 'avaxusdt@aggTrade']), interval: '1m', intervalMs: 60_000 };
const frame = (data: unknown, stream = 'avaxusdt@kline_1m'): string => JSON.stringify({ stream, data });

describe('parseStreamFrame', () => {
  it('turns a kline event into a candle with every field', () => {
    expect(parseStreamFrame(frame(kline), ctx)).toEqual({
      ok: true,
      frame: {
        kind: 'kline', stream: 'avaxusdt@kline_1m', closed: true,
        candle: {
          symbol: 'AVAXUSDT', timeframe: '1m', open_time: 1738368000000, close_time: 1738368059999,
          open: 34.422, high: 34.426, low: 34.36, close: 34.36, volume: 9896,
          quote_volume: 340376.094, trades: 1391, taker_buy_volume: 3538,
        },
      },
    });
    const forming = parseStreamFrame(frame({ ...kline, k: { ...kline.k, x: false } }), ctx);
    expect(forming.ok && forming.frame.kind === 'kline' && forming.frame.closed).toBe(false);
  });

  it('reads an aggTrade event', () => {
    const trade = { e: 'aggTrade', E: 1675329600140, s: 'AVAXUSDT', a: 5933014, p: '34.4220', q: '12', f: 100, l: 105, T: 1675329600138, m: true, nq: '12' };
    expect(parseStreamFrame(frame(trade, 'avaxusdt@aggTrade'), ctx)).toEqual({
      ok: true,
      frame: {
        kind: 'aggTrade', stream: 'avaxusdt@aggTrade',
        trade: { symbol: 'AVAXUSDT', id: 5933014, price: 34.422, quantity: 12, time: 1675329600138, buyerIsMaker: true },
      },
    });
  });

  it.each([
    ['{"stream":', 'json', /JSON/],
    ['{"result":null,"id":1}', 'envelope', /stream/],
    [frame(kline, 'btcusdt@kline_1m'), 'unexpected-stream', /'btcusdt@kline_1m' was not subscribed/],
    [frame({ e: 'depthUpdate' }), 'unknown-event', /depthUpdate/],
    [frame({ ...kline, k: { ...kline.k, c: '3.4e1' } }), 'kline', /k\.c: expected a non-negative decimal string/],
    [frame({ ...kline, k: { ...kline.k, n: '1391' } }), 'kline', /k\.n/],
    [frame({ ...kline, k: { ...kline.k, i: '5m' } }), 'kline', /payload is avaxusdt@kline_5m but arrived on avaxusdt@kline_1m/],
    [frame({ ...kline, s: 'BTCUSDT' }), 'kline', /payload is btcusdt@kline_1m/],
    [frame({ ...kline, k: { ...kline.k, T: kline.k.t + 60_000 } }), 'kline', /close time 1738368060000 is not open time \+ 60000 - 1/],
    [frame({ ...kline, k: { ...kline.k, l: '34.5' } }), 'kline', /high\/low 34.426\/34.5 do not bound/],
    [frame({ ...kline, k: { ...kline.k, o: '0', l: '0' } }), 'kline', /open/],
    [frame({ e: 'aggTrade', s: 'AVAXUSDT' }, 'avaxusdt@aggTrade'), 'aggTrade', /\w/],
  ])('skips %s as %s', (text, reason, detail) => {
    const r = parseStreamFrame(text, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe(reason);
      expect(r.detail).toMatch(detail);
    }
  });
});
