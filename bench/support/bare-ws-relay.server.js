'use strict';
/**
 * The baseline of bench/live-generator.bench.ts: a bare Binance ws -> XADD relay. One combined-
 * stream connection per 200 kline streams (Binance's limit), forming klines skipped by the same
 * substring test as the generator, each closed kline JSON.parsed and XADDed to `market` as the
 * generator's candle entry, not awaited (ioredis pipelines whatever is in flight on its one
 * connection). No schemas, no strategies, no checkpoint, no reconnects, no backpressure: the
 * floor of frame -> XADD. Plain JavaScript, run by plain node.
 *
 *   node bare-ws-relay.server.js <redis-url> <ws-base-url> <SYM1,SYM2,...> <stream>    prints "relaying"
 *
 * <stream>: the generator's market stream (STREAMS.market; its name carries a hash tag since the
 * keys' migration, so it is passed in rather than spelt here).
 *
 * SIGUSR2 prints the event-loop delay since the last SIGUSR2 (`lag p50=<ms> p99=<ms> max=<ms>`,
 * measured like prom-client's nodejs_eventloop_lag_*: monitorEventLoopDelay, 10 ms resolution).
 */
const Redis = require('ioredis');
const WebSocket = require('ws');
const { monitorEventLoopDelay } = require('node:perf_hooks');

function main() {
  const [redisUrl, wsBase, symbolList, stream] = process.argv.slice(2);
  const symbols = symbolList.split(',');
  const redis = new Redis(redisUrl);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const sockets = [];
  let open = 0;
  for (let i = 0; i < symbols.length; i += 200) {
    const streams = symbols.slice(i, i + 200).map((s) => `${s.toLowerCase()}@kline_1m`);
    const ws = new WebSocket(`${wsBase}/stream?streams=${streams.join('/')}`);
    sockets.push(ws);
    ws.on('open', () => {
      if (++open === sockets.length) console.log('relaying');
    });
    ws.on('error', (err) => console.error(err.message));
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.includes('"x":false')) return;
      const k = JSON.parse(text).data.k;
      const candle = {
        symbol: k.s,
        timeframe: k.i,
        open_time: k.t,
        close_time: k.T,
        open: Number(k.o),
        high: Number(k.h),
        low: Number(k.l),
        close: Number(k.c),
        volume: Number(k.v),
        kind: 'candle',
      };
      redis.xadd(stream, '*', 'data', JSON.stringify(candle)).catch((err) => console.error(err.message));
    });
  }
  const ms = (ns) => (ns / 1e6).toFixed(2);
  process.on('SIGUSR2', () => {
    console.log(`lag p50=${ms(lag.percentile(50))} p99=${ms(lag.percentile(99))} max=${ms(lag.max)}`);
    lag.reset();
  });
  process.once('SIGTERM', () => {
    for (const ws of sockets) ws.terminate();
    redis.disconnect();
    process.exit(0);
  });
}

main();
