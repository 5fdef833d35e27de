'use strict';
/**
 * The baseline of bench/gateway.bench.ts: a bare Fastify server (no hooks, no plugins) answering
 * each path with prebuilt bytes, the same bytes the gateway served for it. Plain JavaScript, run
 * by plain node, so its CPU and RSS carry no compiler.
 *
 *   node bare-fastify.server.js <port> <bodies.json>     bodies.json maps a path to its body; prints "listening"
 */
const Fastify = require('fastify');
const { readFileSync } = require('node:fs');

async function main() {
  const [port, bodiesFile] = process.argv.slice(2);
  const bodies = JSON.parse(readFileSync(bodiesFile, 'utf8'));
  const app = Fastify();
  for (const [path, body] of Object.entries(bodies)) {
    const bytes = Buffer.from(body);
    app.get(path, (_req, reply) => reply.header('Content-Type', 'application/json; charset=utf-8').send(bytes));
  }
  await app.listen({ port: Number(port), host: '127.0.0.1' });
  console.log('listening');
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
