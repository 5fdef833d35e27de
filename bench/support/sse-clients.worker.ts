/**
 * A process holding many SSE connections for bench/sse-fanout.bench.ts, forked with IPC. Raw TCP
 * sockets and a substring count instead of an SSE parser, so the clients cost as little as
 * possible beside the servers measured. It records, for the k-th signal event, when the last of
 * its sockets received it.
 *
 *   { type: 'connect', port, path, count }  → { type: 'connected' }
 *   { type: 'await', k }                    → { type: 'reached', k, last, missing } once every socket has k signals (10 s at most)
 *   { type: 'close' }                       → { type: 'closed' } (connections reset, so no TIME_WAIT piles up)
 */
import { connect, type Socket } from 'node:net';

const MARKER = 'event: signal\n';
const now = () => performance.timeOrigin + performance.now();

interface Conn {
  socket: Socket;
  signals: number;
  tail: string;
}

const conns: Conn[] = [];
/** Per event index k (1-based): sockets that have it, and when the last one got it. */
const reachedCount: number[] = [];
const reachedLast: number[] = [];
let awaiting: { k: number; timer: NodeJS.Timeout } | undefined;

function send(msg: object): void {
  process.send?.(msg);
}

function checkAwaited(): void {
  if (!awaiting || (reachedCount[awaiting.k] ?? 0) < conns.length) return;
  clearTimeout(awaiting.timer);
  send({ type: 'reached', k: awaiting.k, last: reachedLast[awaiting.k], missing: 0 });
  awaiting = undefined;
}

function onData(c: Conn, chunk: Buffer): void {
  const text = c.tail + chunk.toString('latin1');
  let at = text.indexOf(MARKER);
  let found = false;
  while (at !== -1) {
    c.signals++;
    reachedCount[c.signals] = (reachedCount[c.signals] ?? 0) + 1;
    reachedLast[c.signals] = now();
    found = true;
    at = text.indexOf(MARKER, at + MARKER.length);
  }
  c.tail = text.slice(-(MARKER.length - 1));
  if (found) checkAwaited();
}

function open(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const c: Conn = { socket, signals: 0, tail: '' };
    let head = '';
    const onHead = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onHead);
      if (!head.startsWith('HTTP/1.1 200')) return reject(new Error(`SSE connect: ${head.split('\r\n')[0]}`));
      conns.push(c);
      socket.on('data', (d: Buffer) => onData(c, d));
      onData(c, Buffer.from(head.slice(end + 4), 'latin1'));
      resolve();
    };
    socket.on('data', onHead);
    socket.once('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
  });
}

process.on('message', (msg: { type: string; port?: number; path?: string; count?: number; k?: number }) => {
  void (async () => {
    switch (msg.type) {
      case 'connect': {
        // In batches: thousands of SYNs at once would overflow the server's accept queue.
        for (let opened = 0; opened < msg.count!; opened += 200) {
          await Promise.all(Array.from({ length: Math.min(200, msg.count! - opened) }, () => open(msg.port!, msg.path!)));
        }
        send({ type: 'connected' });
        return;
      }
      case 'await': {
        const k = msg.k!;
        awaiting = { k, timer: setTimeout(() => {
          send({ type: 'reached', k, last: reachedLast[k] ?? NaN, missing: conns.length - (reachedCount[k] ?? 0) });
          awaiting = undefined;
        }, 10_000) };
        checkAwaited();
        return;
      }
      case 'close': {
        for (const c of conns) c.socket.resetAndDestroy();
        send({ type: 'closed' });
        return;
      }
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
});
process.on('disconnect', () => process.exit(0));
