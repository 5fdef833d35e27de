import Redis from 'ioredis';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { waitFor } from './wait-for';

/**
 * The proxy the dead-connection and fault tests rely on: a frozen connection hangs while a new one
 * works; a black hole holds old and new until restored; a cut ends every connection.
 */
describe('TcpProxy', () => {
  let proxy: TcpProxy;
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(`redis://127.0.0.1:${proxy.port}`, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    proxy = await startTcpProxy({ port: Number(new URL(process.env.TEST_REDIS_URL!).port) });
  });
  afterEach(async () => {
    // An ended client's disconnect() arms a timer that would outlive the test.
    clients.splice(0).forEach((c) => c.status !== 'end' && c.disconnect());
    await proxy.close();
  });

  it('forwards until frozen; then the open connection gets no answer and stays open, while a new one is answered', async () => {
    const old = client();
    expect(await old.ping()).toBe('PONG');
    expect(proxy.freeze()).toBe(1);

    let settled: string | undefined;
    void old.ping().then(
      (v) => (settled = v),
      (e: Error) => (settled = e.message),
    );
    const fresh = client();
    expect(await fresh.ping()).toBe('PONG');
    // The fresh connection's round trip went through while the frozen one's did not.
    expect(settled).toBeUndefined();
    expect(old.status).toBe('ready');
    expect({ open: proxy.open, frozen: proxy.frozen }).toEqual({ open: 2, frozen: 1 });
  });

  it('black-holes every connection, old and new, and delivers what they sent once restored', async () => {
    const old = client();
    expect(await old.ping()).toBe('PONG');
    proxy.blackHole();
    let oldReply: string | undefined;
    let freshReply: string | undefined;
    void old.ping('old').then((v) => (oldReply = v));
    const fresh = client();
    void fresh.ping('fresh').then((v) => (freshReply = v));
    // The round trip of a client outside the hole proves time has passed for both requests.
    const outside = new Redis(process.env.TEST_REDIS_URL!);
    clients.push(outside);
    await outside.ping();
    await outside.ping();
    expect({ oldReply, freshReply, open: proxy.open, frozen: proxy.frozen }).toEqual({ oldReply: undefined, freshReply: undefined, open: 2, frozen: 2 });

    proxy.restore();
    await waitFor(() => oldReply === 'old' && freshReply === 'fresh', { what: 'both replies after restore' });
    expect(proxy.frozen).toBe(0);
  });

  it('cuts every open connection; a new one passes', async () => {
    const a = client();
    const b = client();
    expect([await a.ping(), await b.ping()]).toEqual(['PONG', 'PONG']);
    expect(proxy.cut()).toBe(2);
    await waitFor(() => a.status === 'end' && b.status === 'end', { what: 'both clients disconnected' });
    expect(await client().ping()).toBe('PONG');
  });
});
