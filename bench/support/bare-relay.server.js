'use strict';
/**
 * The baseline of bench/notifier.bench.ts: a bare stream-to-Telegram relay. One ioredis XREAD
 * BLOCK loop on the signals stream and, for each entry, one sendMessage POST carrying the
 * signal's timestamp, all in flight at once over keep-alive connections. No consumer group, no
 * queue, no exactly-once bookkeeping, no rate limits: the floor of XADD -> Bot API. Plain
 * JavaScript, run by plain node.
 *
 *   node bare-relay.server.js <redis-url> <stream> <bot-api-url> <token> <chat-id>    prints "relaying"
 */
const Redis = require('ioredis');
const http = require('node:http');

function main() {
  const [redisUrl, stream, apiUrl, token, chatId] = process.argv.slice(2);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(`${apiUrl}/bot${token}/sendMessage`);
  const post = (text) => {
    const body = JSON.stringify({ chat_id: chatId, text });
    const req = http.request(target, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => res.resume());
    req.on('error', (err) => console.error(err.message));
    req.end(body);
  };
  const redis = new Redis(redisUrl);
  let closing = false;
  // The benchmark gives each run a fresh Redis: everything on the stream is to be relayed.
  let last = '0-0';
  const loop = async () => {
    while (!closing) {
      const got = await redis.xread('BLOCK', 1000, 'STREAMS', stream, last);
      for (const [, entries] of got ?? []) {
        for (const [id, fields] of entries) {
          last = id;
          const signal = JSON.parse(fields[fields.indexOf('data') + 1]);
          post(`${signal.direction} ${signal.symbol} ${signal.timestamp}`);
        }
      }
    }
  };
  const looping = loop();
  redis.once('ready', () => console.log('relaying'));
  process.once('SIGTERM', () => {
    closing = true;
    void looping.finally(() => {
      redis.disconnect();
      agent.destroy();
      process.exit(0);
    });
  });
}

main();
