import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, waitFor } from '@app/testing';
import { formatSignal } from '../src/telegram/message.formatter';
import { startFakeTelegram, type FakeTelegram } from './fixtures/fake-telegram.server';
import { makeSignal } from './fixtures/signals';
import { NotifierHarness, TEST_TOKEN } from './notifier-harness';

const ROOT = join(__dirname, '..', '..', '..');

/** Runs `npm run notify:test` with `env`; resolves with its exit code and output. */
function notifyTest(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TELEGRAM_')));
    const child = spawn('npm', ['run', '-s', 'notify:test'], { cwd: ROOT, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('dry run (no TELEGRAM_BOT_TOKEN)', () => {
  let h: NotifierHarness;
  afterAll(async () => {
    await h?.close();
  });

  it('the service logs each message it would have sent, and sends nothing', async () => {
    h = await NotifierHarness.start();
    const n = await h.notifier('dry-run', { TELEGRAM_BOT_TOKEN: '', TELEGRAM_CHAT_IDS: '' });
    const s = makeSignal(0);
    await h.publishSignals([s]);
    await waitFor(async () => (await h.queue.getJobCounts('completed')).completed === 1, { what: 'the job completed' });
    const lines = n.proc.output().split('\n').filter((l) => l.includes('would send this message'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'info', chat_id: 'dry-run', text: formatSignal(s) });
    expect(n.proc.output()).toContain('TELEGRAM_BOT_TOKEN is not set: dry run');
    expect(h.tg.requests).toEqual([]);
  });
});

describe('npm run notify:test', () => {
  let tg: FakeTelegram;
  beforeAll(async () => {
    tg = await startFakeTelegram({ token: TEST_TOKEN });
  });
  afterAll(async () => {
    await tg?.close();
  });

  it('sends one test signal message to every chat and reports each answer', async () => {
    const { code, out } = await notifyTest({ TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_CHAT_IDS: '42,-100777', TELEGRAM_API_URL: tg.url });
    expect(out).toContain('✓ chat 42: sent (message_id 1)');
    expect(out).toContain('✓ chat -100777: sent (message_id 1)');
    expect(out).toContain('the test message reached all 2 chat(s)');
    expect(code).toBe(0);
    for (const chat of ['42', '-100777']) {
      const [m] = tg.messagesFor(chat);
      expect(m.parse_mode).toBe('HTML');
      expect(m.text).toMatch(/^🧪 <b>Test message \(npm run notify:test\)<\/b>\n🟢 <b>BUY ETHUSDT<\/b>/);
    }
  });

  it('exits non-zero naming the chat and Telegram\'s reason when a chat refuses, without printing the token', async () => {
    tg.setBehaviour((req) => (req.chat_id === '43' ? { status: 403 } : undefined));
    const { code, out } = await notifyTest({ TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_CHAT_IDS: '42,43', TELEGRAM_API_URL: tg.url });
    expect(code).toBe(1);
    expect(out).toContain('✗ chat 43: refused (403): Forbidden: bot was blocked by the user');
    expect(out).toContain('1 of 2 chat(s) did not get the test message');
    expect(out).not.toContain(TEST_TOKEN.split(':')[1]);
    tg.setBehaviour(undefined);
  });

  it('reports an unreachable Bot API and a wrong token clearly', async () => {
    const closed = await freePort();
    const down = await notifyTest({ TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_CHAT_IDS: '42', TELEGRAM_API_URL: `http://127.0.0.1:${closed}` });
    expect(down.code).toBe(1);
    expect(down.out).toMatch(/✗ chat 42: failed \(network\): fetch failed: ECONNREFUSED/);
    const wrongToken = '1111111:AAwrong_token_value_for_the_fake_api';
    const denied = await notifyTest({ TELEGRAM_BOT_TOKEN: wrongToken, TELEGRAM_CHAT_IDS: '42', TELEGRAM_API_URL: tg.url });
    expect(denied.code).toBe(1);
    expect(denied.out).toContain('✗ chat 42: refused (401): Unauthorized');
    expect(denied.out + down.out).not.toContain('AAwrong_token');
    expect(down.out).not.toContain(TEST_TOKEN.split(':')[1]);
  });

  it('prints the message in a dry run, and exits 2 naming a bad variable', async () => {
    const dry = await notifyTest({});
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('Dry run: TELEGRAM_BOT_TOKEN is not set, so nothing was sent');
    expect(dry.out).toContain('🟢 <b>BUY ETHUSDT</b> · 1m · 20x');
    const bad = await notifyTest({ TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_CHAT_IDS: 'everyone' });
    expect(bad.code).toBe(2);
    expect(bad.out).toContain("TELEGRAM_CHAT_IDS: 'everyone' is not a chat id");
  });
});
