import { ConfigError } from '@app/config';
import { DRY_RUN_CHAT, loadConfig } from './config';

const TOKEN = '123456789:AAFakeTokenForTests_abcdefghijklmnop';

describe('notifier config', () => {
  it('defaults to Telegram limits and a dry run when no token is set', () => {
    const cfg = loadConfig({});
    expect(cfg.telegram.token).toBeUndefined();
    expect(cfg.telegram.chats).toEqual([{ id: DRY_RUN_CHAT, group: false }]);
    expect(cfg.telegram.apiUrl).toBe('https://api.telegram.org');
    expect(cfg.limits).toEqual({ globalPerSecond: 30, chatPerSecond: 1, groupPerMinute: 20, marginMs: 25 });
    expect(cfg.port).toBe(9101);
    expect(cfg.delivery.lockTtlMs).toBeGreaterThan(cfg.telegram.timeoutMs);
  });

  it('treats empty variables (as docker-compose passes them) as unset', () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: '', TELEGRAM_CHAT_IDS: '' }).telegram.token).toBeUndefined();
  });

  it('parses chat ids: users, groups (negative, 20/min) and @channels', () => {
    const cfg = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_IDS: ' 12345, -1001234567890 ,@my_channel,12345', TELEGRAM_API_URL: 'http://127.0.0.1:9/' });
    expect(cfg.telegram.chats).toEqual([
      { id: '12345', group: false },
      { id: '-1001234567890', group: true },
      { id: '@my_channel', group: true },
    ]);
    expect(cfg.telegram.apiUrl).toBe('http://127.0.0.1:9');
  });

  it('names the bad variable and never echoes the token', () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN })).toThrow(/TELEGRAM_CHAT_IDS is required/);
    expect(() => loadConfig({ TELEGRAM_CHAT_IDS: '123,not a chat' })).toThrow(/TELEGRAM_CHAT_IDS: 'not a chat' is not a chat id/);
    expect(() => loadConfig({ TELEGRAM_GLOBAL_RATE: '0' })).toThrow(/TELEGRAM_GLOBAL_RATE/);
    expect(() => loadConfig({ TELEGRAM_API_URL: 'ftp://x' })).toThrow(/TELEGRAM_API_URL/);
    const badToken = 'not-a-token-but-secret-looking-value';
    let message = '';
    try {
      loadConfig({ TELEGRAM_BOT_TOKEN: badToken, TELEGRAM_CHAT_IDS: '1' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/TELEGRAM_BOT_TOKEN must look like/);
    expect(message).not.toContain(badToken);
  });
});

describe('notifier config: Telegram commands', () => {
  const base = { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_IDS: '1' };

  it('polls by default once there are a token and admin chats; off without either', () => {
    const on = loadConfig({ ...base, TELEGRAM_ADMIN_CHAT_IDS: '42, -1001234567890' });
    expect(on.commands).toMatchObject({ mode: 'polling', pollTimeoutSeconds: 25, leaseMs: 10_000, webhook: undefined });
    expect([...on.commands.adminChatIds]).toEqual([42, -1001234567890]);
    expect(on.commands.gateway).toEqual({ url: 'http://127.0.0.1:8888', apiKey: undefined, timeoutMs: 5000 });
    expect(loadConfig(base).commands.mode).toBe('off');
    expect(loadConfig({ TELEGRAM_ADMIN_CHAT_IDS: '42' }).commands.mode).toBe('off');
    expect(loadConfig({ ...base, TELEGRAM_ADMIN_CHAT_IDS: '42', TELEGRAM_COMMANDS: 'off' }).commands.mode).toBe('off');
  });

  it('webhook mode needs its URL and secret, and names bad values without echoing secrets', () => {
    const env = { ...base, TELEGRAM_ADMIN_CHAT_IDS: '42', TELEGRAM_COMMANDS: 'webhook' };
    expect(() => loadConfig(env)).toThrow(/TELEGRAM_COMMANDS=webhook needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET/);
    const secret = 'a-webhook-secret-0123456789';
    expect(loadConfig({ ...env, TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook', TELEGRAM_WEBHOOK_SECRET: secret }).commands).toMatchObject({
      mode: 'webhook',
      webhook: { url: 'https://bot.example.com/telegram/webhook', secret },
    });
    expect(() => loadConfig({ ...env, TELEGRAM_WEBHOOK_URL: 'http://plain.example.com', TELEGRAM_WEBHOOK_SECRET: secret })).toThrow(/TELEGRAM_WEBHOOK_URL must be an https URL/);
    const badSecret = 'short secret!';
    expect(() => loadConfig({ ...env, TELEGRAM_WEBHOOK_URL: 'https://x.example.com', TELEGRAM_WEBHOOK_SECRET: badSecret })).toThrow(/TELEGRAM_WEBHOOK_SECRET must be 16-256/);
    try {
      loadConfig({ ...env, TELEGRAM_WEBHOOK_URL: 'https://x.example.com', TELEGRAM_WEBHOOK_SECRET: badSecret });
    } catch (err) {
      expect((err as Error).message).not.toContain(badSecret);
    }
    expect(() => loadConfig({ ...base, TELEGRAM_ADMIN_CHAT_IDS: '42,@alice' })).toThrow(/TELEGRAM_ADMIN_CHAT_IDS: '@alice' is not a numeric chat id/);
    expect(() => loadConfig({ ...base, TELEGRAM_COMMANDS: 'sometimes' })).toThrow(/TELEGRAM_COMMANDS must be polling, webhook or off/);
    expect(() => loadConfig({ ...base, TELEGRAM_POLL_TIMEOUT_SECONDS: '51' })).toThrow(/TELEGRAM_POLL_TIMEOUT_SECONDS/);
    expect(() => loadConfig({ ...base, GATEWAY_URL: 'gateway:8888' })).toThrow(/GATEWAY_URL must be an http\(s\) URL/);
  });
});
