import fc from 'fast-check';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type Redis from 'ioredis';
import { startRedis, type TestRedis } from '@app/testing';
import type { Signal } from '@app/contracts';
import { BTC, healthy, newRedis, publishSignal, startTestGateway, type TestGateway } from './gateway-harness';
import { rawExchange } from './raw-http';

const KEY = 'fuzz-key-0123456789';
const SEED = 20_261_129;
/** Requests in all: RUNS properties of BATCH requests sent at once. */
const RUNS = 1250;
const BATCH = 8;

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface FuzzResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const ROUTES = [
  '/',
  '/docs',
  '/docs-json',
  '/metrics',
  '/health/live',
  '/health/ready',
  '/api/health',
  '/api/stats',
  '/api/performance',
  '/api/signals',
  '/api/signals/latest',
  '/api/signals/history',
  '/api/signals/acknowledge',
  '/api/signals/stream',
  '/api/signals/ETHUSDT',
  '/api/positions',
  '/api/positions/history',
  '/api/positions/close-requests',
  '/api/positions/1732185045123-0',
  '/api/positions/1732185045123-0/close',
];

/** What http.request lets through in a path: visible ASCII except space (it refuses the rest). */
const PATH_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&\'()*+,;=:@/?#[]%"<>\\^`{|}';
const pathChar = fc.constantFrom(...PATH_CHARS.split(''));
const escape = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0')}`),
  fc.constantFrom('%', '%z', '%zz', '%G0', '%C0%AF', '%E0%A4%A', '%ED%A0%80', '%F4%90%80%80', '%2e%2e', '%2F', '%00', '%FF'),
);
const segment = fc.oneof(
  fc.constantFrom('api', 'signals', 'positions', 'acknowledge', 'stream', 'latest', 'history', '..', '.', '', 'ACKNOWLEDGE', 'Api', 'BTCUSDT'),
  fc.string({ unit: fc.oneof(pathChar, escape), maxLength: 12 }),
  fc.integer({ min: 90, max: 400 }).map((n) => 'A'.repeat(n)),
);
const queryValue = fc.oneof(
  fc.constantFrom('1', '0', '-1', '500', '501', '1e3', '1m', '5m', 'x', '', '%zz', 'BTCUSDT', '1732185045123-0', '2024-11-21T10:30:45.123456'),
  fc.string({ unit: fc.oneof(pathChar, escape), maxLength: 10 }),
);
const query = fc
  .array(fc.tuple(fc.constantFrom('limit', 'timeframe', 'symbol', 'since', 'x', '__proto__', 'constructor', 'limit[]'), queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));

const path = fc.oneof(
  fc.tuple(fc.constantFrom(...ROUTES), query).map(([p, q]) => p + q),
  // A real route with one segment mutated, appended, or its letters percent-encoded.
  fc.tuple(fc.constantFrom(...ROUTES), fc.nat(), segment, query).map(([p, i, s, q]) => {
    const parts = p.split('/');
    parts[1 + (i % Math.max(1, parts.length - 1))] = s;
    return parts.join('/') + q;
  }),
  fc.tuple(fc.constantFrom(...ROUTES), segment).map(([p, s]) => `${p}/${s}`),
  fc.tuple(fc.constantFrom(...ROUTES), fc.nat()).map(([p, n]) => p.replace(/[a-z]/g, (c, i: number) => ((n >> i % 30) & 1 ? `%${c.charCodeAt(0).toString(16)}` : c))),
  fc.tuple(fc.constantFrom('//', '/./', '/../', '///'), fc.constantFrom(...ROUTES)).map(([pre, p]) => pre + p.slice(1)),
  fc.array(segment, { maxLength: 6 }).map((s) => `/${s.join('/')}`),
);

const visible = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });
const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/);
const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/JSON',
    'application/json; charset=latin1',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/octet-stream',
    'json',
    '',
    ';',
    '*/*',
  ),
  visible,
);
const headers = fc.record(
  {
    'x-api-key': fc.oneof(fc.constant(KEY), fc.constant(KEY), visible),
    'content-type': contentType,
    'last-event-id': fc.oneof(fc.constantFrom('1-0', '0-0', '99999999999999-0', ''), visible),
    accept: fc.constantFrom('*/*', 'text/event-stream', 'application/json', 'text/html'),
    origin: fc.constantFrom('https://dash.example.com', 'null', 'http://evil'),
    'transfer-encoding': fc.constant('chunked'),
    extra: fc.tuple(token, visible),
  },
  { requiredKeys: [] },
).map(({ extra, ...h }) => {
  const out: Record<string, string> = { ...h };
  // Names Node treats specially (Host, Content-Length, ...) are left to the client.
  if (extra && !/^(host|content-length|transfer-encoding|connection|expect|upgrade)$/i.test(extra[0])) out[extra[0]] = extra[1];
  return out;
});

const jsonBody = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.record({ id: queryValue, timestamp: queryValue }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  fc.constantFrom('{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', '[]', 'null', '"x"', '{', '', '{"id":"1-0"}'.repeat(3)),
);
const body = fc.oneof(jsonBody, visible, fc.integer({ min: 60_000, max: 80_000 }).map((n) => `{"id":"${'1'.repeat(n)}"}`));

