import Redis from 'ioredis';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

/** The proxy the dead-connection tests rely on: a frozen connection hangs, a new one works. */
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
    clients.splice(0).forEach((c) => c.disconnect());
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
});
