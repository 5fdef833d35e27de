import { negotiate } from '@fastify/accept-negotiator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { JSON_CONTENT_TYPE } from './error-body';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** Bodies below this size are always sent as they are: compressing them saves less than it costs. */
export const COMPRESS_MIN_BYTES = 1024;

export type ContentCoding = 'br' | 'gzip';

/** Server preference first: br is ~half gzip's size on signal JSON at a similar cost. */
const CODINGS: ContentCoding[] = ['br', 'gzip'];

/** The coding to answer an `Accept-Encoding` header with, or undefined for the body as it is. */
export function negotiateCoding(acceptEncoding: string | string[] | undefined): ContentCoding | undefined {
  if (typeof acceptEncoding !== 'string' || acceptEncoding === '') return undefined;
  return negotiate(acceptEncoding, CODINGS) ?? undefined;
}

/**
 * A response body as bytes, built once and sent to every request until it changes (no string
 * to encode, no length to count per request). Its gzip and br forms are made the first time a
 * client asks for one, off the event loop (zlib's thread pool), and kept with it: requests that
 * arrive meanwhile wait for the same compression.
 */
export class PreparedBody {
  private readonly encoded = new Map<ContentCoding, Promise<Buffer>>();

  constructor(readonly bytes: Buffer) {}

  static of(json: string): PreparedBody {
    return new PreparedBody(Buffer.from(json));
  }

  get compressible(): boolean {
    return this.bytes.length >= COMPRESS_MIN_BYTES;
  }

  /** The body in `coding`, compressed once. */
  compressed(coding: ContentCoding): Promise<Buffer> {
    let done = this.encoded.get(coding);
    if (!done) {
      done =
        coding === 'br'
          ? brotliAsync(this.bytes, {
              // Quality 5: most of brotli's gain on JSON in a few ms; 11 would take ~100x longer.
              params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: this.bytes.length },
            })
          : gzipAsync(this.bytes, { level: 6 });
      this.encoded.set(coding, done);
    }
    return done;
  }
}

/**
 * One endpoint's body, rebuilt when what it shows changes (`source` is a new object: the read
 * model builds a new list view per change) or the second turns: the guide's response
 * `timestamp` has seconds precision, so within one second the body is the same bytes.
 */
export class PerSecondBody {
  private source: unknown = undefined;
  private second = -1;
  private body: PreparedBody | undefined;

  get(source: unknown, nowMs: number, build: (now: Date) => string): PreparedBody {
    const second = Math.floor(nowMs / 1000);
    if (this.body === undefined || source !== this.source || second !== this.second) {
      this.body = PreparedBody.of(build(new Date(second * 1000)));
      this.source = source;
      this.second = second;
    }
    return this.body;
  }
}

/**
 * Sends a prepared JSON body, compressed when the client accepts gzip or br and the body is
 * large enough. `Vary: Accept-Encoding` always: the same URL can answer in either form.
 */
export async function preparedReply(request: FastifyRequest, reply: FastifyReply, body: PreparedBody): Promise<Buffer> {
  reply.header('Content-Type', JSON_CONTENT_TYPE).header('Vary', 'Accept-Encoding');
  const coding = body.compressible ? negotiateCoding(request.headers['accept-encoding']) : undefined;
  // Async on purpose, though nothing is awaited: a reply written synchronously goes out while
  // Node's parser is still inside the socket's chunk, before it sees unframed junk behind the
  // request (a GET body without Content-Length), so the client-error handler could no longer
  // mark this response `Connection: close`. One microtask per request buys that.
  if (coding === undefined) return body.bytes;
  reply.header('Content-Encoding', coding);
  return body.compressed(coding);
}
