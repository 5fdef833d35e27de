import { PublishLanes } from './publish-lanes';

interface Gate {
  promise: Promise<void>;
  open(): void;
  fail(err: Error): void;
}

function gate(): Gate {
  let open!: () => void;
  let fail!: (err: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('PublishLanes', () => {
  it('runs different symbols at once and one symbol in order', async () => {
    const lanes = new PublishLanes(10);
    const started: string[] = [];
    const gates: Record<string, Gate> = { a1: gate(), a2: gate(), b1: gate() };
    for (const id of ['a1', 'a2', 'b1']) {
      await lanes.submit(id[0], async () => {
        started.push(id);
        await gates[id].promise;
      });
    }
    await flush();
    expect(started).toEqual(['a1', 'b1']); // a2 waits for a1, b1 does not
    gates.a1.open();
    await flush();
    expect(started).toEqual(['a1', 'b1', 'a2']);
    gates.a2.open();
    gates.b1.open();
    await lanes.drain();
    expect(lanes.pending).toBe(0);
  });

  it('holds submit back at the bound until a publish settles', async () => {
    const lanes = new PublishLanes(2);
    const g = [gate(), gate(), gate()];
    await lanes.submit('a', () => g[0].promise);
    await lanes.submit('b', () => g[1].promise);
    let third = false;
    const queued = lanes.submit('c', () => g[2].promise).then(() => (third = true));
    await flush();
    expect(third).toBe(false);
    expect(lanes.pending).toBe(2);
    g[0].open();
    await queued;
    expect(third).toBe(true);
    g[1].open();
    g[2].open();
    await lanes.drain();
  });

  it('after a failure runs nothing more, not even the same symbol next candle, and reports it', async () => {
    const failures: unknown[] = [];
    const lanes = new PublishLanes(10, (err) => failures.push(err));
    const g = gate();
    let laterRan = false;
    await lanes.submit('a', () => g.promise);
    await lanes.submit('a', async () => {
      laterRan = true;
    });
    g.fail(new Error('redis said no'));
    await expect(lanes.drain()).rejects.toThrow('redis said no');
    expect(laterRan).toBe(false);
    expect(failures).toHaveLength(1);
    await expect(lanes.submit('b', async () => undefined)).rejects.toThrow('redis said no');
  });
});
