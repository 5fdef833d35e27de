'use strict';
/**
 * The baselines of bench/gateway.bench.ts: a bare Fastify server (no hooks, no plugins) answering
 * each path with prebuilt bytes, the same body bytes the gateway served for it. Plain JavaScript,
 * run by plain node, so its CPU and RSS carry no compiler.
 *
 *   node bare-fastify.server.js <port> <bodies.json> [same-headers]
 *
 * bodies.json maps a path to `{ body, headers }`, both as the gateway answered. Without
 * `same-headers` only Content-Type is sent (the baseline of the first runs of this benchmark);
 * with it, every header the gateway sent too (its security headers, Vary, ...), one prebuilt
 * object per path, so the two servers write the same bytes. Prints "listening".
 */
const Fastify = require('fastify');
const { readFileSync } = require('node:fs');

async function main() {
  const [port, bodiesFile, mode] = process.argv.slice(2);
  const bodies = JSON.parse(readFileSync(bodiesFile, 'utf8'));
  const app = Fastify();
  for (const [path, { body, headers }] of Object.entries(bodies)) {
    const bytes = Buffer.from(body);
    const sent = mode === 'same-headers' ? headers : { 'content-type': headers['content-type'] };
    app.get(path, (_req, reply) => reply.headers(sent).send(bytes));
  }
  await app.listen({ port: Number(port), host: '127.0.0.1' });
  console.log('listening');
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
