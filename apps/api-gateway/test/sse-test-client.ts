import { request, type IncomingMessage } from 'node:http';

export interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  /** Comment lines (`: heartbeat ...`) of the frame. */
  comments: string[];
}

export interface SseTestClient {
  response: IncomingMessage;
  /** Every frame received so far, in order. */
  frames: SseEvent[];
  /** Everything received, verbatim. */
  raw(): string;
  signals(): { id: string; data: unknown; text: string }[];
  close(): void;
  closed: Promise<void>;
}

/** A minimal EventSource: connects, parses frames (blank-line separated) as they arrive. */
export function connectSse(url: string, headers: Record<string, string> = {}): Promise<SseTestClient> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      let buffer = '';
      let all = '';
      const frames: SseEvent[] = [];
      const closed = new Promise<void>((r) => res.once('close', r));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        all += chunk;
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          frames.push(parseFrame(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
        }
      });
      res.on('error', () => undefined);
      resolve({
        response: res,
        frames,
        raw: () => all,
        signals: () =>
          frames
            .filter((f) => f.event === 'signal')
            .map((f) => ({ id: f.id!, data: JSON.parse(f.data!) as unknown, text: f.data! })),
        close: () => req.destroy(),
        closed,
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function parseFrame(text: string): SseEvent {
  const frame: SseEvent = { comments: [] };
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) {
      frame.comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id' || field === 'event' || field === 'retry') frame[field] = value;
    if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
  }
  return frame;
}
