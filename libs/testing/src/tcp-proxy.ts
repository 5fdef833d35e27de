import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface TcpProxy {
  /** The port to connect to instead of the target's. */
  port: number;
  /** Connections open now, frozen ones included. */
  readonly open: number;
  /** Connections frozen and still held open. */
  readonly frozen: number;
  /**
   * A half-dead network path: every connection open now stops forwarding, in both directions,
   * and stays open (no FIN, no RST; the kernel still acknowledges what the peers send, so TCP
   * keepalive sees nothing wrong). Connections made afterwards pass as usual. Returns how many
   * it froze.
   */
  freeze(): number;
  /**
   * A black hole (a cable pulled, a firewall dropping packets): every open connection freezes as
   * in `freeze`, and connections made from now on are accepted but go nowhere, until `restore`.
   */
  blackHole(): void;
  /**
   * Ends a black hole: every connection still open forwards again, what it held included, as TCP
   * delivers its retransmissions once the path is back; new connections reach the target again.
   */
  restore(): void;
  /** Cuts every open connection at once (both sockets destroyed); new ones pass. Returns how many. */
  cut(): number;
  /** Closes every connection, frozen ones included, and stops listening. */
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  /** Absent while a connection accepted during a black hole waits for `restore`. */
  upstream?: Socket;
  frozen: boolean;
}

/**
 * A TCP proxy on 127.0.0.1 in front of `target`, for fault tests that need a connection to hang
 * without closing. Written here because the proxies on npm forward or cut, none freezes the
 * connections already open while it keeps accepting new ones (Toxiproxy's `timeout` toxic comes
 * closest, but it is a separate Go server and applies to new connections too).
 */
export async function startTcpProxy(target: { host?: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let holed = false;
  const end = (pair: Pair) => {
    pairs.delete(pair);
    pair.client.destroy();
    pair.upstream?.destroy();
  };
  const connectUpstream = (pair: Pair) => {
    const upstream = connect(target.port, target.host ?? '127.0.0.1');
    pair.upstream = upstream;
    upstream.on('error', () => end(pair));
    upstream.on('close', () => end(pair));
    pair.client.pipe(upstream);
    upstream.pipe(pair.client);
  };
  const freezePair = (pair: Pair) => {
    pair.frozen = true;
    if (pair.upstream) {
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.client);
      pair.upstream.pause();
    }
    // Paused and never read again: what the peers send stays in the kernel's buffers.
    pair.client.pause();
  };
  const server = createServer((client) => {
    const pair: Pair = { client, frozen: false };
    pairs.add(pair);
    client.on('error', () => end(pair));
    client.on('close', () => end(pair));
    if (holed) freezePair(pair);
    else connectUpstream(pair);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    get open() {
      return pairs.size;
    },
    get frozen() {
      return [...pairs].filter((p) => p.frozen).length;
    },
    freeze() {
      let count = 0;
      for (const pair of pairs) {
        if (pair.frozen) continue;
        freezePair(pair);
        count++;
      }
      return count;
    },
    blackHole() {
      holed = true;
      for (const pair of pairs) if (!pair.frozen) freezePair(pair);
    },
    restore() {
      holed = false;
      for (const pair of pairs) {
        if (!pair.frozen) continue;
        pair.frozen = false;
        if (!pair.upstream) {
          connectUpstream(pair);
        } else {
          pair.client.pipe(pair.upstream);
          pair.upstream.pipe(pair.client);
        }
        pair.client.resume();
        pair.upstream?.resume();
      }
    },
    cut() {
      const count = pairs.size;
      for (const pair of [...pairs]) end(pair);
      return count;
    },
    async close() {
      for (const pair of [...pairs]) end(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
