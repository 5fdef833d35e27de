import { HttpException } from '@nestjs/common';
import { redactSecrets } from '@app/observability';

export interface ErrorReply {
  status: number;
  message: string;
}

const INVALID_JSON = 'request body is not valid JSON';

/**
 * Fastify's own 4xx errors (body parsing), reworded for the client. Nest hands them to filters as
 * an HttpException carrying only Fastify's message, so they are recognised by it.
 */
const FASTIFY_MESSAGES: [RegExp, string][] = [
  [/^Body is not valid JSON/, INVALID_JSON],
  [/^Body cannot be empty/, 'request body is empty; send {"timestamp": "<signal timestamp>"} or {"id": "<signal id>"}'],
  [/^Request body is too large/, 'request body is too large'],
  [/^Unsupported Media Type/, 'unsupported Content-Type; send application/json'],
];

function reword(message: string): string {
  for (const [re, text] of FASTIFY_MESSAGES) if (re.test(message)) return text;
  return message;
}

/**
 * Maps anything thrown while handling a request to a status and a message safe to show: client
 * errors keep their (secret-scrubbed) message, anything else becomes a bare 500.
 */
export function toErrorReply(err: unknown): ErrorReply {
  if (err instanceof HttpException) {
    const status = err.getStatus();
    return { status, message: redactSecrets(reword(httpExceptionMessage(err, status))) };
  }
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown } | null;
  const statusCode = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    // A bare SyntaxError with a 400 status is a malformed JSON body.
    if (err instanceof SyntaxError) return { status: statusCode, message: INVALID_JSON };
    return { status: statusCode, message: redactSecrets(reword(typeof e?.message === 'string' ? e.message : 'bad request')) };
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
