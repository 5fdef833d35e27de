/**
 * `npm run bench:gateway`: HTTP latency and throughput of the gateway's read endpoints against a
 * trivial route (`GET /`, a small object built per request) as the baseline. The gateway runs as
 * its own process (needs `npm run build`) over a private redis-server, loaded with 500 signals
 * of which 50 are active; the client is a keep-alive loop with fixed concurrency.
 *
 *   npm run build && npm run bench:gateway            # REQUESTS=20000 CONCURRENCY=32 by default
 */
import { Agent, request } from 'node:http';
import Redis from 'ioredis';
import { encodeEntry, MicrosClock, STREAMS, type NewSignal } from '@app/contracts';
import { freePort, startRedis, startService, waitFor } from '@app/testing';

const REQUESTS = Number(process.env.REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);

const ROUTES = ['/', '/api/signals', '/api/signals/latest', '/api/signals/S7X', '/api/signals?timeframe=1m&limit=10', '/api/signals/history'];

function signal(clock: MicrosClock, i: number): NewSignal {
  return {
    timestamp: clock.nowTimestamp(),
    symbol: `S${i % 60}X`,
    direction: 'BUY',
    entry_price: 3500,
    stop_loss: 3482.5,
    take_profit: 3542,
    leverage: 20,
    signal_strength: 85.5,
    timeframe: i % 2 ? '1m' : '5m',
    strategy_name: 'ConsensusScalping',
    metadata: {
      consensus_confidence: 75,
      strategies_agree: 4,
      risk_reward_ratio: 2.4,
      votes: [
        { strategy: 'ema_cross', direction: 'BUY', confidence: 78, reason: 'EMA9 crossed above EMA21' },
        { strategy: 'rsi_extreme', direction: 'BUY', confidence: 71, reason: 'RSI(14) 27 turning up' },
      ],
    },
  };
}

function get(agent: Agent, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - t0) / 1e6) : reject(new Error(`${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

async function measure(port: number, path: string): Promise<{ rps: number; p50: number; p99: number; bytes: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  for (let i = 0; i < 500; i++) await get(agent, port, path); // warm-up
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < REQUESTS) latencies.push(await get(agent, port, path));
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const size = await fetch(`http://127.0.0.1:${port}${path}`).then(async (r) => (await r.text()).length);
  return { rps: latencies.length / seconds, p50: latencies[Math.floor(latencies.length * 0.5)], p99: latencies[Math.floor(latencies.length * 0.99)], bytes: size };
}

async function main(): Promise<void> {
  const redisServer = await startRedis();
  const redis = new Redis(redisServer.url);
  const clock = new MicrosClock();
  const p = redis.pipeline();
  for (let i = 0; i < 500; i++) p.xadd(STREAMS.signals, '*', ...encodeEntry(signal(clock, i)));
  await p.exec();
  const port = await freePort();
  const gateway = startService('api-gateway', { REDIS_URL: redisServer.url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SIGNAL_TTL_SECONDS: '3600' });
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.status === 200, { timeoutMs: 15_000, what: 'gateway' });
    console.log(`GET x ${REQUESTS}, concurrency ${CONCURRENCY}, 500 signals in history, 50 active (client and server on one machine)`);
    console.log('route'.padEnd(42) + 'req/s'.padStart(9) + 'p50 ms'.padStart(9) + 'p99 ms'.padStart(9) + 'bytes'.padStart(9));
    for (const route of ROUTES) {
      const r = await measure(port, route);
      console.log(route.padEnd(42) + r.rps.toFixed(0).padStart(9) + r.p50.toFixed(2).padStart(9) + r.p99.toFixed(2).padStart(9) + String(r.bytes).padStart(9));
    }
  } finally {
    await gateway.kill();
    redis.disconnect();
    await redisServer.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
