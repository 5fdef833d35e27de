import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody, JSON_CONTENT_TYPE } from './error-body';

/** Node's http parser limit on the request line plus headers (`--max-http-header-size`, default 16 KiB). */
export interface ClientErrorLimits {
  maxHeaderBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

type ParserError = Error & { code?: string; rawPacket?: unknown };

/**
 * Node reports one overflow for the request line and headers together; when the request line
 * alone takes most of the limit, the URL is what is too long. Judged on the chunk the parser
 * choked on, which starts with the request line when the client sent it in one piece.
 */
function urlTooLong(raw: unknown, maxHeaderBytes: number): boolean {
  if (!Buffer.isBuffer(raw) || !/^[A-Z]+ \//.test(raw.subarray(0, 16).toString('latin1'))) return false;
  const lineEnd = raw.indexOf('\r\n');
  return (lineEnd === -1 ? raw.length : lineEnd) > maxHeaderBytes / 2;
}

/** Status and message for an error Node's http parser raised before any route saw the request. */
export function clientErrorReply(err: ParserError, limits: ClientErrorLimits): { status: number; message: string } {
  switch (err.code ?? '') {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        message: `request not received in time: headers must arrive within ${limits.headersTimeoutMs} ms and the whole request within ${limits.requestTimeoutMs} ms`,
      };
    case 'HPE_HEADER_OVERFLOW':
      return urlTooLong(err.rawPacket, limits.maxHeaderBytes)
        ? { status: 414, message: `request URL is too long: the request line and headers may total at most ${limits.maxHeaderBytes} bytes` }
        : { status: 431, message: `request headers are too large: the request line and headers may total at most ${limits.maxHeaderBytes} bytes` };
    case 'HPE_INVALID_METHOD':
      return { status: 400, message: 'malformed request: unknown HTTP method' };
    case 'HPE_INVALID_URL':
      return { status: 400, message: 'malformed request: invalid request URL' };
    case 'HPE_INVALID_VERSION':
      return { status: 400, message: 'malformed request: unsupported HTTP version' };
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_INVALID_HEADER_VALUE':
    case 'HPE_LF_EXPECTED':
    case 'HPE_CR_EXPECTED':
      return { status: 400, message: 'malformed request: invalid header line' };
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return { status: 400, message: 'malformed request: invalid Content-Length' };
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_INVALID_CHUNK_SIZE':
      return { status: 400, message: 'malformed request: invalid chunked body' };
    default:
      return { status: 400, message: 'malformed HTTP request' };
  }
}

/**
 * Fastify's `clientErrorHandler`: errors of Node's http parser (malformed request, headers too
 * large, headers or body too slow) never reach a route or the exception filter, so they are
 * answered here, on the socket, in the contract's shape instead of Fastify's own body.
 *
 * `end()` rather than Fastify's `write()` + `destroy()`: destroying a socket with unread input
 * makes the kernel send a reset, and a client may then lose the response it was about to read.
 * The socket is destroyed shortly after if the client does not close its side.
 */
export function contractClientErrorHandler(limits: ClientErrorLimits) {
  return (err: ParserError, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    // Garbage after a request still being answered (a body sent without framing, pipelined
    // junk): writing our 400 now would put it before that response, and a response after
    // `Connection: close` breaks the client. Let that response finish as the last one instead.
    // (A request not fully received, cut by a timeout or a broken chunk, gets our answer.)
    const inflight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (inflight && !inflight.writableFinished && inflight.req.complete) {
      inflight.shouldKeepAlive = false;
      inflight.once('finish', () => socket.end());
      setTimeout(() => socket.destroy(), limits.requestTimeoutMs).unref();
      return;
    }
    if (inflight?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, message } = clientErrorReply(err, limits);
    const body = errorBody(message);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${JSON_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    // Drain what the client still sends so closing does not reset the connection; bounded by the timer.
    socket.resume();
    setTimeout(() => socket.destroy(), 2000).unref();
  };
}
