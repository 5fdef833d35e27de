/**
 * The gateway's HTTP fuzz, shared by its e2e spec and the fault suite (test/faults): seeded
 * fast-check requests (methods, paths percent-encoded, with double slashes, dot segments and mixed
 * case, headers, bodies, content types) and the rules every answer keeps.
 */
import fc from 'fast-check';
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface FuzzResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export const ROUTES = [
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
const headers = (key: string) =>
  fc.record(
  {
    'x-api-key': fc.oneof(fc.constant(key), fc.constant(key), visible),
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
export function describeRequest(r: FuzzRequest): string {
  const body = r.body === undefined ? '' : ` body(${r.body.length})=${JSON.stringify(r.body.slice(0, 60))}`;
  return `${r.method} ${r.path} ${JSON.stringify(r.headers)}${body}`;
}

/** One request of the fuzz; `key` is the gateway's API key, sent on about half of them. */
export function fuzzRequest(key: string): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'SEARCH'),
      path,
      headers: headers(key),
      body: fc.option(body, { nil: undefined }),
    })
    .map((r) => Object.assign(r, { [fc.toStringMethod]: () => describeRequest(r) }));
}

export const STACK = /\bat [\w.<>]+ \(|node_modules|\/work\/|\.ts:\d+|\.js:\d+/;

/** Sends one fuzz request on `agent` and reads the whole answer (an SSE answer: its head). */
export function send(port: number, agent: Agent, req: FuzzRequest): Promise<FuzzResponse> {
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

/**
 * Every rule a response must keep; returns what it broke. `signalTimestamps`: data that must not
 * reach a client without `key`.
 */
export function problems(req: FuzzRequest, res: FuzzResponse, key: string, signalTimestamps: readonly string[]): string[] {
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
  if (req.headers['x-api-key'] !== key && res.status < 300) {
    if (signalTimestamps.some((t) => res.body.includes(t))) out.push('signal data without the API key');
    if (String(res.headers['content-type']).startsWith('text/event-stream')) out.push('the SSE stream without the API key');
  }
  return out;
}
