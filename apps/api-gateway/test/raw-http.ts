import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawExchange {
  /** Every complete response read, in order (pipelined requests give several). */
  responses: RawResponse[];
  /** How the connection ended: the server closed it, reset it, or it was still open at `waitMs`. */
  ended: 'closed' | 'reset' | 'open';
  elapsedMs: number;
}

/** Splits HTTP/1.1 responses with a Content-Length body (all the gateway's errors have one). */
function parseResponses(raw: Buffer): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = raw;
  for (;;) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) return out;
    const [statusLine, ...lines] = rest.subarray(0, headEnd).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const bodyEnd = headEnd + 4 + length;
    if (rest.length < bodyEnd) return out;
    out.push({ status: Number(statusLine.split(' ')[1]), headers, body: rest.subarray(headEnd + 4, bodyEnd).toString('utf8') });
    rest = rest.subarray(bodyEnd);
  }
}

/**
 * Writes bytes on a fresh TCP connection exactly as given (no client library to fix them up) and
 * reads until the server closes or resets the connection, or `waitMs` passes. `writes` are sent
 * `gapMs` apart, to play a slow client.
 */
export function rawExchange(port: number, writes: string | string[], opts: { waitMs?: number; gapMs?: number } = {}): Promise<RawExchange> {
  const { waitMs = 5000, gapMs = 0 } = opts;
  const parts = typeof writes === 'string' ? [writes] : writes;
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let ended: RawExchange['ended'] = 'open';
    const timers: NodeJS.Timeout[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') ended = 'reset';
    });
    socket.on('end', () => {
      if (ended === 'open') ended = 'closed';
    });
    socket.on('close', () => {
      timers.forEach(clearTimeout);
      resolve({ responses: parseResponses(Buffer.concat(chunks)), ended, elapsedMs: Date.now() - started });
    });
    parts.forEach((part, i) => timers.push(setTimeout(() => socket.writable && socket.write(part), i * gapMs)));
    timers.push(setTimeout(() => socket.destroy(), waitMs));
  });
}

/** The contract's error body, parsed; throws when the body is anything else. */
export function contractError(body: string): string {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  if (parsed.status !== 'error' || typeof parsed.message !== 'string' || Object.keys(parsed).length !== 2) {
    throw new Error(`not a contract error body: ${body}`);
  }
  return parsed.message;
}
