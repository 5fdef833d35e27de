'use strict';
/**
 * The baseline of bench/sse-fanout.bench.ts: a bare Node SSE server. node:http, one ioredis
 * XREAD BLOCK loop on the signals stream, and each entry written to every connection as one
 * prebuilt frame (`id:`, `event: signal`, `data:` the entry's JSON plus its id, as the gateway
 * sends). No framework, no validation, no read model. Plain JavaScript, run by plain node, so its
 * CPU and RSS carry no compiler.
 *
 *   node bare-sse.server.js <port> <redis-url> <stream>     prints "listening"
 */
const Redis = require('ioredis');
const { createServer } = require('node:http');

function main() {
  const [port, redisUrl, stream] = process.argv.slice(2);
  const clients = new Set();
  const server = createServer((req, res) => {
    if (!req.url.startsWith('/stream')) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.socket.setNoDelay(true);
    res.write('retry: 3000\n\n');
    clients.add(res);
    res.once('close', () => clients.delete(res));
  });
  const redis = new Redis(redisUrl);
  let closing = false;
  let last = '$';
  const loop = async () => {
    while (!closing) {
      const got = await redis.xread('BLOCK', 1000, 'STREAMS', stream, last);
      for (const [, entries] of got ?? []) {
        for (const [id, fields] of entries) {
          last = id;
          const json = fields[fields.indexOf('data') + 1];
          const frame = Buffer.from(`id: ${id}\nevent: signal\ndata: ${json.slice(0, -1)},"id":"${id}"}\n\n`);
          for (const res of clients) res.write(frame);
        }
      }
    }
  };
  server.listen(Number(port), '127.0.0.1', () => console.log('listening'));
  const looping = loop();
  process.once('SIGTERM', () => {
    closing = true;
    for (const res of clients) res.destroy();
    server.close();
    void looping.finally(() => {
      redis.disconnect();
      process.exit(0);
    });
  });
}

main();
