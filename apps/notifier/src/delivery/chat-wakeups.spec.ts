import { ChatWakeups } from './chat-wakeups';

describe('ChatWakeups', () => {
  it("wakes a chat's waiters at once, telling each whether the waking commit sent its entry", async () => {
    const w = new ChatWakeups();
    // Ten minutes: only a wake can end these waits within the test's timeout.
    const carried = w.wait('1001', 'signals-1-0', 600_000);
    const notCarried = w.wait('1001', 'signals-2-0', 600_000);
    const otherChat = w.wait('2002', 'signals-1-0', 1);
    expect(w.size).toBe(3);
    w.wake('1001', new Set(['signals-1-0']));
    await expect(carried).resolves.toBe(true);
    await expect(notCarried).resolves.toBe(false);
    // Another chat's waiter is not woken: it ends on its own timer, not sent.
    await expect(otherChat).resolves.toBe(false);
    expect(w.size).toBe(0);
  });

  it('ends a wait when its time runs out, and a later wake finds nobody', async () => {
    const w = new ChatWakeups();
    await expect(w.wait('1001', 'signals-1-0', 5)).resolves.toBe(false);
    expect(w.size).toBe(0);
    expect(() => w.wake('1001', new Set(['signals-1-0']))).not.toThrow();
  });

  it('a wake without sent entries only wakes', async () => {
    const w = new ChatWakeups();
    const waiting = w.wait('1001', 'signals-1-0', 600_000);
    w.wake('1001');
    await expect(waiting).resolves.toBe(false);
  });
});
