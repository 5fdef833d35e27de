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
  /** Closes every connection, frozen ones included, and stops listening. */
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
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
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host ?? '127.0.0.1');
    const pair: Pair = { client, upstream, frozen: false };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', end);
    }
    client.pipe(upstream);
    upstream.pipe(client);
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
        const { client, upstream } = pair;
        pair.frozen = true;
        count++;
        client.unpipe(upstream);
        upstream.unpipe(client);
        // Paused and never read again: what the peers send stays in the kernel's buffers.
        client.pause();
        upstream.pause();
      }
      return count;
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
