import type Redis from 'ioredis';
import request from 'supertest';
import { startRedis, waitFor, type TestRedis } from '@app/testing';
import { BTC, healthy, newRedis, publishSignal, startTestGateway, type TestGateway } from './gateway-harness';
import { contractError, rawExchange } from './raw-http';

const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 1500;

/** A well-formed request line and headers, then `body` as given. */
const post = (path: string, headers: string, body = '') => `POST ${path} HTTP/1.1\r\nHost: gw\r\n${headers}\r\n\r\n${body}`;

describe('api-gateway HTTP errors: every layer answers in the contract shape', () => {
  let redis: TestRedis;
  let client: Redis;
  let gw: TestGateway;
  let port: number;

  beforeAll(async () => {
    redis = await startRedis();
    client = newRedis(redis.url);
    gw = await startTestGateway(redis.url, {
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
    port = Number(new URL(gw.url).port);
    await healthy(gw.url);
  });
  afterAll(async () => {
    await gw?.close();
    await client?.quit();
    await redis?.stop();
  });

  describe("Node's http parser (raw sockets)", () => {
    it.each([
      ['a request line that is not HTTP', 400, /^malformed request/, 'hello there\r\n\r\n'],
      ['an unknown method', 400, /unknown HTTP method/, 'BREW /api/signals HTTP/1.1\r\nHost: gw\r\n\r\n'],
      ['a Content-Length that is not a number', 400, /invalid Content-Length/, post('/api/signals/acknowledge', 'Content-Type: application/json\r\nContent-Length: ten', '{}')],
      ['headers over 16 KiB', 431, /headers are too large.*16384 bytes/, `GET /api/signals HTTP/1.1\r\nHost: gw\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
      ['a URL over 16 KiB', 414, /URL is too long.*16384 bytes/, `GET /api/signals?symbol=${'A'.repeat(20_000)} HTTP/1.1\r\nHost: gw\r\n\r\n`],
      ['HTTP/1.1 without Host', 400, /needs a Host header/, 'GET /api/signals HTTP/1.1\r\n\r\n'],
    ])('%s: %d with a message, then a clean close', async (_what, status, message, bytes) => {
      const { responses, ended } = await rawExchange(port, bytes);
      expect(responses).toHaveLength(1);
      expect(responses[0].status).toBe(status);
      expect(responses[0].headers['content-type']).toBe('application/json; charset=utf-8');
      expect(contractError(responses[0].body)).toMatch(message);
      expect(ended).toBe('closed');
    });

    it('junk right behind a request still being answered: that response comes first and last, then a close', async () => {
      // A GET's body sent without Content-Length (Node's client does this) reads as a broken next request.
      const { responses, ended } = await rawExchange(port, `GET /api/signals/latest HTTP/1.1\r\nHost: gw\r\n\r\n{"id":"${'1'.repeat(5000)}"}`);
      expect(responses.map((r) => r.status)).toEqual([200]);
      expect(responses[0].headers.connection).toBe('close');
      expect(ended).toBe('closed');
    });

    it('headers that never finish: 408 after HTTP_HEADERS_TIMEOUT_MS, not a hang', async () => {
      const { responses, ended, elapsedMs } = await rawExchange(port, ['GET /api/signals HTTP/1.1\r\n', 'Host: gw\r\n', 'X-Slow: 1\r\n'], {
        gapMs: 200,
        waitMs: 8000,
      });
      expect(responses.map((r) => r.status)).toEqual([408]);
      expect(contractError(responses[0].body)).toBe(
        `request not received in time: headers must arrive within ${HEADERS_TIMEOUT_MS} ms and the whole request within ${REQUEST_TIMEOUT_MS} ms`,
      );
      expect(ended).toBe('closed');
      expect(elapsedMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS);
      expect(elapsedMs).toBeLessThan(HEADERS_TIMEOUT_MS + 2500);
    });

    it('a body that stops half-way: 408 after HTTP_REQUEST_TIMEOUT_MS', async () => {
      const { responses, elapsedMs } = await rawExchange(port, post('/api/signals/acknowledge', 'Content-Type: application/json\r\nContent-Length: 40', '{"id":'), { waitMs: 8000 });
      expect(responses.map((r) => r.status)).toEqual([408]);
      expect(contractError(responses[0].body)).toMatch(/^request not received in time/);
      expect(elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2500);
    });

    it('a connection that sends nothing is closed with 408, not kept open', async () => {
      const { responses, ended } = await rawExchange(port, [], { waitMs: 8000 });
      expect(responses.map((r) => r.status)).toEqual([408]);
      expect(ended).toBe('closed');
    });
  });

  describe('the router and the body parser', () => {
    it('a path that is not valid percent-encoding: 400 naming it', async () => {
      for (const path of ['/api/%zz', '/api/signals/%E0%A4%A', '/%']) {
        const res = await request(gw.url).get(path).expect(400);
        expect(res.body).toEqual({ status: 'error', message: 'request URL is not valid percent-encoding: each % must start a %XX escape of UTF-8' });
      }
    });

    it('a path segment over 100 characters: 414', async () => {
      const res = await request(gw.url).get(`/api/signals/${'A'.repeat(150)}`).expect(414);
      expect(res.body).toEqual({ status: 'error', message: 'request URL has a path segment longer than 100 characters' });
    });

    it('a body over the limit: 413 stating the limit, for a declared and a chunked length, without a reset', async () => {
      const big = `{"id":"${'1'.repeat(70_000)}"}`;
      for (const bytes of [
        post('/api/signals/acknowledge', `Content-Type: application/json\r\nContent-Length: ${big.length}`, big),
        post('/api/signals/acknowledge', 'Content-Type: application/json\r\nTransfer-Encoding: chunked', `${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`),
      ]) {
        const { responses, ended } = await rawExchange(port, bytes);
        expect(responses.map((r) => r.status)).toEqual([413]);
        expect(contractError(responses[0].body)).toBe('request body is larger than the limit of 65536 bytes');
        expect(ended).not.toBe('reset');
      }
      // The same through an ordinary client library.
      const res = await request(gw.url).post('/api/signals/acknowledge').set('Content-Type', 'application/json').send(big).expect(413);
      expect(res.body.message).toBe('request body is larger than the limit of 65536 bytes');
    });

    it('a body type the gateway does not read: 415 naming it', async () => {
      const res = await request(gw.url).post('/api/signals/acknowledge').set('Content-Type', 'application/xml').send('<id>1-0</id>').expect(415);
      expect(res.body).toEqual({ status: 'error', message: 'unsupported Content-Type "application/xml"; send application/json' });
    });

    it('bytes past a body\'s Content-Length: the request is answered (400, its 2 bytes are not JSON), then a close', async () => {
      const { responses, ended } = await rawExchange(port, post('/api/signals/acknowledge', 'Content-Type: application/json\r\nContent-Length: 2', '{"id":"1-0"}'));
      expect(responses.map((r) => [r.status, contractError(r.body)])).toEqual([[400, 'request body is not valid JSON']]);
      expect(ended).toBe('closed');
    });
  });

  describe('methods', () => {
    it.each([
      ['GET', '/api/signals/acknowledge', 'POST'],
      ['POST', '/api/signals', 'GET, HEAD'],
      ['DELETE', '/api/positions/1732185045123-0', 'GET, HEAD'],
      ['PUT', '/api/signals/latest', 'GET, HEAD'],
      ['GET', '/api/positions/1732185045123-0/close', 'POST'],
    ])('%s %s: 405 with Allow: %s', async (method, path, allow) => {
      const res = await request(gw.url)[method.toLowerCase() as 'get'](path).expect(405);
      expect(res.headers.allow).toBe(allow);
      expect(res.body).toEqual({ status: 'error', message: `method ${method} is not allowed on ${path}; allowed: ${allow}` });
    });

    it('GET /api/signals/acknowledge is not read as the symbol ACKNOWLEDGE, even when spelt with escapes', async () => {
      const res = await request(gw.url).get('/api/signals/ack%6Eowledge').expect(405);
      expect(res.headers.allow).toBe('POST');
      // A real symbol still goes to the symbol route.
      await request(gw.url).get('/api/signals/ETHUSDT').expect(200);
    });

    it('an unknown path stays 404', async () => {
      const res = await request(gw.url).get('/api/nothing-here').expect(404);
      expect(res.body).toEqual({ status: 'error', message: 'no endpoint GET /api/nothing-here; GET / lists the endpoints' });
    });

    it('HEAD on the SSE route answers its headers and ends', async () => {
      const res = await request(gw.url).head('/api/signals/stream').timeout(3000).expect(200);
      expect(res.headers['content-type']).toBe('text/event-stream');
    });
  });

  describe('POST /api/signals/acknowledge with both id and timestamp', () => {
    it('400 when they name different signals, and neither is acknowledged', async () => {
      const eth = await publishSignal(client);
      const btc = await publishSignal(client, BTC);
      await waitFor(async () => (await request(gw.url).get('/api/signals')).body.count === 2);
      const res = await request(gw.url).post('/api/signals/acknowledge').send({ id: eth.id, timestamp: btc.timestamp }).expect(400);
      expect(res.body).toEqual({
        status: 'error',
        message: `id ${eth.id} is the signal of timestamp ${eth.timestamp}, not ${btc.timestamp}; send one of them, or both of the same signal`,
      });
      expect((await request(gw.url).get('/api/signals')).body.count).toBe(2);
      // Both of the same signal: acknowledged.
      await request(gw.url).post('/api/signals/acknowledge').send({ id: eth.id, timestamp: eth.timestamp }).expect(200);
      expect((await request(gw.url).get('/api/signals')).body.signals.map((s: { id: string }) => s.id)).toEqual([btc.id]);
    });
  });
});
