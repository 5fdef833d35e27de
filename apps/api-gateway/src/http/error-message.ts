import { HttpException } from '@nestjs/common';
import { redactSecrets } from '@app/observability';

export interface ErrorReply {
  status: number;
  message: string;
}

const INVALID_JSON = 'request body is not valid JSON';

/** What the rewording may say about the request and the limits it broke. */
export interface ErrorContext {
  bodyLimitBytes: number;
  /** The request's Content-Type header, if any. */
  contentType?: string;
}

/**
 * Fastify's own 4xx errors (body parsing), reworded for the client. Nest hands them to filters as
 * an HttpException carrying only Fastify's message, so they are recognised by it.
 */
const FASTIFY_MESSAGES: [RegExp, (ctx: ErrorContext) => string][] = [
  [/^Body is not valid JSON/, () => INVALID_JSON],
  [/^Body cannot be empty/, () => 'request body is empty; send {"timestamp": "<signal timestamp>"} or {"id": "<signal id>"}'],
  [/^Request body is too large/, (ctx) => `request body is larger than the limit of ${ctx.bodyLimitBytes} bytes`],
  [/^Request body size did not match Content-Length/, () => 'request body size does not match its Content-Length header'],
  [/^Unsupported Media Type/, (ctx) => `unsupported Content-Type ${quoted(ctx.contentType)}; send application/json`],
  [/^Method '\w+' must provide a 'Content-Type' header/, () => 'a request with a body needs a Content-Type header; send application/json'],
];

/** A client-supplied header, shortened and quoted for a message. */
function quoted(value: string | undefined): string {
  if (value === undefined || value === '') return '(none)';
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
}

function reword(message: string, ctx: ErrorContext): string {
  for (const [re, text] of FASTIFY_MESSAGES) if (re.test(message)) return text(ctx);
  return message;
}

/**
 * Maps anything thrown while handling a request to a status and a message safe to show: client
 * errors keep their (secret-scrubbed) message, anything else becomes a bare 500.
 */
export function toErrorReply(err: unknown, ctx: ErrorContext): ErrorReply {
  if (err instanceof HttpException) {
    const status = err.getStatus();
    return { status, message: redactSecrets(reword(httpExceptionMessage(err, status), ctx)) };
  }
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown } | null;
  const statusCode = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    // A bare SyntaxError with a 400 status is a malformed JSON body.
    if (err instanceof SyntaxError) return { status: statusCode, message: INVALID_JSON };
    return { status: statusCode, message: redactSecrets(reword(typeof e?.message === 'string' ? e.message : 'bad request', ctx)) };
  }
  return { status: 500, message: 'internal error' };
}

function httpExceptionMessage(err: HttpException, status: number): string {
  const body = err.getResponse();
  const raw = typeof body === 'string' ? body : (body as { message?: unknown }).message;
  const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : err.message;
  // Nest's router says "Cannot GET /x" for an unknown route.
  const unknownRoute = status === 404 ? /^Cannot (\w+) (.*)$/.exec(message) : null;
  if (unknownRoute) return `no endpoint ${unknownRoute[1]} ${unknownRoute[2].split('?')[0]}; GET / lists the endpoints`;
  return message;
}
