import { combinedStreamUrl, DEFAULT_WS_BASE_URL, shardStreams, streamNames } from './binance-endpoints';

describe('combined stream URL', () => {
  it('names streams as Binance does and joins them on the /market route', () => {
    const streams = streamNames({ klineSymbols: ['BTCUSDT', 'ETHUSDT'], interval: '1m', aggTradeSymbols: ['ETHUSDT'] });
    expect(streams).toEqual(['btcusdt@kline_1m', 'ethusdt@kline_1m', 'ethusdt@aggTrade']);
    expect(combinedStreamUrl(DEFAULT_WS_BASE_URL, streams)).toBe(
      'wss://fstream.binance.com/market/stream?streams=btcusdt@kline_1m/ethusdt@kline_1m/ethusdt@aggTrade',
    );
    expect(combinedStreamUrl('ws://127.0.0.1:9/market/', ['btcusdt@kline_5m'])).toBe('ws://127.0.0.1:9/market/stream?streams=btcusdt@kline_5m');
  });

  it('refuses more streams than one connection may carry', () => {
    const many = Array.from({ length: 201 }, (_, i) => `s${i}usdt@kline_1m`);
    expect(() => combinedStreamUrl(DEFAULT_WS_BASE_URL, many)).toThrow('201 streams requested; Binance allows 200 per connection');
    expect(() => combinedStreamUrl(DEFAULT_WS_BASE_URL, [])).toThrow('at least one stream');
  });

  it('splits 401 streams over 3 connections of at most 200, keeping their order', () => {
    const many = Array.from({ length: 401 }, (_, i) => `s${i}usdt@kline_1m`);
    const shards = shardStreams(many);
    expect(shards.map((s) => s.length)).toEqual([200, 200, 1]);
    expect(shards.flat()).toEqual(many);
    for (const s of shards) expect(() => combinedStreamUrl(DEFAULT_WS_BASE_URL, s)).not.toThrow();
  });
});