/** How a request prints in a counterexample: bodies shortened. */
function describeRequest(r: FuzzRequest): string {
  const body = r.body === undefined ? '' : ` body(${r.body.length})=${JSON.stringify(r.body.slice(0, 60))}`;
  return `${r.method} ${r.path} ${JSON.stringify(r.headers)}${body}`;
}

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'SEARCH'),
    path,
    headers,
    body: fc.option(body, { nil: undefined }),
  })
  .map((r) => Object.assign(r, { [fc.toStringMethod]: () => describeRequest(r) }));

const STACK = /\bat [\w.<>]+ \(|node_modules|\/work\/|\.ts:\d+|\.js:\d+/;

describe('api-gateway HTTP fuzz (fast-check, seeded): no 5xx, only contract errors, still serving after', () => {
  let redis: TestRedis;
  let client: Redis;
  let gw: TestGateway;
  let agent: Agent;
  let signals: Signal[];
  let port: number;

  beforeAll(async () => {
    redis = await startRedis();
    client = newRedis(redis.url);
    signals = [await publishSignal(client), await publishSignal(client, BTC)];
    gw = await startTestGateway(redis.url, { API_KEY: KEY });
    port = Number(new URL(gw.url).port);
    await healthy(gw.url);
    agent = new Agent({ keepAlive: true, maxSockets: BATCH });
  });
  afterAll(async () => {
    agent?.destroy();
    await gw?.close();
    await client?.quit();
    await redis?.stop();
  });

  function send(req: FuzzRequest): Promise<FuzzResponse> {
    return new Promise((resolve, reject) => {
      // A body is always framed (Node's client sends a GET's body unframed, which is garbage).
      const framing = req.body !== undefined && !req.headers['transfer-encoding'] ? { 'content-length': String(Buffer.byteLength(req.body)) } : {};
      const headers = { ...req.headers, ...framing };
      const r = httpRequest({ host: '127.0.0.1', port, agent, method: req.method, path: req.path, headers, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        // The SSE route streams until the client leaves: its headers are the answer.
        if (res.headers['content-type']?.startsWith('text/event-stream')) {
          r.destroy();
          return done();
        }
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', done);
        res.on('error', reject);
      });
      r.on('timeout', () => r.destroy(new Error('no response within 10 s')));
      r.on('error', reject);
      r.end(req.body);
    });
  }

  /** Every rule a response must keep; returns what it broke. */
  function problems(req: FuzzRequest, res: FuzzResponse): string[] {
    const out: string[] = [];
    if (res.status >= 500) out.push(`status ${res.status}`);
    if (STACK.test(res.body)) out.push('a stack trace or path in the body');
    if (res.status >= 400 && req.method !== 'HEAD') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(res.body);
      } catch {
        parsed = undefined;
      }
      const p = parsed as Record<string, unknown> | undefined;
      if (!p || p.status !== 'error' || typeof p.message !== 'string' || Object.keys(p).length !== 2) out.push('a non-contract error body');
    }
    // Without the key, no signal reaches the client (health names the last id, never a timestamp).
    if (req.headers['x-api-key'] !== KEY && res.status < 300) {
      if (signals.some((s) => res.body.includes(s.timestamp))) out.push('signal data without the API key');
      if (String(res.headers['content-type']).startsWith('text/event-stream')) out.push('the SSE stream without the API key');
    }
    return out;
  }

  it(`${RUNS * BATCH} requests: methods, encoded paths, headers, bodies, content types`, async () => {
    let sent = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(fuzzRequest, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const results = await Promise.all(
          batch.map((req) =>
            send(req).then(
              (res) => ({ req, res }),
              (err: Error) => {
                throw new Error(`${describeRequest(req)}: ${err.message}`);
              },
            ),
          ),
        );
        for (const { req, res } of results) {
          sent++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const broken = problems(req, res);
          if (broken.length) throw new Error(`${describeRequest(req)} -> ${res.status} ${res.body.slice(0, 200)}: ${broken.join(', ')}`);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(sent).toBeGreaterThanOrEqual(10_000);
    // The fuzz reached the handlers, not only the error paths.
    expect(statuses.get(200)).toBeGreaterThan(500);
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThan(5);
    // Still serving.
    await healthy(gw.url, 5000);
  }, 120_000);

  it('raw request heads with broken lines, bytes and lengths: a contract answer or a clean close, never a 5xx', async () => {
    const line = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 60 });
    const head = fc.tuple(
      fc.constantFrom('GET', 'POST', 'HEAD', 'G ET', '', 'GET\t'),
      fc.oneof(fc.constantFrom(...ROUTES), line),
      fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 x', ''),
      fc.array(fc.oneof(line, fc.constantFrom('Host: gw', 'Content-Length: 5', 'Content-Length: -1', 'Transfer-Encoding: chunked', 'Content-Length: 1\r\nContent-Length: 2')), { maxLength: 4 }),
      line,
    );
    await fc.assert(
      fc.asyncProperty(head, async ([method, target, version, lines, tail]) => {
        const bytes = `${method} ${target} ${version}\r\n${lines.join('\r\n')}\r\n\r\n${tail}`;
        const { responses, ended } = await rawExchange(port, Buffer.from(bytes, 'latin1').toString('latin1'), { waitMs: 3000 });
        for (const r of responses) {
          expect(r.status).toBeLessThan(500);
          if (r.status >= 400 && method !== 'HEAD') expect(JSON.parse(r.body)).toEqual({ status: 'error', message: expect.any(String) });
          expect(r.body).not.toMatch(STACK);
        }
        expect(ended).not.toBe('reset');
      }),
      { seed: SEED, numRuns: 300, endOnFailure: true },
    );
    await healthy(gw.url, 5000);
  }, 120_000);
});
